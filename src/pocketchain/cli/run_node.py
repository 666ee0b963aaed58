"""`pocketchain node`: the node and its HTTP server in one process, until SIGINT or SIGTERM."""

import errno
import gc
import logging
import signal
import socket
from pathlib import Path
from types import FrameType

import uvicorn

from ..api.app import create_app
from ..api.connections import (
    ConnectionGuard,
    connection_limit,
    guarded_protocol,
    raise_file_limit,
)
from ..api.events import EventHub
from ..consensus.keys import decode_address, encode_address
from ..consensus.params import ChainParams
from ..node.node import Node
from . import logs
from .errors import UserError

log = logging.getLogger("pocketchain")


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


class _Server(uvicorn.Server):
    """uvicorn's server, which ends the open event streams (GET /api/v1/events) as its shutdown
    starts: they never end by themselves, and the shutdown would otherwise wait them out."""

    def __init__(self, config: uvicorn.Config, hub: EventHub) -> None:
        super().__init__(config)
        self.hub = hub

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.hub.close()
        await super().shutdown(sockets)


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound before the node opens its store or says hello to a peer, so a
    node that cannot serve never looks as if it started."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(f"port {port} is in use") from None
        raise UserError(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None


def run_node(
    params: ChainParams,
    host: str,
    port: int,
    data_dir: Path,
    db: str | None,
    mine: bool,
    mine_to: str | None,
    miners: int | None,
    public_url: str,
    peers: list[str],
    trusted_proxies: list[str],
) -> None:
    logs.configure()
    pay_to = decode_address(params.hrp, mine_to) if mine_to else None
    sock = listen(host, port)
    node = Node(params, data_dir, db, peers, miners=miners, public_url=public_url)
    try:
        app = create_app(node, hosts=[host])
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            # X-Forwarded-For names the client only when a proxy we trust sent it
            proxy_headers=bool(trusted_proxies),
            forwarded_allow_ips=trusted_proxies or None,
            # on SIGINT/SIGTERM requests under way get this long, then are cancelled
            timeout_graceful_shutdown=3,
            http=guarded_protocol(ConnectionGuard(connection_limit(raise_file_limit()))),
            ws="none",
        )
        server = _Server(config, app.state.events)
        gc.freeze()  # the loaded block tree lives as long as the process: out of every collection
        gc.set_threshold(20_000, 50, 100)  # fewer collections under load: shorter tail latency
        log.info(
            "%s node at http://%s:%d/ height %d, data in %s",
            params.name,
            host,
            port,
            node.chain.height,
            node.dir,
        )
        if mine:
            address = pay_to or node.miner_key_hash
            node.set_mining(True, address)
            log.info("mining to %s", encode_address(params.hrp, address))
        # the server stops on SIGINT/SIGTERM and then raises the signal again: make that an exit
        # that runs the cleanup below instead of killing the process on the spot
        signal.signal(signal.SIGTERM, _exit_cleanly)
        signal.signal(signal.SIGINT, _exit_cleanly)
        server.run(sockets=[sock])
    finally:
        node.close()
        log.info("stopped cleanly at height %d", node.chain.height)
