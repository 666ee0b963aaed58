"""`pocketchain node`: the node and its HTTP server in one process, until SIGINT or SIGTERM."""

import gc
import logging
import signal
from pathlib import Path
from types import FrameType

from ..api.server import listen, server
from ..consensus.keys import decode_address, encode_address
from ..consensus.params import ChainParams
from ..node.node import Node
from ..p2p import PeerSettings
from . import logs

log = logging.getLogger("pocketchain")


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


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
    node = Node(params, data_dir, db, miners=miners, peering=peering)
    try:
        http = server(node, host, port, trusted_proxies)
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
        if mine:
            address = pay_to or node.miner_key_hash
            node.set_mining(True, address, every=every)
            paced = f", a block every {every:g} s on average" if every else ""
            log.info("mining to %s%s", encode_address(params.hrp, address), paced)
        # the server stops on SIGINT/SIGTERM and then raises the signal again: make that an exit
        # that runs the cleanup below instead of killing the process on the spot
        signal.signal(signal.SIGTERM, _exit_cleanly)
        signal.signal(signal.SIGINT, _exit_cleanly)
        http.run(sockets=[sock])
    finally:
        node.close()
        log.info("stopped cleanly at height %d", node.status().height)
