"""The nonce search in worker processes, so the node's own process never spends a core on it.

    pool = MinerPool(workers=2)
    with pool:                        # start() ... close()
        solved = pool.solve(block, cancel)   # None once `cancel` is set

The workers are started once and reused for every block. The calling thread hands out chunks of
the nonce space (disjoint ranges, a couple in flight per worker) and collects the answers. When a
header's whole nonce space is used up the coinbase gets a new extra nonce, which changes the
merkle root and so gives a fresh 2^32 nonces (Core: IncrementExtraNonce in the old internal miner).

Every solve is a job with its own id, and one shared number says which job is current. A worker
looks at it every few thousand nonces and drops a chunk of any other job, so a cancel stops the
search within milliseconds and answers left over from an old job are recognised and ignored.

Workers are started with "forkserver" (or "spawn"): forking a process that runs threads and an
asyncio loop could copy a lock that some other thread holds at that instant. Such a start method
would run the program's main script again in each new process, which a script without
`if __name__ == "__main__":` cannot stand (it would start a node there too); the workers need
nothing of it, so it is kept from them (`_without_main_script`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from types import TracebackType
from typing import Any

from ..consensus.block import Block, BlockHeader
from ..consensus.errors import PocketchainError
from ..consensus.merkle import merkle_branch, root_from_branch
from ..consensus.pow import compact_to_target
from ..consensus.tx import Tx, coinbase_tx
from .search import SLICE, search_nonce

NONCE_SPACE = 1 << 32
DEFAULT_CHUNK = 16 * SLICE  # nonces per task: about 0.2 s of one core
# SLICE: nonces between two looks at the current job id, about 10 ms of the search that mines
IN_FLIGHT = 2  # tasks queued per worker, so a worker never waits for its next one
POLL = 0.02  # seconds between two looks at `cancel` while waiting for answers
MAX_EXTRA_NONCE = 96  # bytes after the height in a coinbase's signature field
EXTRA_COUNTER = 8  # bytes of counter appended to the template's extra nonce
IDLE = 0  # the job id while no solve runs; real ids start at 1

# A task: (job, round, header76, target, start, stop); an answer: (job, round, start, nonce|None).
# A round is one extra nonce: round 0 is the template's own coinbase.
Task = tuple[int, int, bytes, int, int, int]
Answer = tuple[int, int, int, int | None]


class MinerPoolError(PocketchainError, RuntimeError):
    """The pool is not running (not started, closed) or a worker died."""


def _worker_main(conn: Connection, current: Any, counts: Any, me: int) -> None:
    """A worker: search each task's range a slice at a time while its job is still current,
    adding the nonces it tried to its own slot of `counts`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    conn.send("ready")
    while True:
        try:
            task: Task | None = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        job, rnd, header76, target, start, stop = task
        found = None
        pos = start
        while pos < stop and current.value == job:
            end = min(pos + SLICE, stop)
            found = search_nonce(header76, target, pos, end)
            counts[me] += end - pos if found is None else found + 1 - pos
            if found is not None:
                break
            pos = end
        try:
            conn.send((job, rnd, start, found))
        except OSError:
            return


def _start_context() -> ForkServerContext | SpawnContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])  # each worker forks with this module loaded
        return context
    return multiprocessing.get_context("spawn")


@contextmanager
def _without_main_script() -> Iterator[None]:
    """While processes start, the main module shows no file or module name, so multiprocessing
    does not run the program's script again in them (they need only this module)."""
    main = sys.modules["__main__"]
    spec, path = main.__spec__, getattr(main, "__file__", None)
    main.__spec__ = None  # multiprocessing reads it, so it stays, as None
    if path is not None:
        del main.__file__
    try:
        yield
    finally:
        main.__spec__ = spec
        if path is not None:
            main.__file__ = path


def extra_nonce_for(template_extra: bytes, rnd: int) -> bytes:
    """The extra nonce of round `rnd`: the template's own for round 0, then the template's
    (cut to leave room) followed by the round as an 8-byte little-endian counter."""
    if rnd == 0:
        return template_extra
    base = template_extra[: MAX_EXTRA_NONCE - EXTRA_COUNTER]
    return base + rnd.to_bytes(EXTRA_COUNTER, "little")


@dataclass
class _Round:
    """One coinbase variant of the template: its transactions, its header, and how many of its
    tasks are still out."""

    txs: tuple[Tx, ...]
    header: BlockHeader
    header76: bytes
    pending: int = 0


