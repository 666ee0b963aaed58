"""HTTP connections: each must send a whole request within a few seconds, and there are never more
than the process can hold open (CONTRACT section 5: nothing from outside takes the node offline).

uvicorn closes an idle connection only once it has answered on it (its keep-alive timeout), so a
connection that never finishes a request stays open for ever, and about a thousand of them use
up the process's files (slowloris). Here a connection must send a whole request within
REQUEST_TIMEOUT seconds of opening, or of the end of its previous answer; and when the node holds
as many connections as it may, a new one makes room by closing the one that has waited longest
for its request. A connection whose request is being answered (an event stream too) is never
closed for another. At start the soft limit on open files is raised to the hard one, and the
number of connections is kept below it, leaving room for the database, the peers and the miners.
"""

import asyncio
import resource
from collections import OrderedDict
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

REQUEST_TIMEOUT = 10.0  # seconds to send a whole request (headers and body)
RESERVED_FILES = 256  # open files kept for everything but inbound connections
MIN_CONNECTIONS = 64
FALLBACK_FILES = 65_536  # the soft limit when the hard one is unlimited


def raise_file_limit() -> int:
    """Raise the soft limit on open files to the hard one; the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, FALLBACK_FILES)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        return soft
    return target


def connection_limit(open_files: int) -> int:
    """How many connections the node serves at once with `open_files` files."""
    return max(MIN_CONNECTIONS, open_files - RESERVED_FILES)


class ConnectionGuard:
    """The connections of one server, and which of them wait for a request (oldest first)."""

    def __init__(self, max_connections: int, request_timeout: float = REQUEST_TIMEOUT) -> None:
        self.max_connections = max_connections
        self.request_timeout = request_timeout
        self.open: set[Any] = set()
        self.waiting: OrderedDict[Any, asyncio.TimerHandle] = OrderedDict()

    def opened(self, connection: Any) -> None:
        self.open.add(connection)
        if len(self.open) > self.max_connections:
            oldest = next(iter(self.waiting), connection)  # none waits: the new one goes
            self.closed(oldest)  # forgotten now; the socket closes a moment later
            oldest.transport.close()
        if connection in self.open:
            self.wait_for_request(connection)

    def wait_for_request(self, connection: Any) -> None:
        """The connection must send a whole request within the timeout."""
        self.request_arrived(connection)
        if not connection.transport.is_closing():
            deadline = connection.loop.call_later(self.request_timeout, connection.transport.close)
            self.waiting[connection] = deadline

    def request_arrived(self, connection: Any) -> None:
        deadline = self.waiting.pop(connection, None)
        if deadline is not None:
            deadline.cancel()

    def closed(self, connection: Any) -> None:
        self.request_arrived(connection)
        self.open.discard(connection)


def guarded_protocol(guard: ConnectionGuard) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol, telling `guard` when a connection opens, has sent a whole
    request, has been answered (and waits for the next) and closes."""

    class GuardedProtocol(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            guard.opened(self)

        def on_message_complete(self) -> None:
            super().on_message_complete()
            guard.request_arrived(self)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.cycle is None or self.cycle.response_complete:  # no request queued behind
                guard.wait_for_request(self)

        def connection_lost(self, exc: Exception | None) -> None:
            super().connection_lost(exc)
            guard.closed(self)

    return GuardedProtocol
