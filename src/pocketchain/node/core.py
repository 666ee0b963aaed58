"""The node's core: one writer at a time owns the chainstate and the mempool; miners are processes.

Everything that reads or changes the chain or the mempool runs as the writer (`node.call(fn)`):
in the calling thread, holding the writer lock, one thing at a time, so no two blocks are ever
connected at once and nothing is read half-changed. An event loop must not wait for the lock:
`node.acall(fn)` has a helper thread wait in its place. After each call the writer publishes a
snapshot of the tip and the mempool's size (`node.snapshot`), which the status and the metrics
read without waiting for the lock: a node busy connecting blocks still says where it is. Nonce
searching runs in worker processes (MinerPool), started the first time the node mines; the
mining loop only asks the writer for a template and hands back solved blocks.
"""

import asyncio
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from .._results import BlockEvent, Event, RejectedEvent, ReorgEvent, TxEvent
from ..chain.chainstate import Chainstate, ImportResult
from ..chain.index import Entry
from ..chain.interfaces import DiskFullError, Store
from ..chain.lock import FileLock
from ..chain.open import open_store
from ..consensus.block import Block, BlockHeader
from ..consensus.contextual import next_bits
from ..consensus.errors import NotFound, RejectError
from ..consensus.hashes import to_display
from ..consensus.keys import key_hash, pubkey_from_secret
from ..consensus.params import ChainParams
from ..consensus.tx import Tx
from ..mempool.pool import Mempool, MempoolEntry
from ..mining.assemble import TEMPLATE_BYTES, assemble_block
from ..mining.workers import MinerPool
from ..p2p import PeerManager, PeerSettings
from .keyfiles import load_or_create_miner_key, load_or_create_token

log = logging.getLogger("pocketchain.node")
T = TypeVar("T")
RELOAD_RETRY = 1.0  # seconds between attempts to re-read a chainstate that needs room to load
PEER_BOOK = "peers"  # the peers and bans, in the store's metadata
DIR_LOCK = ".lock"  # in the network's data directory (Core: the datadir's .lock)


class Snapshot(NamedTuple):
    """The tip and the mempool's size as the writer left them after its last call."""

    tip: Entry
    mempool_txs: int
    mempool_bytes: int


def default_miners() -> int:
    """One worker per core but one, at least one."""
    return max(1, (os.cpu_count() or 2) - 1)