class _Template:
    """Builds the header of each round from a template block without touching its other txs."""

    def __init__(self, block: Block) -> None:
        if not block.txs or not block.txs[0].is_coinbase:
            raise ValueError("a block template starts with its coinbase")
        root, _ = block.compute_merkle_root()
        if root != block.header.merkle_root:
            raise ValueError("the template's merkle root does not match its transactions")
        self.block = block
        coinbase = block.txs[0]
        self.height = coinbase.coinbase_height
        self.extra = coinbase.inputs[0].signature[4:]
        # The coinbase is leaf 0: its branch is all a new extra nonce needs to get a new root.
        self.branch = merkle_branch([tx.txid for tx in block.txs], 0)

    def round(self, rnd: int) -> _Round:
        if rnd == 0:
            txs = self.block.txs
            header = self.block.header
        else:
            old = self.block.txs[0]
            extra = extra_nonce_for(self.extra, rnd)
            coinbase = coinbase_tx(self.height, old.outputs, extra, old.data)
            txs = (coinbase, *self.block.txs[1:])
            root = root_from_branch(coinbase.txid, self.branch, 0)
            h = self.block.header
            header = BlockHeader(h.version, h.prev, root, h.time, h.bits, 0)
        return _Round(txs, header, header.raw[:76])


def target_of(bits: int) -> int:
    """The target a header's own `bits` sets; ValueError when no hash could ever meet it
    (the cases Core's DeriveTarget rejects before comparing, except the chain's pow limit)."""
    target, negative, overflow = compact_to_target(bits)
    if negative or overflow or target == 0:
        raise ValueError(f"bits {bits:#010x} encode no valid target")
    return target


