"""The block tree in memory: every known header, linked to its parent, with its cumulative work.

A chain that has run for years holds a million entries, so an entry is kept small: slots instead
of a dict, the header as its 80 raw bytes (parsed when asked for), the hash the tree is keyed by,
and the children held as nothing, the one child or a tuple (most blocks have one).
"""

import struct

from ..consensus.block import Block, BlockHeader
from ..consensus.contextual import (
    contextual_check_block,
    contextual_check_header,
    median_time_past,
    next_bits,
)
from ..consensus.params import ChainParams
from .records import IndexRow, Status

_TIME_BITS = struct.Struct("<II")  # a header's time and bits, at byte 68
_TIME_AT = 68


class Entry:
    """One block of the tree (Core: CBlockIndex)."""

    __slots__ = (
        "_kids",
        "chain_data",
        "chainwork",
        "hash",
        "height",
        "prev",
        "raw",
        "seq",
        "status",
    )

    def __init__(
        self,
        raw: bytes,
        block_hash: bytes,
        height: int,
        chainwork: int,
        status: Status,
        seq: int,
        prev: "Entry | None",
    ) -> None:
        self.raw = raw  # the header's 80 bytes
        self.hash = block_hash
        self.height = height
        self.chainwork = chainwork
        self.status = status
        self.seq = seq
        self.prev = prev
        self._kids: Entry | tuple[Entry, ...] = ()  # one child alone, else a tuple of them
        # this block and all its ancestors are stored (Core: nChainTx > 0)
        self.chain_data = False

    @classmethod
    def of(
        cls,
        header: BlockHeader,
        height: int,
        chainwork: int,
        status: Status,
        seq: int,
        prev: "Entry | None",
    ) -> "Entry":
        return cls(header.raw, header.hash, height, chainwork, status, seq, prev)

    @classmethod
    def from_row(cls, row: IndexRow, prev: "Entry | None") -> "Entry":
        """An entry from a stored index row, without parsing its header."""
        return cls(row.header, row.hash, row.height, row.chainwork, row.status, row.seq, prev)

    @property
    def children(self) -> tuple["Entry", ...]:
        return self._kids if isinstance(self._kids, tuple) else (self._kids,)

    def add_child(self, child: "Entry") -> None:
        self._kids = (*self.children, child) if self._kids else child

    @property
    def header(self) -> BlockHeader:
        return BlockHeader.parse(self.raw)

    @property
    def time(self) -> int:
        return int(_TIME_BITS.unpack_from(self.raw, _TIME_AT)[0])

    @property
    def bits(self) -> int:
        return int(_TIME_BITS.unpack_from(self.raw, _TIME_AT)[1])

    # int's own `&`: a Status is an int, and IntFlag's operators are slow where a million entries
    # are checked at start-up

    @property
    def failed(self) -> bool:
        return int.__and__(self.status, Status.FAILED) != 0

    @property
    def have_data(self) -> bool:
        return int.__and__(self.status, Status.HAVE_DATA) != 0

    def row(self) -> IndexRow:
        return IndexRow(self.hash, self.raw, self.height, self.chainwork, self.status, self.seq)

    def ancestor(self, height: int) -> "Entry":
        """The block at `height` on this block's branch (Core: GetAncestor)."""
        entry = self
        while entry.height > height:
            assert entry.prev is not None
            entry = entry.prev
        return entry

    def time_at(self, height: int) -> int:
        return self.ancestor(height).time

    def median_time_past(self) -> int:
        times: list[int] = []
        entry: Entry | None = self
        while entry is not None and len(times) < 11:
            times.append(entry.time)
            entry = entry.prev
        return median_time_past(times)

    def descendants(self) -> list["Entry"]:
        """This block and every block built on it."""
        found, todo = [], [self]
        while todo:
            entry = todo.pop()
            found.append(entry)
            todo.extend(entry.children)
        return found


def check_header_in_context(
    header: BlockHeader, parent: Entry, now: int, params: ChainParams
) -> None:
    """The rules a header must meet on top of `parent` (Core: ContextualCheckBlockHeader)."""
    expected = next_bits(params, parent.height, parent.bits, parent.time_at)
    contextual_check_header(header, expected, parent.median_time_past(), now, params)


def check_in_context(block: Block, parent: Entry, now: int, params: ChainParams) -> None:
    """The rules a block must meet on top of `parent` (Core: ContextualCheckBlockHeader/Block)."""
    check_header_in_context(block.header, parent, now, params)
    contextual_check_block(block, parent.height + 1)


def load_tree(rows: list[IndexRow]) -> dict[bytes, Entry]:
    """The block tree from stored index rows: entries by hash, linked to parents and children."""
    entries: dict[bytes, Entry] = {}
    for row in sorted(rows, key=lambda r: r.height):
        prev = entries.get(row.header[4:36])  # the header's prev field
        entry = Entry.from_row(row, prev)
        entry.chain_data = entry.have_data and (prev is None or prev.chain_data)
        link(entries, entry)
    return entries


def link(entries: dict[bytes, Entry], entry: Entry) -> None:
    """Add `entry` to the tree: by hash, and as a child of its parent."""
    entries[entry.hash] = entry
    if entry.prev is not None:
        entry.prev.add_child(entry)


def branch(tip: Entry) -> list[Entry]:
    """The blocks from genesis to `tip`, by height."""
    blocks = []
    entry: Entry | None = tip
    while entry is not None:
        blocks.append(entry)
        entry = entry.prev
    blocks.reverse()
    return blocks


def fork_point(a: Entry, b: Entry) -> Entry:
    """The last block two branches share (Core: LastCommonAncestor)."""
    a, b = a.ancestor(min(a.height, b.height)), b.ancestor(min(a.height, b.height))
    while a is not b:
        assert a.prev is not None and b.prev is not None
        a, b = a.prev, b.prev
    return a
