"""The connection guard (api/connections.py) on a real event loop, with stand-in connections: a
connection that does not send a whole request in time is closed, a full server makes room by
closing the one that waited longest, and a connection at work is never closed for another."""

import asyncio

import aio
from pocketchain.api.connections import ConnectionGuard, connection_limit, raise_file_limit


class Transport:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


class Connection:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport = Transport()


def test_a_connection_without_a_whole_request_is_closed_in_time() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        guard = ConnectionGuard(10, request_timeout=0.05)
        idle, working = Connection(loop), Connection(loop)
        guard.opened(idle)
        guard.opened(working)
        guard.request_arrived(working)  # its whole request came: it is being answered
        await asyncio.sleep(0.1)
        assert idle.transport.closed and not working.transport.closed
        guard.wait_for_request(working)  # answered: now it waits for the next request
        await asyncio.sleep(0.1)
        assert working.transport.closed

    aio.run(scenario())


def test_a_full_server_closes_the_connection_that_waited_longest() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        guard = ConnectionGuard(3, request_timeout=60)
        busy = Connection(loop)
        guard.opened(busy)
        guard.request_arrived(busy)  # an event stream, say
        waiting = [Connection(loop) for _ in range(2)]
        for connection in waiting:
            guard.opened(connection)
        newcomer = Connection(loop)
        guard.opened(newcomer)
        assert waiting[0].transport.closed  # the oldest waiting one made room
        assert not busy.transport.closed and not newcomer.transport.closed
        assert len(guard.open) == 3
        for connection in [*waiting[1:], newcomer]:
            guard.request_arrived(connection)  # all at work now
        last = Connection(loop)
        guard.opened(last)
        assert last.transport.closed  # nobody waits: the new one is refused
        assert len(guard.open) == 3

    aio.run(scenario())


def test_the_file_limit_is_raised_and_leaves_room() -> None:
    files = raise_file_limit()
    assert files >= 64
    assert connection_limit(1024) == 1024 - 256
    assert connection_limit(100) == 64
