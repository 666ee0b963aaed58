"""A wallet: keys derived from one mnemonic, the addresses given out, the transactions sent.

Keys follow BIP-32 on the path m/86'/coin'/0'/chain/index (BIP-86's layout, for x-only keys):
chain 0 receives, chain 1 takes change; coin is 0 on main and 1 on the test networks. So the
mnemonic alone restores every key; the wallet file adds how many addresses of each chain were
given out and the transactions the wallet sent (to tell when one was conflicted).
"""

from dataclasses import dataclass, field
from typing import Any

from ..consensus.keys import encode_address, key_hash, pubkey_from_secret
from ..consensus.params import ChainParams
from .errors import WalletError
from .hd import ExtendedKey, derive_child, derive_path
from .mnemonic import check_mnemonic, mnemonic_to_seed

RECEIVE, CHANGE = 0, 1
GAP = 20  # BIP-44's gap limit: unused addresses looked at past the last one given out


@dataclass(frozen=True)
class SentTx:
    txid: str
    hex: str
    time: int


@dataclass
class Wallet:
    params: ChainParams
    mnemonic: str
    issued: list[int] = field(default_factory=lambda: [1, 0])  # addresses given out, per chain
    sent: list[SentTx] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.mnemonic = check_mnemonic(self.mnemonic)
        coin = 0 if self.params.name == "main" else 1
        account = derive_path(mnemonic_to_seed(self.mnemonic), f"m/86'/{coin}'/0'")
        self._chains = (derive_child(account, RECEIVE), derive_child(account, CHANGE))
        self._keys: dict[tuple[int, int], ExtendedKey] = {}
        self._by_hash: dict[bytes, bytes] = {}  # key hash -> secret, of every key derived

    # -- keys and addresses ---------------------------------------------------------------

    def secret(self, chain: int, index: int) -> bytes:
        key = self._keys.get((chain, index))
        if key is None:
            key = self._keys[chain, index] = derive_child(self._chains[chain], index)
            self._by_hash[key_hash(pubkey_from_secret(key.secret))] = key.secret
        return key.secret

    def key_hash(self, chain: int, index: int) -> bytes:
        return key_hash(pubkey_from_secret(self.secret(chain, index)))

    def address(self, chain: int, index: int) -> str:
        return encode_address(self.params.hrp, self.key_hash(chain, index))

    def new_key_hash(self, chain: int) -> bytes:
        """The next unused key of a chain, now given out."""
        index = self.issued[chain]
        self.issued[chain] += 1
        return self.key_hash(chain, index)

    def secret_of(self, kh: bytes) -> bytes:
        """The secret of one of the wallet's keys, by the key hash it pays to."""
        if kh not in self._by_hash:
            for chain in (RECEIVE, CHANGE):
                for index in range(self.issued[chain] + GAP):
                    self.secret(chain, index)
        try:
            return self._by_hash[kh]
        except KeyError:
            raise WalletError("a coin to spend is not the wallet's own") from None

    def owns(self, kh: bytes) -> bool:
        try:
            self.secret_of(kh)
        except WalletError:
            return False
        return True

    def see_used(self, chain: int, index: int) -> None:
        """A key found used on the chain: every key up to it counts as given out."""
        self.issued[chain] = max(self.issued[chain], index + 1)

    # -- the file's payload ---------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        return {
            "mnemonic": self.mnemonic,
            "issued": {"receive": self.issued[RECEIVE], "change": self.issued[CHANGE]},
            "sent": [{"txid": s.txid, "hex": s.hex, "time": s.time} for s in self.sent],
        }

    @classmethod
    def from_payload(cls, params: ChainParams, payload: dict[str, Any]) -> "Wallet":
        try:
            issued = payload["issued"]
            return cls(
                params,
                payload["mnemonic"],
                [int(issued["receive"]), int(issued["change"])],
                [SentTx(str(s["txid"]), str(s["hex"]), int(s["time"])) for s in payload["sent"]],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise WalletError(f"the wallet file's contents are damaged ({exc!r})") from None
