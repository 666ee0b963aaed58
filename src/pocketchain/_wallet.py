"""`pocketchain.Wallet`: keys from one mnemonic, signing in this process, a node to ask (a `Node`
or a `Client`: anything with their methods).

The keys and what the wallet recorded live in a wallet file (encrypted with a passphrase, or
not, for tests), the one `pocketchain wallet` uses: a change (a new address, a payment, a post)
is made under the file's lock and saved at once, so a wallet used from two places at a time
keeps what each of them did. `path=None` keeps a wallet in memory only.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .consensus.hashes import to_display
from .consensus.keys import decode_address
from .consensus.params import get_params
from .wallet import history as _history
from .wallet import send as _send
from .wallet.chain import Chain
from .wallet.errors import WalletError
from .wallet.history import HistoryEntry
from .wallet.keystore import load_wallet, save_wallet, wallet_lock, wallet_network
from .wallet.mnemonic import check_mnemonic, new_mnemonic
from .wallet.sync import scan
from .wallet.wallet import RECEIVE
from .wallet.wallet import Wallet as Keys


@dataclass(frozen=True, kw_only=True)
class Balance:
    """What a wallet holds, in base units."""

    confirmed: int  # in blocks, spendable
    unconfirmed: int  # what mempool transactions add or take
    immature: int  # coinbase outputs still maturing
    total: int


class Wallet:
    """Use `create`, `open` or `restore`; the methods that ask the chain take a `Node` or a
    `Client` (`chain`)."""

    def __init__(self, keys: Keys, path: Path | None, passphrase: str | None) -> None:
        self._keys = keys
        self.path = path
        self._passphrase = passphrase

    @classmethod
    def create(
        cls, path: Path | str | None, network: str = "regtest", passphrase: str | None = None
    ) -> "Wallet":
        """A new wallet with fresh recovery words, saved to `path` (never over a file there),
        encrypted with `passphrase` (None: unencrypted, for tests)."""
        return cls.restore(path, new_mnemonic(), network, passphrase)

    @classmethod
    def restore(
        cls,
        path: Path | str | None,
        words: str,
        network: str = "regtest",
        passphrase: str | None = None,
    ) -> "Wallet":
        """The wallet of these recovery words (BIP-39), saved to `path` as `create` does; its
        used addresses are found the first time it asks a chain."""
        where = Path(path).expanduser() if path is not None else None
        if where is not None and where.exists():
            raise WalletError(f"a wallet already exists at {where}; it was left as it is")
        wallet = cls(Keys(get_params(network), check_mnemonic(words)), where, passphrase)
        wallet._save()
        return wallet

    @classmethod
    def open(cls, path: Path | str, passphrase: str | None = None) -> "Wallet":
        """The wallet saved at `path`; WalletError for a wrong passphrase or a damaged file."""
        where = Path(path).expanduser()
        return cls(_load(where, passphrase), where, passphrase)

    # -- keys ----------------------------------------------------------------------------------

    @property
    def words(self) -> str:
        """The recovery words: whoever has them has the coins."""
        return self._keys.mnemonic

    @property
    def network(self) -> str:
        return self._keys.params.name

    @property
    def address(self) -> str:
        """The current receiving address."""
        return self._keys.address(RECEIVE, self._keys.issued[RECEIVE] - 1)

    def new_address(self) -> str:
        """A receiving address not given out before (saved)."""
        with self._changing() as keys:
            keys.new_key_hash(RECEIVE)
        return self.address

    # -- what the chain says, and paying ----------------------------------------------------------

    def balance(self, chain: Chain) -> Balance:
        state = scan(self._keys, chain)
        return Balance(
            confirmed=state.confirmed,
            unconfirmed=state.unconfirmed,
            immature=state.immature,
            total=state.total,
        )

    def send(self, chain: Chain, address: str, amount: int, fee: int | None = None) -> str:
        """Pay `amount` base units to `address`, signed here; change to a new address of the
        wallet's; `fee` in base units (default: the node's estimate). The txid."""
        payee = decode_address(self._keys.params.hrp, address)
        with self._changing() as keys:
            tx = _send.pay(keys, chain, payee, amount, fee)
        return to_display(tx.txid)

    def post(self, chain: Chain, text: str) -> str:
        """Post `text` (up to 512 bytes of UTF-8) signed by the wallet's key; the txid."""
        with self._changing() as keys:
            tx = _send.post(keys, chain, text)
        return to_display(tx.txid)

    def history(self, chain: Chain, limit: int = 20) -> list[HistoryEntry]:
        """The wallet's transactions, newest first, as `pocketchain wallet history --json`."""
        return _history.history(self._keys, chain, scan(self._keys, chain), limit)

    # -- the file -----------------------------------------------------------------------------

    @contextmanager
    def _changing(self) -> Iterator[Keys]:
        """The keys as the file has them now, under its lock; saved after the block."""
        if self.path is None:
            yield self._keys
            return
        with wallet_lock(self.path):
            self._keys = _load(self.path, self._passphrase)
            yield self._keys
            self._save()

    def _save(self) -> None:
        if self.path is not None:
            params = self._keys.params
            save_wallet(self.path, self._keys.payload(), params.name, self._passphrase)


def _load(path: Path, passphrase: str | None) -> Keys:
    params = get_params(wallet_network(path))
    return Keys.from_payload(params, load_wallet(path, passphrase, params.name))
