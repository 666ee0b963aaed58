"""The node's HTTP server: uvicorn serving the app of app.py on a socket bound beforehand.

Used by `pocketchain node` (cli/run_node.py, in the main thread until a signal) and by a
`pocketchain.Node` given `port=` (_embedded.py, on a thread of its own). The socket is bound
before the node opens its store or says hello to a peer, so a node that cannot serve never
looks as if it started.
"""

import errno
import socket
from collections.abc import Sequence

import uvicorn

from ..consensus.errors import PocketchainError
from ..node.node import Node
from .app import create_app
from .connections import ConnectionGuard, connection_limit, guarded_protocol, raise_file_limit
from .events import EventHub

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

    def __init__(self, config: uvicorn.Config, node: Node, hub: EventHub) -> None:
        super().__init__(config)
        self.node = node
        self.hub = hub

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.hub.close()
        self.node.network.inbound.answer_all()
        await super().shutdown(sockets)


def server(node: Node, host: str, port: int, trusted_proxies: Sequence[str] = ()) -> Server:
    """The server of `node`'s API and web UI, for requests addressed to `host`."""
    app = create_app(node, hosts=[host])
    config = uvicorn.Config(
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
    return Server(config, node, app.state.events)