class NodeCore:
    """The writer and everything it owns (node.py builds the public `Node` on it)."""

    def __init__(
        self,
        params: ChainParams,
        data_dir: Path,
        db: str | None = None,
        miners: int | None = None,
        peering: PeerSettings | None = None,
        opened: Callable[[Store], None] | None = None,
    ) -> None:
        self.params = params
        self.dir = data_dir / params.name
        self.dir.mkdir(parents=True, exist_ok=True)
        with ExitStack() as undo:  # on a failure below, let go of the locks again
            # first, one node per data directory and per database (StoreInUseError otherwise)
            self._dir_lock = FileLock(self.dir / DIR_LOCK, f"the data directory {self.dir}")
            undo.callback(self._dir_lock.release)
            self.store = open_store(db, self.dir)
            undo.callback(self.store.close)
            self.token = load_or_create_token(self.dir)
            self.miner_secret = load_or_create_miner_key(self.dir)  # its blocks pay it; the faucet
            self.miner_key_hash = key_hash(pubkey_from_secret(self.miner_secret))
            if opened is not None:  # told before the block index loads, which takes a while
                opened(self.store)
            self.chain = Chainstate(params, self.store)
            undo.pop_all()
        self.pool = Mempool(params)
        restored = self.pool.load(self.store.load_mempool(), self.chain.coins, self.chain.height)
        if restored:
            log.info("mempool: %d transactions restored", restored)
        self.miner = MinerPool(miners or default_miners())
        self.listeners: list[Callable[[Event], None]] = []  # told of each event, any thread
        self._writer_lock = threading.RLock()  # a call inside a call takes it again
        self._writer_ident: int | None = None  # the thread that holds it
        self._waiter = ThreadPoolExecutor(1, thread_name_prefix="writer")  # acall's, in turn
        self._stale = threading.Event()  # cancels the nonce search of a stale template
        self._template_fees = 0  # fees of the template being mined
        self._new_fees = 0  # fees of transactions that arrived since
        self._mine_lock = threading.Lock()
        self._mining: threading.Thread | None = None
        self._mining_stop = threading.Event()
        self._closed = False
        self._reload_pending = False  # the disk refused a write: read the chainstate again
        self._next_reload = 0.0
        self._held: list[Event] | None = None  # events of a batch not yet committed
        self.network = PeerManager(self, peering or PeerSettings())
        self.snapshot = self._take_snapshot()

    def start(self) -> None:
        """Join the network (the miner's processes start when the node first mines)."""
        self.network.start()

    # -- the writer ---------------------------------------------------------------------------

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` as the writer, in this thread, once no other call runs; its result
        (or exception). A call inside a call runs at once."""
        with self._writer_lock:
            if self._writer_ident == threading.get_ident():
                return fn(*args)
            self._writer_ident = threading.get_ident()
            try:
                return self._as_writer(fn, *args)
            finally:
                self._writer_ident = None

    def acall(self, fn: Callable[..., T], *args: Any) -> "asyncio.Future[T]":
        """`call` for the running event loop: a future to await, done when the writer has run
        `fn(*args)`; the loop is not blocked meanwhile (a helper thread waits for the lock)."""
        return asyncio.wrap_future(self._waiter.submit(self.call, fn, *args))

    def _as_writer(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)`, holding the writer lock. When the disk has no room for a change, the
        database rolls it back, but the chainstate in memory may hold part of it already: it is
        read again from the database, at once or, when loading needs room too (to finish a
        chain switch), before a later call."""
        if self._reload_pending and time.monotonic() >= self._next_reload:
            self._reload_chain()
        try:
            return fn(*args)
        except DiskFullError as exc:
            log.error("disk full (%s): a change was refused, none of it stored; free space", exc)
            self._reload_pending = True
            self._reload_chain()
            raise
        finally:
            self.snapshot = self._take_snapshot()

    def _take_snapshot(self) -> Snapshot:
        return Snapshot(self.chain.tip, len(self.pool), self.pool.bytes)

    def _reload_chain(self) -> None:
        """Read the chainstate from the database again, and bring the mempool, the miner and
        the listeners from the chain the memory held to the one stored."""
        old = self.chain
        try:
            self.chain = Chainstate(self.params, self.store)
        except DiskFullError:
            self._reload_pending = True
            self._next_reload = time.monotonic() + RELOAD_RETRY
            return
        self._reload_pending = False
        new, fork = self.chain, 0
        while fork < min(len(old.chain), len(new.chain)):
            if old.chain[fork].hash != new.chain[fork].hash:
                break
            fork += 1
        gone = [old.get_block(e.hash) for e in reversed(old.chain[fork:])]
        came = [new.get_block(e.hash) for e in new.chain[fork:]]
        # a block the database rolled back is not there to read: its transactions stay out
        self._chain_moved([b for b in came if b], [b for b in gone if b])

    def publish(self, event: Event) -> None:
        """Tell every listener (the event stream, the metrics, the peers): from any thread. From
        the writer, the snapshot is taken first, so a listener never sees a tip older than the
        event; inside a batch (`accept_blocks`) the event waits for the commit, so nobody, the
        status included, hears of a block a crash could still take back."""
        if threading.get_ident() == self._writer_ident:
            if self._held is not None:
                self._held.append(event)
                return
            self.snapshot = self._take_snapshot()
        for listener in list(self.listeners):
            listener(event)

    # -- writer-side operations: call these through `call` ------------------------------------

    def accept_block(self, block: Block, requested: bool = True) -> ImportResult:
        """A block from the miner or a sync (`requested`), or from anyone (see
        Chainstate.process_block)."""
        try:
            result = self.chain.process_block(block, requested=requested)
        except RejectError as exc:
            self.publish(RejectedEvent(what="block", code=exc.code))
            raise
        self._chain_moved(result.connected, result.disconnected)
        if result.error is not None:
            self.publish(RejectedEvent(what="block", code=result.error.code))
            raise result.error
        return result

    def accept_blocks(self, blocks: list[Block]) -> RejectError | None:
        """A sync's batch of blocks in one database transaction: one commit instead of one per
        block. Stops at the first invalid block and returns its error; the blocks before it stay.
        """
        error: RejectError | None = None
        held: list[Event] = []  # told once the batch is committed
        self._held = held
        try:
            with self.store.transaction():
                for block in blocks:
                    try:
                        self.accept_block(block)
                    except RejectError as exc:
                        error = exc
                        break
        except DiskFullError:
            raise  # see _as_writer
        except Exception:
            self._held = None
            # the database rolled back blocks the memory holds as connected: read it again
            log.exception("a batch of blocks failed to commit; reloading the chainstate")
            self._reload_chain()
            raise
        finally:
            self._held = None
        for event in held:
            self.publish(event)
        return error

    def invalidate_block(self, block_hash: bytes) -> None:
        self._chain_moved(*self.chain.invalidate(self._known(block_hash)))

    def reconsider_block(self, block_hash: bytes) -> None:
        self._chain_moved(*self.chain.reconsider(self._known(block_hash)))

    def _known(self, block_hash: bytes) -> bytes:
        if block_hash not in self.chain.entries:
            raise NotFound(f"no block {to_display(block_hash)}")
        return block_hash

    def _chain_moved(self, connected: list[Block], disconnected: list[Block]) -> None:
        """Bring the mempool and the miner up to date with a new tip, and tell listeners."""
        if not connected and not disconnected:
            return
        self.pool.reorg(connected, disconnected, self.chain.coins, self.chain.height)
        self._stale.set()
        if disconnected:
            self.publish(
                ReorgEvent(
                    disconnected=tuple(b.header.hash_hex for b in disconnected),
                    connected=tuple(b.header.hash_hex for b in connected),
                )
            )
            for tx in (tx for block in disconnected for tx in block.txs[1:]):
                if tx.txid in self.pool:  # back from the losing branch: tell peers again
                    self.publish(TxEvent(txid=to_display(tx.txid)))
        tip = self.chain.tip
        self.publish(
            BlockEvent(hash=tip.header.hash_hex, height=tip.height, connected=len(connected))
        )

    def accept_tx(self, tx: Tx) -> MempoolEntry:
        try:
            entry = self.pool.accept(tx, self.chain.coins, self.chain.height)
        except RejectError as exc:
            self.publish(RejectedEvent(what="tx", code=exc.code))
            raise
        self.chain.sig_cache.add([tx.txid])  # its block will not check the signatures again
        self._new_fees += entry.fee
        if self._new_fees > self._template_fees:
            self._stale.set()  # a template with them would pay twice as much: start again
        self.publish(TxEvent(txid=to_display(tx.txid)))
        return entry

    def accept_txs(self, txs: list[Tx]) -> list[RejectError | None]:
        """`accept_tx` for each transaction in turn: None where accepted, else why not."""
        errors: list[RejectError | None] = []
        for tx in txs:
            try:
                self.accept_tx(tx)
            except RejectError as exc:
                errors.append(exc)
            else:
                errors.append(None)
        return errors

    def template(self, pay_to: bytes, max_txs: int | None = None) -> Block:
        """A block to mine on the tip: mempool transactions by fee rate (at most `max_txs`, each
        after its ancestors, so any prefix is a valid block), coinbase to `pay_to`."""
        tip = self.chain.tip
        entries = self.pool.select(TEMPLATE_BYTES)[:max_txs]
        bits = next_bits(self.params, tip.height, tip.bits, tip.time_at)
        block_time = max(int(time.time()), tip.median_time_past() + 1)
        txs = tuple(e.tx for e in entries)
        fees = self._template_fees = sum(e.fee for e in entries)
        self._new_fees = 0
        extra_nonce = os.urandom(4)  # no two templates alike, even on the same tip and second
        return assemble_block(
            self.params, tip.hash, tip.height + 1, block_time, bits, txs, fees, pay_to, extra_nonce
        )

    def save_mempool(self) -> None:
        self.store.save_mempool([tx.raw for tx in self.pool.txs()])

    # -- for the peer layer (p2p/protocol.py: PeerNode) --------------------------------------

    def tip(self) -> Entry:
        """The tip as the writer last published it: from any thread, without waiting."""
        return self.snapshot.tip

    def signatures_checked(self, txids: Iterable[bytes]) -> None:
        """Any thread: the signature cache takes its own lock."""
        self.chain.sig_cache.add(txids)

    def blocks_toward_best_header(self) -> list[bytes]:
        return self.chain.blocks_toward_best_header()

    def locator(self, after: bytes | None = None) -> list[bytes]:
        return self.chain.locator(None if after is None else self.chain.entries[after])

    def add_headers(self, headers: Sequence[BlockHeader]) -> tuple[bytes, list[bytes]]:
        entries = self.chain.process_headers(headers)
        return entries[-1].hash, self.chain.missing_blocks(entries)

    def raw_txs(self, txids: list[bytes]) -> list[tuple[bytes, bytes]]:
        return [(t, e.tx.raw) for t in txids if (e := self.pool.get(t)) is not None]

    def stored_block(self, block_hash: bytes) -> bytes | None:
        return self.store.get_block(block_hash)

    def stored_blocks(self, hashes: list[bytes]) -> dict[bytes, bytes]:
        return self.store.get_blocks(hashes)

    def active_headers(self, locator: list[bytes], limit: int) -> list[BlockHeader]:
        return self.chain.headers_after(locator, limit)

    def saved_peers(self) -> bytes | None:
        return self.store.get_meta(PEER_BOOK)

    def save_peers(self, data: bytes) -> None:
        self.store.set_meta(PEER_BOOK, data)

    # -- mining (from any thread but the writer) ----------------------------------------------

    def mine_blocks(self, count: int, pay_to: bytes, max_txs: int | None = None) -> list[Block]:
        """Mine `count` blocks on the tip now, one after another, each with at most `max_txs`
        transactions."""
        mined: list[Block] = []
        with self._mine_lock:
            self.miner.start()  # a no-op once it runs
            while len(mined) < count:
                block = self._mine_one(pay_to, max_txs)
                if block is not None:
                    mined.append(block)
        return mined

    def _mine_one(self, pay_to: bytes, max_txs: int | None = None) -> Block | None:
        """Solve one template; None when a new tip made it stale first."""
        self._stale.clear()
        template = self.call(self.template, pay_to, max_txs)
        ahead = template.header.time - int(time.time()) - self.params.max_future_block_time
        if ahead > 0:  # blocks came faster than the clock allows (time-too-new): let it catch up
            self._stale.wait(ahead)
            return None
        solved = self.miner.solve(template, self._stale)
        if solved is None:
            return None
        result = self.call(self.accept_block, solved)
        return solved if result.status == "accepted" else None

    def set_mining(
        self, enabled: bool, pay_to: bytes, miners: int | None = None, every: float | None = None
    ) -> None:
        """Start or stop continuous mining to the key hash `pay_to`, with `miners` workers.

        `every` (seconds) paces it as a lab network's share of the hash power: before each block
        the loop waits a time drawn from an exponential distribution of that mean, then solves a
        real block (the exponential mode of simulators; None: search nonces without a pause)."""
        self.stop_mining()
        if miners is not None and miners != self.miner.workers:
            with self._mine_lock:  # no search runs on the old pool now
                self.miner.close()
                self.miner = MinerPool(miners)  # its processes start when mining does
        if enabled:
            self.miner.start()  # before the answer: "mining" means the workers are searching
            self._mining_stop.clear()
            self._mining = threading.Thread(
                target=self._mine_loop, args=(pay_to, every), name="miner", daemon=True
            )
            self._mining.start()

    @property
    def mining(self) -> bool:
        return self._mining is not None and self._mining.is_alive()

    def stop_mining(self) -> None:
        if self._mining is not None:
            self._mining_stop.set()
            self._stale.set()
            self._mining.join()
            self._mining = None

    def _mine_loop(self, pay_to: bytes, every: float | None) -> None:
        rng = random.Random()
        while not self._mining_stop.is_set():
            if every is not None and self._mining_stop.wait(rng.expovariate(1 / every)):
                return
            with self._mine_lock:
                if self._mining_stop.is_set():
                    return
                try:
                    self._mine_one(pay_to)
                except DiskFullError:  # logged by the writer; the disk may have room later
                    self._mining_stop.wait(5 * RELOAD_RETRY)
                except Exception:
                    log.exception("mining failed; trying again in a second")
                    self._mining_stop.wait(1)

    # -- shutting down ------------------------------------------------------------------------

    def close(self) -> None:
        """Stop mining and peers, save the mempool, stop the workers and close the database;
        a second call does nothing."""
        if self._closed:
            return
        self._closed = True
        self.stop_mining()
        self.network.stop()
        try:
            self.call(self.save_mempool)
        except DiskFullError:
            log.error("the mempool was not saved: the disk is full")
        self._waiter.shutdown(wait=True)
        self.miner.close()
        self.store.close()
        self._dir_lock.release()
