"""The node's log: one bounded line per record, and repeats counted instead of written.

Much of what a node logs is triggered from outside (a peer's bad data, a malformed request), so
the log must not grow faster than the traffic that fills it: a message longer than
MAX_MESSAGE characters is cut, line breaks and other control characters in it are escaped (one
record is one line, and nobody can forge a line), and a message repeated within WINDOW seconds
(the same text before its arguments, about the same first argument, a peer say) is written once;
the next one after the window says how many were left out.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

FORMAT = "%(asctime)s %(name)s: %(message)s"
MAX_MESSAGE = 500  # characters of a message
WINDOW = 60.0  # seconds in which a repeated message is counted, not written
MAX_KEYS = 1_000  # kinds of message remembered
_CONTROL = {c: f"\\x{c:02x}" for c in range(32)} | {10: "\\n", 13: "\\r", 9: "\\t", 127: "\\x7f"}


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` with its control characters escaped, cut to `limit` characters."""
    text = text.translate(_CONTROL)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


class BoundedFormatter(logging.Formatter):
    """Formats a record's message as one bounded line (a traceback still follows it)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record.message = one_line(record.message)
        return super().formatMessage(record)


class RepeatFilter(logging.Filter):
    """Lets the first of a run of alike messages through, counts the rest for WINDOW seconds,
    and adds the count to the next one it lets through."""

    def __init__(self, window: float = WINDOW, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.window = window
        self.clock = clock
        self._seen: OrderedDict[tuple[Any, ...], list[float]] = OrderedDict()  # [since, count]

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        key = (record.name, record.levelno, record.msg, str(args[0])[:200] if args else None)
        now = self.clock()
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self.window:
            seen[1] += 1
            return False
        if seen is not None and seen[1]:
            left_out = int(seen[1])
            record.msg = f"{record.getMessage()} (and {left_out} more like it before this)"
            record.args = ()
        self._seen[key] = [now, 0]
        self._seen.move_to_end(key)
        while len(self._seen) > MAX_KEYS:
            self._seen.popitem(last=False)
        return True


def configure(level: int = logging.INFO) -> None:
    """The node's logging: to stderr, bounded lines, repeats counted (httpx only warns)."""
    handler = logging.StreamHandler()
    handler.setFormatter(BoundedFormatter(FORMAT))
    handler.addFilter(RepeatFilter())
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request to a peer