class MinerPool:
    """Long-lived worker processes that search nonces for one block at a time.

    `solve` may be called from any one thread at a time (calls are serialised); `cancel` and
    `close` may be used from other threads while it runs.
    """

    def __init__(
        self,
        workers: int,
        *,
        nonce_limit: int = NONCE_SPACE,
        chunk_size: int = DEFAULT_CHUNK,
        start_timeout: float = 60.0,
    ) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        if not 1 <= nonce_limit <= NONCE_SPACE:
            raise ValueError("nonce_limit is between 1 and 2**32")
        if chunk_size < 1:
            raise ValueError("chunk_size is positive")
        self.workers = workers
        self.nonce_limit = nonce_limit
        self.chunk_size = chunk_size
        self.start_timeout = start_timeout
        self._ctx = _start_context()
        self._current: Any = self._ctx.RawValue("Q", IDLE)
        self._counts: Any = self._ctx.RawArray("Q", workers)  # nonces tried, one slot each
        self._procs: list[multiprocessing.process.BaseProcess] = []
        self._conns: list[Connection] = []
        self._in_flight: list[int] = []
        self._job = IDLE
        self._started = False
        self._closing = False
        self._lock = threading.Lock()  # held by a running solve, and by close()
        # (counts at the start, attempts at the end or None, started, ended or None) of the
        # running or last solve
        self._rate: tuple[int, int | None, float, float | None] = (0, 0, 0.0, 0.0)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers and wait until each one is ready; a no-op when already running."""
        with self._lock:
            if self._closing:
                raise MinerPoolError("a closed pool cannot be restarted")
            if self._started:
                return
            self._started = True
            try:
                with _without_main_script():
                    self._spawn_workers()
                deadline = time.monotonic() + self.start_timeout
                for conn in self._conns:
                    if not self._ready(conn, deadline):
                        raise MinerPoolError("a miner worker did not start")
            except BaseException:
                self._closing = True
                self._shutdown()
                raise

    def _spawn_workers(self) -> None:
        for me in range(self.workers):
            parent, child = self._ctx.Pipe()
            proc = self._ctx.Process(
                target=_worker_main,
                args=(child, self._current, self._counts, me),
                name="pocketchain-miner",
                daemon=True,
            )
            proc.start()
            child.close()
            self._procs.append(proc)
            self._conns.append(parent)
            self._in_flight.append(0)

    @staticmethod
    def _ready(conn: Connection, deadline: float) -> bool:
        try:
            return conn.poll(max(0.0, deadline - time.monotonic())) and conn.recv() == "ready"
        except (EOFError, OSError):  # it died while starting up
            return False

    def close(self) -> None:
        """Stop every worker promptly and wait for them; a running solve returns None."""
        self._closing = True
        self._current.value = IDLE  # workers drop their chunk within one slice
        with self._lock:  # a running solve sees `_closing` within one poll and lets go
            self._shutdown()

    def _shutdown(self) -> None:
        for conn in self._conns:
            with contextlib.suppress(OSError):  # an already dead worker
                conn.send(None)
        deadline = time.monotonic() + 1.0
        for proc in self._procs:
            proc.join(max(0.0, deadline - time.monotonic()))
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self._procs:
            proc.join(1.0)
            if proc.is_alive():
                proc.kill()
                proc.join()
            proc.close()
        for conn in self._conns:
            conn.close()
        self._procs.clear()
        self._conns.clear()
        self._in_flight.clear()

    def __enter__(self) -> MinerPool:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._started and not self._closing

    # -- status -----------------------------------------------------------------------------

    def _total(self) -> int:
        return sum(self._counts)

    def _progress(self) -> tuple[int, float]:
        """(attempts, seconds) of the running solve so far, or else of the last one."""
        base, attempts, started, ended = self._rate  # one snapshot: solve() replaces it whole
        if attempts is None or ended is None:
            return self._total() - base, time.monotonic() - started
        return attempts, ended - started

    @property
    def hashrate(self) -> float:
        """Attempts per second of the running solve so far, or else of the last one."""
        attempts, elapsed = self._progress()
        return attempts / elapsed if elapsed > 0 else 0.0

    @property
    def last_attempts(self) -> int:
        """Nonces tried by all workers in the running solve so far, or else in the last one."""
        return self._progress()[0]

    # -- the search -------------------------------------------------------------------------

    def solve(self, block: Block, cancel: threading.Event | None = None) -> Block | None:
        """`block` with a header (and, if need be, a coinbase extra nonce) whose hash meets its
        own bits, or None when `cancel` is set or the pool is closed meanwhile."""
        target = target_of(block.header.bits)
        template = _Template(block)
        with self._lock:
            if not self.running:
                raise MinerPoolError("the pool is not running")
            if cancel is not None and cancel.is_set():
                return None
            self._job += 1
            job = self._job
            self._current.value = job
            base = self._total()
            started = time.monotonic()
            self._rate = (base, None, started, None)
            try:
                return self._search(job, template, target, cancel)
            finally:
                self._current.value = IDLE
                self._rate = (base, self._total() - base, started, time.monotonic())

    def _search(
        self,
        job: int,
        template: _Template,
        target: int,
        cancel: threading.Event | None,
    ) -> Block | None:
        rounds: dict[int, _Round] = {}
        next_round, next_start = 0, 0

        def next_task() -> Task:
            nonlocal next_round, next_start
            if next_start >= self.nonce_limit:  # this header is used up: a new extra nonce
                next_round, next_start = next_round + 1, 0
            r = rounds.get(next_round)
            if r is None:
                r = rounds[next_round] = template.round(next_round)
            stop = min(next_start + self.chunk_size, self.nonce_limit)
            task = (job, next_round, r.header76, target, next_start, stop)
            r.pending += 1
            next_start = stop
            return task

        def top_up(i: int) -> None:
            while self._in_flight[i] < IN_FLIGHT:
                try:
                    self._conns[i].send(next_task())
                except OSError as err:
                    raise MinerPoolError("a miner worker died") from err
                self._in_flight[i] += 1

        for i in range(self.workers):
            top_up(i)
        index = {conn: i for i, conn in enumerate(self._conns)}
        sentinels = [proc.sentinel for proc in self._procs]
        waitables: Sequence[Connection | int] = [*self._conns, *sentinels]
        while True:
            if self._closing or (cancel is not None and cancel.is_set()):
                return None
            for ready in wait(waitables, POLL):
                if not isinstance(ready, Connection):
                    raise MinerPoolError("a miner worker died")
                i = index[ready]
                try:
                    answer: Answer = ready.recv()
                except (EOFError, OSError) as err:
                    raise MinerPoolError("a miner worker died") from err
                self._in_flight[i] -= 1
                a_job, rnd, _, nonce = answer
                if a_job == job:  # anything else is left over from an earlier solve
                    r = rounds[rnd]
                    if nonce is not None:
                        return self._finish(r, nonce, target)
                    r.pending -= 1
                    if r.pending == 0 and rnd < next_round:
                        del rounds[rnd]  # every chunk of this header came back empty
                top_up(i)

    @staticmethod
    def _finish(r: _Round, nonce: int, target: int) -> Block:
        h = r.header
        header = BlockHeader(h.version, h.prev, h.merkle_root, h.time, h.bits, nonce)
        if int.from_bytes(header.hash, "little") > target:  # never trust a child blindly
            raise MinerPoolError("a miner worker returned a nonce that does not meet the target")
        return Block(header, r.txs)
