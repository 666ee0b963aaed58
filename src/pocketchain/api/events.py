"""GET /api/v1/events: the node's events as Server-Sent Events (`block`, `tx`, `reorg`, `peer`).

The node calls its listeners from whichever thread is its writer (and from peer threads); the hub
hands each event to every subscriber's event loop with `call_soon_threadsafe`, into a bounded
queue. A subscriber that falls so far behind that its queue fills is dropped (its stream ends; a
browser's EventSource reconnects by itself) rather than letting memory grow. There is a cap on
concurrent subscribers, and a smaller one per client address, so one client cannot take them all
(429 past either). FastAPI sends a keep-alive comment after 15 s without an event, and a
subscriber is removed as soon as its client goes away. When the server shuts down, `close` ends
every stream with a comment saying so, so the shutdown does not wait for them.
"""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from .._results import STREAMED, Event, event_data
from ..consensus.errors import ApiError

DROPPED = "dropped: this client fell too far behind"
STOPPING = "the node is stopping"
MAX_SUBSCRIBERS = 64
MAX_PER_CLIENT = 8  # more than a browser opens to one host (6 connections in Chromium)
QUEUE_SIZE = 1_000  # events waiting for one subscriber before it is dropped
RETRY_MS = 3_000  # how long a browser waits before it reconnects


class Subscriber:
    """One client's queue; everything but `__init__` runs on the client's event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, queue_size: int, client: str) -> None:
        self.loop = loop
        self.client = client
        # events; a str ends the stream, saying why
        self.queue: asyncio.Queue[Event | str] = asyncio.Queue(queue_size)
        self.ended = False

    def deliver(self, event: Event) -> None:
        if self.ended:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:  # too far behind: forget what it has not read, and end it
            self.end(DROPPED)

    def end(self, why: str) -> None:
        """End the stream after the events already queued (all of them dropped when full)."""
        if self.ended:
            return
        self.ended = True
        if self.queue.full():
            while not self.queue.empty():
                self.queue.get_nowait()
        self.queue.put_nowait(why)


class EventHub:
    """Registered once in `node.listeners`; fans events out to the SSE subscribers."""

    def __init__(
        self,
        max_subscribers: int = MAX_SUBSCRIBERS,
        queue_size: int = QUEUE_SIZE,
        max_per_client: int = MAX_PER_CLIENT,
    ):
        self.max_subscribers = max_subscribers
        self.max_per_client = max_per_client
        self.queue_size = queue_size
        self._lock = threading.Lock()  # the set is changed on the loop and read on other threads
        self._subscribers: set[Subscriber] = set()

    def __len__(self) -> int:
        return len(self._subscribers)

    def on_event(self, event: Event) -> None:
        """A node listener: any thread; never blocks and never raises."""
        if event.kind not in STREAMED:
            return
        self._on_each_loop(lambda subscriber: subscriber.deliver(event))

    def subscribe(self, client: str) -> Subscriber:
        """A new subscriber on the running loop for `client` (its address); ApiError 429 when
        there are too many, in all or from that client."""
        with self._lock:
            if len(self._subscribers) >= self.max_subscribers:
                raise ApiError(
                    429, "rate-limited", "too many clients follow the events; try again later"
                )
            if sum(s.client == client for s in self._subscribers) >= self.max_per_client:
                raise ApiError(
                    429,
                    "rate-limited",
                    f"this client follows the events {self.max_per_client} times already",
                )
            subscriber = Subscriber(asyncio.get_running_loop(), self.queue_size, client)
            self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(subscriber)

    def close(self) -> None:
        """End every open stream (the server is shutting down); any thread."""
        self._on_each_loop(lambda subscriber: subscriber.end(STOPPING))

    def _on_each_loop(self, call: Callable[[Subscriber], None]) -> None:
        """`call(subscriber)` for each subscriber, on its own event loop; from any thread."""
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber.loop.call_soon_threadsafe(call, subscriber)
            except RuntimeError:  # its loop is closed: the server has stopped
                self.unsubscribe(subscriber)


def router(hub: EventHub) -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    async def subscription(request: Request) -> AsyncIterator[Subscriber]:
        # a dependency, so that 429 is answered before the stream starts, and the subscriber
        # is removed when the response ends for whatever reason (client gone, shutdown)
        subscriber = hub.subscribe(request.client.host if request.client else "")
        try:
            yield subscriber
        finally:
            hub.unsubscribe(subscriber)

    @router.get(
        "/events",
        response_class=EventSourceResponse,
        summary="Follow the node's events",
        description=(
            "A stream of Server-Sent Events: `block` (a new tip: hash, height, blocks connected),"
            " `tx` (a transaction entered the mempool: txid), `reorg` (blocks disconnected and"
            " connected) and `peer`; each event's data is a JSON object."
        ),
        responses={
            429: {
                "description": "Too many subscribers",
                # the error shape, as JSON (not as the stream's media type); errors.py makes
                # sure the document defines ErrorBody
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                },
            }
        },
    )
    async def get_events(
        subscriber: Annotated[Subscriber, Depends(subscription)],
    ) -> AsyncIterator[ServerSentEvent]:
        yield ServerSentEvent(comment="subscribed", retry=RETRY_MS)
        while True:
            event = await subscriber.queue.get()
            if isinstance(event, str):
                yield ServerSentEvent(comment=event)
                return
            yield ServerSentEvent(event=event.kind, data=event_data(event))

    return router
