"""The node's front door: what everything outside the writer asks of a node, by name.

The API's routes, the CLI, the peer layer, the lab and outside programs use these methods (or
`Client`, their twin over HTTP) and never the chainstate, the store or the mempool behind them.
Every method may be called from any thread: a read runs on the writer (`call`) and describes one
moment of the chain; `status` reads the snapshot the writer publishes, and never waits for it.
Results are the frozen dataclasses of `_results.py`; hashes and txids go in and out as display
hex; an unknown one raises NotFound, a malformed one RejectError (`bad-hash`, `bad-address`).
"""

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from .._results import (
    AddressSummary,
    AddressTx,
    Ban,
    Block,
    BlockSummary,
    ChainTip,
    Event,
    FaucetPaid,
    FeeRates,
    Found,
    Mempool,
    NetworkInfo,
    Peer,
    Post,
    Proof,
    Status,
    TransactionStatus,
    Utxo,
)
from .._version import __version__
from ..chain.dryrun import dry_run
from ..chain.interfaces import Store
from ..consensus.block import Block as RawBlock
from ..consensus.block import BlockHeader
from ..consensus.errors import NotFound, RejectError
from ..consensus.hashes import from_display, to_display
from ..consensus.keys import decode_address
from ..consensus.params import ChainParams, get_params
from ..consensus.pow import block_work, compact_to_target
from ..consensus.tx import Tx
from ..mining.search import KERNEL
from ..p2p import PeerSettings
from . import faucet, queries
from .core import NodeCore
from .readers import Readers

MINE_NETWORKS = ("regtest", "devnet")  # mining on demand; `main` mines only continuously
MINING_KERNEL = KERNEL  # the nonce search the miners use: C (SHA-NI), C (portable) or Python


def parse_hash(text: str) -> bytes:
    """A hash or txid from its display hex; RejectError `bad-hash` for anything else."""
    try:
        return from_display(text)
    except (ValueError, TypeError):
        raise RejectError("bad-hash", "a hash is 64 hex characters") from None


