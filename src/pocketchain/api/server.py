"""The node's HTTP server: uvicorn serving the app of app.py on a socket bound beforehand.

Used by `pocketchain node` (cli/run_node.py, in the main thread until a signal) and by a
`pocketchain.Node` given `port=` (_embedded.py, on a thread of its own). The socket is bound
before the node opens its store or says hello to a peer, so a node that cannot serve never
looks as if it started.
"""

import errno
import socket
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import uvicorn
from fastapi import FastAPI

from ..consensus.errors import PocketchainError
from ..node.node import Node
from .app import create_app
from .connections import ConnectionGuard, connection_limit, guarded_protocol, raise_file_limit
from .warmup import Warmup

GRACEFUL_SHUTDOWN = 3  # seconds requests under way get at a stop before they are cancelled


class PortInUse(PocketchainError):  # noqa: N818 (reads as a state)
    """Another process listens on the port."""


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on `host`:`port` (0: any free port); PortInUse or PocketchainError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} is in use") from None
        raise PocketchainError(
            f"cannot listen on {host} port {port}: {exc.strerror or exc}"
        ) from None


class Server(uvicorn.Server):
    """uvicorn's server, which ends the open event streams (GET /api/v1/events) and answers the
    peers' long polls as its shutdown starts: the shutdown would otherwise wait them out."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.stop_first: list[Callable[[], None]] = []

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for stop in self.stop_first:
            stop()
        await super().shutdown(sockets)


def server(node: Node, host: str, port: int, trusted_proxies: Sequence[str] = ()) -> Server:
    """The server of `node`'s API and web UI, for requests addressed to `host`."""
    app = create_app(node, hosts=[host])
    http = Server(_config(app, host, port, trusted_proxies))
    http.stop_first.append(partial(_end_streams, app, node))
    return http


def warming_server(
    gate: Warmup, host: str, port: int, trusted_proxies: Sequence[str] = ()
) -> Server:
    """A server answering through `gate` while the node loads (`open_gate` when it is)."""
    return Server(_config(gate, host, port, trusted_proxies))


def open_gate(http: Server, gate: Warmup, node: Node, host: str) -> None:
    """The node is loaded: the app serving it answers from now on."""
    app = create_app(node, hosts=[host])
    http.stop_first.append(partial(_end_streams, app, node))
    gate.app = app


def _end_streams(app: FastAPI, node: Node) -> None:
    app.state.events.close()
    node.network.inbound.answer_all()


def _config(app: Any, host: str, port: int, trusted_proxies: Sequence[str]) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        # X-Forwarded-For names the client only when a proxy we trust sent it
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies) or None,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
        http=guarded_protocol(ConnectionGuard(connection_limit(raise_file_limit()))),
        ws="none",
    )
