"""`pocketchain node`: the node and its HTTP server in one process, until SIGINT or SIGTERM.

The server answers from the start: while the block index loads (seconds, on a chain that has run
for years), through the warm-up gate (api/warmup.py), then through the node's own app.
"""

import gc
import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from .._results import Status
from ..api.server import Server, listen, open_gate, warming_server
from ..api.warmup import Warmup
from ..consensus.keys import decode_address, encode_address
from ..consensus.params import ChainParams
from ..node.node import Node
from ..p2p import PeerSettings
from . import logs

log = logging.getLogger("pocketchain")


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


class Loader:
    """Opens the node on a thread of its own: first its store, whose tip the gate reports, then
    the block index (Core: "Loading block index..."); then `serve` is called with it, or `fail`
    when it could not be opened."""

    def __init__(self, gate: Warmup, open_node: Callable[[Callable[[Status], None]], Node]):
        self.gate = gate
        self.node: Node | None = None
        self.error: BaseException | None = None
        self.store_open = threading.Event()  # set too when the opening failed before
        self._next: tuple[Callable[[Node], None], Callable[[], None]] | None = None
        self._next_known = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(open_node,), name="load", daemon=True
        )
        self._thread.start()

    def then(self, serve: Callable[[Node], None], fail: Callable[[], None]) -> None:
        self._next = (serve, fail)
        self._next_known.set()

    def wait(self) -> Node | None:
        self._thread.join()
        return self.node

    def _opened(self, status: Status) -> None:
        self.gate.status = status
        log.info("loading the block index (the stored tip is at height %d)", status.height)
        self.store_open.set()

    def _run(self, open_node: Callable[[Callable[[Status], None]], Node]) -> None:
        start = time.monotonic()
        try:
            self.node = open_node(self._opened)
            log.info("block index loaded in %.1f s", time.monotonic() - start)
        except BaseException as exc:  # the main thread raises it
            self.error = exc
        self.store_open.set()
        if self.gate.status is None:
            return  # the store did not open: the main thread raises the error at once
        self._next_known.wait()
        assert self._next is not None
        serve, fail = self._next
        if self.node is None:
            fail()
            return
        try:
            serve(self.node)
        except BaseException as exc:
            self.error = exc
            fail()


def run_node(
    params: ChainParams,
    host: str,
    port: int,
    data_dir: Path,
    db: str | None,
    mine: bool,
    mine_to: str | None,
    miners: int | None,
    every: float | None,
    peering: PeerSettings,
    trusted_proxies: list[str],
) -> None:
    logs.configure()
    pay_to = decode_address(params.hrp, mine_to) if mine_to else None
    sock = listen(host, port)
    gate = Warmup()
    loader = Loader(
        gate,
        lambda told: Node(params, data_dir, db, miners=miners, peering=peering, on_load=told),
    )
    loader.store_open.wait()
    if gate.status is None:  # the store did not open (in use, unreachable): nothing was served
        assert loader.error is not None
        raise loader.error
    http = warming_server(gate, host, port, trusted_proxies)

    def serve(node: Node) -> None:  # on the loader's thread, once the node is open
        open_gate(http, gate, node, host)
        gc.freeze()  # the loaded block tree lives as long as the process: out of every collection
        gc.set_threshold(20_000, 50, 100)  # fewer collections under load: shorter tail latency
        log.info(
            "%s node at http://%s:%d/ height %d, data in %s",
            params.name,
            host,
            port,
            node.status().height,
            node.dir,
        )
        if mine and not http.should_exit:
            address = pay_to or node.miner_key_hash
            node.set_mining(True, address, every=every)
            paced = f", a block every {every:g} s on average" if every else ""
            log.info("mining to %s%s", encode_address(params.hrp, address), paced)

    loader.then(serve, lambda: _stop(http))
    # the server stops on SIGINT/SIGTERM and then raises the signal again: make that an exit
    # that runs the cleanup below instead of killing the process on the spot
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    try:
        http.run(sockets=[sock])
    finally:
        node = loader.wait()
        if node is not None:
            node.close()
            log.info("stopped cleanly at height %d", node.status().height)
    if loader.error is not None:
        raise loader.error


def _stop(http: Server) -> None:
    http.should_exit = True