class Node(NodeCore):
    def __init__(
        self,
        network: str | ChainParams = "regtest",
        data_dir: Path | str | None = None,
        db: str | None = None,
        *,
        miners: int | None = None,
        peering: PeerSettings | None = None,
        on_load: Callable[[Status], None] | None = None,
    ) -> None:
        """A node of `network` (a name or its parameters) keeping its data in `data_dir`, or
        in a temporary directory removed when it closes when that is None; `db` as the
        command's `--db`. It joins the network only when `peering` gives a public URL.
        `on_load` is told the stored tip's status (`loading` true) once the store is open and
        before the block index loads: `pocketchain node` answers with it meanwhile."""
        params = get_params(network) if isinstance(network, str) else network
        self._throwaway = data_dir is None
        where = Path(tempfile.mkdtemp(prefix="pocketchain-")) if data_dir is None else data_dir
        try:
            opened = None if on_load is None else lambda s: on_load(self._stored_status(s))
            super().__init__(params, Path(where).expanduser(), db, miners, peering, opened)
        except BaseException:
            if self._throwaway:
                shutil.rmtree(where, ignore_errors=True)
            raise
        self._readers = Readers()
        self.listeners.append(self._readers.on_event)
        self.start()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop everything and close the store; a throwaway node's directory goes too."""
        super().close()
        self._readers.close()
        if self._throwaway:
            shutil.rmtree(self.dir.parent, ignore_errors=True)

    # -- the chain ------------------------------------------------------------------------------

    def status(self) -> Status:
        """Where the node is: from the snapshot the writer published last, never waiting."""
        snapshot = self.snapshot
        tip = snapshot.tip
        return self._status_at(
            tip.height,
            tip.header,
            tip.chainwork,
            peers=self.network.connected_count(),
            mempool=snapshot.mempool_txs,
            mining=self.mining,
            hashrate=self.miner.hashrate,
            synced=self.network.synced(),
        )

    def _stored_status(self, store: Store) -> Status:
        """The status of the tip the store names, before the block index is loaded."""
        tip_hash = store.get_meta("tip")
        row = None if tip_hash is None else store.get_index(tip_hash)
        genesis = self.params.genesis.header
        height, header, work = (
            (0, genesis, block_work(genesis.bits))
            if row is None
            else (row.height, BlockHeader.parse(row.header), int.from_bytes(row.chainwork, "big"))
        )
        return self._status_at(height, header, work, loading=True)

    def _status_at(
        self,
        height: int,
        tip: BlockHeader,
        chainwork: int,
        *,
        peers: int = 0,
        mempool: int = 0,
        mining: bool = False,
        hashrate: float = 0.0,
        synced: bool = False,
        loading: bool = False,
    ) -> Status:
        params = self.params
        return Status(
            network=params.name,
            hrp=params.hrp,
            magic=params.magic.hex(),
            pow_limit=f"{params.pow_limit:064x}",
            genesis=params.genesis.header.hash_hex,
            version=__version__,
            height=height,
            tip=tip.hash_hex,
            bits=f"{tip.bits:08x}",
            difficulty=params.pow_limit / max(compact_to_target(tip.bits)[0], 1),
            chainwork=f"{chainwork:064x}",
            peers=peers,
            mempool=mempool,
            mining=mining,
            hashrate=hashrate,
            synced=synced,
            mining_kernel=MINING_KERNEL,
            loading=loading,
        )

    def block(self, ref: str | int) -> Block:
        """The block with this hash (on the active chain or not), or at this height of it."""
        if isinstance(ref, int):
            return self.call(queries.block_at, self, ref)
        return self.call(queries.block, self, parse_hash(ref))

    def blocks(self, start: int | None = None, limit: int = 20) -> tuple[BlockSummary, ...]:
        """Summaries of the active chain's blocks from height `start` (the tip) down."""
        return self.call(queries.block_list, self, start, limit)

    def raw_block(self, block_hash: str) -> bytes:
        """A block's consensus serialization."""
        raw = self.call(self.store.get_block, parse_hash(block_hash))
        if raw is None:
            raise NotFound(f"no block {block_hash}")
        return raw

    def raw_blocks(self, hashes: Sequence[bytes]) -> dict[bytes, bytes]:
        """The serializations of those of `hashes` the node holds (peers fetch in batches)."""
        return self.call(self.stored_blocks, list(hashes))

    def headers_after(self, locator: Sequence[bytes], limit: int) -> list[BlockHeader]:
        """Active-chain headers after the first locator hash on it (Core: getheaders)."""
        return self.call(self.active_headers, list(locator), limit)

    def tips(self) -> tuple[ChainTip, ...]:
        """Every branch end of the block tree, the active tip first (Core: getchaintips)."""
        return self.call(queries.tips, self)

    def search(self, query: str) -> tuple[Found, ...]:
        """What a height, a block hash, a txid or an address names."""
        return self.call(queries.search, self, query)

    # -- transactions ---------------------------------------------------------------------------

    def tx(self, txid: str) -> TransactionStatus:
        """A transaction of the mempool, or else of the active chain."""
        return self.call(queries.transaction_status, self, parse_hash(txid))

    def proof(self, txid: str) -> Proof:
        """The merkle branch from a confirmed transaction to its block's merkle root."""
        return self.call(queries.proof, self, parse_hash(txid))

    def mempool(self, limit: int = 100) -> Mempool:
        """The pool's totals and its transactions, highest fee rate first."""
        return self.call(queries.mempool, self, limit)

    def fees(self) -> FeeRates:
        """The pool's floor, and the fee rate that gets a new transaction in the next block."""
        return self.call(queries.fees, self)

    def submit(self, tx: Tx | str | bytes) -> str:
        """Validate a signed transaction (or its serialization, hex or bytes) and take it into
        the mempool, which announces it to peers; its txid, also when it was already there.
        RejectError with the rule's code when it breaks one."""
        if not isinstance(tx, Tx):
            tx = Tx.parse(_raw(tx))
        try:
            self.call(self.accept_tx, tx)
        except RejectError as exc:
            if exc.code != "txn-already-in-mempool":
                raise
        return to_display(tx.txid)

    def submit_block(self, block: RawBlock | str | bytes) -> str:
        """A block from outside, as `POST /api/v1/blocks` takes it: stored when valid (kept in
        memory while its parent is unknown, or while its branch has less work than the active
        chain); its hash. RejectError with the rule's code when it breaks one."""
        if not isinstance(block, RawBlock):
            block = RawBlock.parse(_raw(block))
        self.call(self.accept_block, block, False)  # nobody asked for it
        return block.header.hash_hex

    def check_block(self, block: RawBlock | str | bytes) -> int:
        """Judge a block by every rule in the place its header names, storing nothing (Core:
        TestBlockValidity, also in place of a block of the active chain): its height, or
        RejectError with the first rule it breaks."""
        if not isinstance(block, RawBlock):
            block = RawBlock.parse(_raw(block))
        return self.call(dry_run, self.chain, block, int(time.time()))

    def mine(
        self, blocks: int = 1, to: str | None = None, max_txs: int | None = None
    ) -> tuple[str, ...]:
        """Mine `blocks` blocks now (regtest and devnet) paying `to` (the node's own key by
        default), each holding at most `max_txs` transactions, the best-paying first; their
        hashes, oldest first."""
        if self.params.name not in MINE_NETWORKS:
            networks = " and ".join(MINE_NETWORKS)
            raise RejectError("bad-network", f"mining on demand is for {networks}")
        pay_to = decode_address(self.params.hrp, to) if to else self.miner_key_hash
        return tuple(b.header.hash_hex for b in self.mine_blocks(blocks, pay_to, max_txs))

    def invalidate(self, block_hash: str) -> None:
        """Treat a block as invalid, and move to the best chain without it (Core:
        invalidateblock); its descendants go with it."""
        self.call(self.invalidate_block, parse_hash(block_hash))

    def reconsider(self, block_hash: str) -> None:
        """Forget that a block and its family were invalid (Core: reconsiderblock)."""
        self.call(self.reconsider_block, parse_hash(block_hash))

    def faucet(self, address: str, amount: int = faucet.DEFAULT_AMOUNT) -> FaucetPaid:
        """(regtest, devnet) The node's mining wallet pays `amount` to `address`, at the
        mempool's minimum fee rate; `faucet-empty` until its coinbases mature."""
        if self.params.name not in MINE_NETWORKS:
            raise RejectError("bad-network", "the faucet is for regtest and devnet")
        checked, to = faucet.checked_amount(amount), self._key_hash(address)
        tx = self.call(faucet.pay, self, to, checked)
        return FaucetPaid(txid=to_display(tx.txid), amount=checked)

    # -- addresses, posts, peers ----------------------------------------------------------------

    def address(self, address: str) -> AddressSummary:
        """An address's confirmed balance and totals, and its unconfirmed change."""
        return self.call(queries.address_summary, self, self._key_hash(address))

    def utxos(self, address: str, limit: int = 500, offset: int = 0) -> tuple[Utxo, ...]:
        """An address's confirmed unspent outputs by height, txid and output index."""
        return self.call(queries.utxos, self, self._key_hash(address), limit, offset)

    def address_txs(
        self, address: str, before: str | None = None, limit: int = 50
    ) -> tuple[AddressTx, ...]:
        """An address's transactions, newest first: the mempool's, then the chain's."""
        after = parse_hash(before) if before else None
        return self.call(queries.address_txs, self, self._key_hash(address), after, limit)

    def posts(self, limit: int = 20, before: str | None = None) -> tuple[Post, ...]:
        """Posts, newest first: the mempool's, then the chain's; `before` pages on."""
        after = parse_hash(before) if before else None
        return self.call(queries.posts, self, after, limit)

    def peers(self) -> tuple[Peer, ...]:
        """The peers this node knows, and how they are doing."""
        return tuple(Peer(**view) for view in self.network.views())

    def network_info(self) -> NetworkInfo:
        """Connections by direction, the address book's size, the bans in force."""
        info = self.network.info()
        return NetworkInfo(**info | {"bans": tuple(Ban(**ban) for ban in info["bans"])})

    def connect(self, url: str) -> Peer:
        """Shake hands with the node at `url` and keep it as a manual peer (never evicted,
        redialled when lost); both sides sync. A node needs a public URL (it serves HTTP) to
        have peers."""
        return Peer(**self.network.connect(url))

    def disconnect(self, url: str) -> None:
        """Forget a peer; NotFound when it is not one."""
        if not self.network.remove(url):
            raise NotFound(f"no peer {url}")

    def events(self) -> Iterator[Event]:
        """The node's events from now on, as they happen, as `GET /api/v1/events` streams them
        (a block connected, a reorg, a transaction accepted, a peer change): an iterator that
        waits for each, until the node closes. Leave the loop to stop reading; a reader that
        falls 10,000 events behind is ended."""
        return self._readers.read()

    def _key_hash(self, address: str) -> bytes:
        return decode_address(self.params.hrp, address)  # RejectError bad-address


def _raw(data: str | bytes) -> bytes:
    """Bytes, or their hex; RejectError `decode-failed` for text that is not hex."""
    if isinstance(data, bytes):
        return data
    try:
        return bytes.fromhex(data)
    except ValueError:
        raise RejectError("decode-failed", "not hexadecimal") from None
