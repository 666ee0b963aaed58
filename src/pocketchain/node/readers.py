"""`Node.events()`: the node's events as an iterator, for a program in the same process.

Each iterator reads its own bounded queue, filled by a node listener (from the writer or a
peer thread, never blocking). A reader that falls so far behind that its queue fills is ended,
as the event stream ends a slow subscriber, rather than letting memory grow; closing the node
ends every reader after the events it was given.
"""

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import cast

from .._results import STREAMED, Event

QUEUE_SIZE = 10_000  # events waiting for one reader before it is ended
_END = object()


class Readers:
    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self._lock = threading.Lock()
        self._queues: set[queue.Queue[object]] = set()

    def on_event(self, event: Event) -> None:
        """A node listener: any thread."""
        if event.kind not in STREAMED:
            return
        with self._lock:
            readers = list(self._queues)
        for q in readers:
            try:
                q.put_nowait(event)
            except queue.Full:  # too far behind: forget what it has not read, and end it
                self._end(q, drop=True)

    def read(self) -> Iterator[Event]:
        """Events from now on (this call), until the node closes or this reader falls too far
        behind."""
        q: queue.Queue[object] = queue.Queue(self.queue_size)
        with self._lock:
            self._queues.add(q)
        return self._drain(q)

    def _drain(self, q: "queue.Queue[object]") -> Iterator[Event]:
        try:
            while (item := q.get()) is not _END:
                yield cast(Event, item)
        finally:
            with self._lock:
                self._queues.discard(q)

    def close(self) -> None:
        with self._lock:
            readers = list(self._queues)
        for q in readers:
            self._end(q, drop=False)

    def _end(self, q: "queue.Queue[object]", drop: bool) -> None:
        """No more events for this reader: its queue (emptied first when `drop`) ends."""
        with self._lock:
            self._queues.discard(q)
        with contextlib.suppress(queue.Empty):
            if drop:
                while True:
                    q.get_nowait()
            elif q.full():  # at close: the oldest event gives its place to the end
                q.get_nowait()
        with contextlib.suppress(queue.Full):  # (only if another thread filled it meanwhile)
            q.put_nowait(_END)
