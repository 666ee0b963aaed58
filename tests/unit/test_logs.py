"""The node's log lines (cli/logs.py): bounded, one line per record, repeats counted."""

import logging

from pocketchain.cli.logs import MAX_MESSAGE, BoundedFormatter, RepeatFilter, one_line


def record(msg: str, *args: object, name: str = "pocketchain.p2p") -> logging.LogRecord:
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, None)


def test_a_message_is_one_bounded_line() -> None:
    assert one_line("a\nfake line\r\x1b[31m") == "a\\nfake line\\r\\x1b[31m"
    long = one_line("x" * (MAX_MESSAGE + 100))
    assert long.startswith("x" * MAX_MESSAGE) and long.endswith("(100 more characters)")
    formatted = BoundedFormatter("%(message)s").format(record("peer said %s", "1\n2" * 1000))
    assert "\n" not in formatted and len(formatted) < MAX_MESSAGE + 40


def test_repeats_are_counted_not_written() -> None:
    now = [0.0]
    repeats = RepeatFilter(window=60, clock=lambda: now[0])
    first = record("peer %s misbehaved (+%d)", "http://a", 20)
    assert repeats.filter(first)
    assert not any(
        repeats.filter(record("peer %s misbehaved (+%d)", "http://a", n)) for n in range(5)
    )
    assert repeats.filter(record("peer %s misbehaved (+%d)", "http://b", 20))  # another peer
    now[0] = 61
    later = record("peer %s misbehaved (+%d)", "http://a", 20)
    assert repeats.filter(later)
    assert later.getMessage() == "peer http://a misbehaved (+20) (and 5 more like it before this)"
