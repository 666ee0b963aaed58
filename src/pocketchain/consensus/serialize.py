"""Canonical binary serialization: little-endian integers and Bitcoin's CompactSize varints.

Everything that is hashed or signed goes through here. The reader accepts only the canonical
encoding (Core: ReadCompactSize refuses non-canonical sizes), so one object has
one byte string.
"""

import struct
from collections.abc import Callable
from typing import TypeVar

from .errors import DecodeError

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_I64 = struct.Struct("<q")

T = TypeVar("T")


def u32(n: int) -> bytes:
    return _U32.pack(n)


def i64(n: int) -> bytes:
    return _I64.pack(n)


def varint(n: int) -> bytes:
    """CompactSize: 1, 3, 5 or 9 bytes."""
    if n < 0xFD:
        return bytes((n,))
    if n <= 0xFFFF:
        return b"\xfd" + _U16.pack(n)
    if n <= 0xFFFFFFFF:
        return b"\xfe" + _U32.pack(n)
    return b"\xff" + _U64.pack(n)


def varbytes(data: bytes) -> bytes:
    """A length-prefixed byte string."""
    return varint(len(data)) + data


class Reader:
    """Reads a byte string front to back; every read checks that enough bytes remain."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise DecodeError(f"unexpected end of data at byte {self.pos}")
        out = self.data[self.pos : end]
        self.pos = end
        return out

    def u32(self) -> int:
        value: int = _U32.unpack(self.take(4))[0]
        return value

    def i64(self) -> int:
        value: int = _I64.unpack(self.take(8))[0]
        return value

    def varint(self) -> int:
        first = self.take(1)[0]
        if first < 0xFD:
            return first
        if first == 0xFD:
            n, least = _U16.unpack(self.take(2))[0], 0xFD
        elif first == 0xFE:
            n, least = _U32.unpack(self.take(4))[0], 0x10000
        else:
            n, least = _U64.unpack(self.take(8))[0], 0x100000000
        if n < least:
            raise DecodeError("non-canonical varint")
        return int(n)

    def count(self, min_item_size: int) -> int:
        """A list length, refused when the remaining bytes cannot possibly hold that many items."""
        n = self.varint()
        if n * min_item_size > self.remaining():
            raise DecodeError(f"list of {n} items does not fit in the remaining data")
        return n

    def varbytes(self) -> bytes:
        return self.take(self.varint())

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def finish(self) -> None:
        """Refuse trailing bytes: a serialization must be consumed exactly."""
        if self.pos != len(self.data):
            raise DecodeError(f"{len(self.data) - self.pos} unexpected trailing bytes")


def parse_exact(data: bytes, read: Callable[[Reader], T]) -> T:
    """Exactly one object read from `data`; DecodeError for anything short, long or malformed."""
    r = Reader(data)
    obj = read(r)
    r.finish()
    return obj
