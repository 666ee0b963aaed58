"""The block tree in memory: every known header, linked to its parent, with its cumulative work.

A chain that has run for years holds a million headers, so the tree keeps them as flat arrays by
position (the order they joined): the 80 header bytes, the 32-byte hash, the chainwork as 32
big-endian bytes, the height, the sequence id, the status, the parent's and the first child's
position. That is under 200 bytes a block, where one Python object a block costs over 400. An
`Entry` is a view of one position, made when asked for: two entries of the same block are equal,
and what is set on one (status, sequence id) is written to the arrays.
"""

import gc
import struct
from array import array
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import islice
from typing import overload

from ..consensus.block import Block, BlockHeader
from ..consensus.contextual import (
    contextual_check_block,
    contextual_check_header,
    median_time_past,
    next_bits,
)
from ..consensus.errors import PocketchainError
from ..consensus.params import ChainParams
from ..consensus.pow import block_work
from .positions import HashPositions
from .records import IndexRow, Status

HEADER_SIZE, HASH_SIZE, WORK_SIZE = 80, 32, 32
_TIME_BITS = struct.Struct("<II")  # a header's time and bits, at byte 68
_TIME_AT = 68
_NONE = -1  # no parent, no child
_LOAD_BATCH = 65_536  # rows loaded at a time
_STATUSES = tuple(Status(i) for i in range(8))  # one object per value: statuses are read often


class Entry:
    """One block of the tree (Core: CBlockIndex): a view of its position."""

    __slots__ = ("_tree", "pos")

    def __init__(self, tree: "BlockTree", pos: int) -> None:
        self._tree = tree
        self.pos = pos

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entry) and other.pos == self.pos and other._tree is self._tree

    def __hash__(self) -> int:
        return self.pos

    def __repr__(self) -> str:
        return f"Entry(height={self.height}, hash={self.hash[::-1].hex()})"

    @property
    def hash(self) -> bytes:
        return self._tree._hash_of(self.pos)

    @property
    def raw(self) -> bytes:
        """The header's 80 bytes."""
        at = self.pos * HEADER_SIZE
        return bytes(self._tree._raw[at : at + HEADER_SIZE])

    @property
    def header(self) -> BlockHeader:
        return BlockHeader.parse(self.raw)

    @property
    def height(self) -> int:
        return self._tree._height[self.pos]

    @property
    def chainwork(self) -> int:
        return int.from_bytes(self._tree._work_of(self.pos), "big")

    @property
    def status(self) -> Status:
        return _STATUSES[self._tree._status[self.pos]]

    @status.setter
    def status(self, status: Status) -> None:
        self._tree.set_status(self.pos, status)

    @property
    def seq(self) -> int:
        """The order its data arrived, ancestors' too (Core: nSequenceId); 0 until then."""
        return self._tree._seq[self.pos]

    @seq.setter
    def seq(self, seq: int) -> None:
        self._tree._seq[self.pos] = seq

    @property
    def chain_data(self) -> bool:
        """This block and all its ancestors are stored (Core: nChainTx > 0)."""
        return self._tree._chain_data[self.pos] != 0

    @chain_data.setter
    def chain_data(self, value: bool) -> None:
        self._tree._chain_data[self.pos] = value

    @property
    def prev(self) -> "Entry | None":
        parent = self._tree._prev[self.pos]
        return None if parent == _NONE else Entry(self._tree, parent)

    @property
    def children(self) -> tuple["Entry", ...]:
        return tuple(Entry(self._tree, p) for p in self._tree.children_of(self.pos))

    @property
    def time(self) -> int:
        return int(_TIME_BITS.unpack_from(self._tree._raw, self.pos * HEADER_SIZE + _TIME_AT)[0])

    @property
    def bits(self) -> int:
        return int(_TIME_BITS.unpack_from(self._tree._raw, self.pos * HEADER_SIZE + _TIME_AT)[1])

    @property
    def failed(self) -> bool:
        return self._tree._status[self.pos] & Status.FAILED.value != 0

    @property
    def have_data(self) -> bool:
        return self._tree._status[self.pos] & Status.HAVE_DATA.value != 0

    def row(self) -> IndexRow:
        tree, pos = self._tree, self.pos
        return IndexRow(
            self.hash, self.raw, self.height, tree._work_of(pos), tree._status[pos], self.seq
        )

    def ancestor(self, height: int) -> "Entry":
        """The block at `height` on this block's branch (Core: GetAncestor)."""
        heights, parents, pos = self._tree._height, self._tree._prev, self.pos
        while heights[pos] > height:
            pos = parents[pos]
        return Entry(self._tree, pos)

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
        found, todo = [], [self.pos]
        while todo:
            pos = todo.pop()
            found.append(Entry(self._tree, pos))
            todo.extend(self._tree.children_of(pos))
        return found


class BlockTree(Mapping[bytes, Entry]):
    """Every known header by hash. Its first `len(tree)` positions are in the tree; positions
    after them are headers being checked (`append`), which `link` adds or `drop_pending` drops."""

    def __init__(self) -> None:
        self._raw = bytearray()
        self._hash = bytearray()
        self._work = bytearray()
        self._height = array("I")
        self._seq = array("Q")
        self._prev = array("i")
        self._child = array("i")  # the first child
        self._more: dict[int, list[int]] = {}  # the other children, where the tree forks
        self._status = bytearray()
        self._chain_data = bytearray()
        self._positions = HashPositions(self._hash)
        self._best = _NONE  # the best header's position; -1 when it must be looked for again

    # -- a mapping of hashes to entries ---------------------------------------------------------

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, key: bytes) -> Entry:
        pos = self._positions.find(key)
        if pos == _NONE:
            raise KeyError(key)
        return Entry(self, pos)

    def get(self, key: bytes, default: None = None) -> Entry | None:  # type: ignore[override]
        pos = self._positions.find(key)
        return None if pos == _NONE else Entry(self, pos)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, bytes) and self._positions.find(key) != _NONE

    def __iter__(self) -> Iterator[bytes]:
        return map(self._hash_of, range(len(self)))

    def children_of(self, pos: int) -> list[int]:
        first = self._child[pos]
        return [] if first == _NONE else [first, *self._more.get(pos, ())]

    # -- growing --------------------------------------------------------------------------------

    def append(self, header: BlockHeader, prev: Entry | None, status: Status) -> Entry:
        """An entry for `header` on `prev`, not in the tree until `link`; its sequence id
        comes with its data."""
        work = block_work(header.bits) + (0 if prev is None else prev.chainwork)
        self._raw += header.raw
        self._hash += header.hash
        self._work += work.to_bytes(WORK_SIZE, "big")
        self._height.append(0 if prev is None else prev.height + 1)
        self._seq.append(0)
        self._prev.append(_NONE if prev is None else prev.pos)
        self._child.append(_NONE)
        self._status.append(int(status))
        self._chain_data.append(0)
        return Entry(self, len(self._height) - 1)

    def link(self, entry: Entry) -> None:
        """Add an appended entry to the tree: by hash, and as a child of its parent."""
        pos = entry.pos
        assert pos == len(self), "entries join in the order they were appended"
        self._join(pos, entry.hash)

    def drop_pending(self) -> None:
        """Forget the appended entries that were not linked."""
        n = len(self)
        for column, size in self._columns():
            del column[n * size :]

    def load(self, rows: Iterable[IndexRow]) -> None:
        """The stored index into an empty tree, in bulk: the columns a batch of rows at a time,
        then the hash table at its final size, then the links. A block's data counts as
        complete when its parent's does, parents first (by height when the rows did not come
        parents first)."""
        assert not self._height, "an index loads into an empty tree"
        rows = iter(rows)
        with _collector_paused():  # each batch's rows would be swept again and again
            while batch := list(islice(rows, _LOAD_BATCH)):
                self._add_columns(batch)
        self._positions.add_all(h for (h,) in self._hashes())
        parents_first = self._link_loaded()
        self._complete_chain_data(parents_first)

    def _add_columns(self, rows: list[IndexRow]) -> None:
        n = len(rows)
        hashes, headers, heights, works, statuses, seqs = zip(*rows, strict=True)
        self._raw += b"".join(headers)
        self._hash += b"".join(hashes)
        self._work += b"".join(works)
        self._height.extend(heights)
        self._seq.extend(seqs)
        self._status.extend(statuses)
        self._prev.extend(array("i", [_NONE]) * n)
        self._child.extend(array("i", [_NONE]) * n)
        self._chain_data += bytes(n)
        sizes = (len(self._raw), len(self._hash), len(self._work))
        if sizes != (len(self._height) * HEADER_SIZE, *(len(self._height) * HASH_SIZE,) * 2):
            raise PocketchainError(
                "the block index is damaged: a row's header, hash or work has the wrong size"
            )

    def _link_loaded(self) -> bool:
        """Link each loaded entry to its parent; whether every parent came before its
        children."""
        heights, find, parents_first, last_hash = self._height, self._positions.find, True, b""
        prevs = struct.iter_unpack("<4x32s44x", self._raw)  # each header's prev field
        for pos, ((prev_hash,), (block_hash,)) in enumerate(
            zip(prevs, self._hashes(), strict=True)
        ):
            if heights[pos] > 0:
                # loaded by height, the parent came just before
                parent = pos - 1 if prev_hash == last_hash else find(prev_hash)
                if parent == _NONE:
                    raise PocketchainError(
                        f"the block index is damaged: the parent of {Entry(self, pos)!r} is "
                        "not in it"
                    )
                parents_first = parents_first and parent < pos
                self._link_parent(pos, parent)
            last_hash = block_hash
        return parents_first

    def _hashes(self) -> Iterator[tuple[bytes]]:
        return struct.iter_unpack("32s", self._hash)

    def _hash_of(self, pos: int) -> bytes:
        return bytes(self._hash[pos * HASH_SIZE : (pos + 1) * HASH_SIZE])

    def _link_parent(self, pos: int, parent: int) -> None:
        if parent == _NONE:
            return
        self._prev[pos] = parent
        if self._child[parent] == _NONE:
            self._child[parent] = pos
        else:
            self._more.setdefault(parent, []).append(pos)

    def _complete_chain_data(self, parents_first: bool) -> None:
        have, parents = Status.HAVE_DATA.value, self._prev
        status, chain_data, n = self._status, self._chain_data, len(self._height)
        for pos in range(n) if parents_first else sorted(range(n), key=self._height.__getitem__):
            parent = parents[pos]
            chain_data[pos] = status[pos] & have != 0 and (
                parent == _NONE or chain_data[parent] != 0
            )

    def _join(self, pos: int, block_hash: bytes) -> None:
        self._positions.add(block_hash, pos)
        self._link_parent(pos, self._prev[pos])
        best = self._best  # -1: found again when asked for
        failed = self._status[pos] & Status.FAILED.value
        if best != _NONE and not failed and self._work_of(pos) > self._work_of(best):
            self._best = pos

    def _work_of(self, pos: int) -> bytes:
        """The chainwork, 32 bytes big-endian: compared as bytes, they order as numbers."""
        return bytes(self._work[pos * WORK_SIZE : (pos + 1) * WORK_SIZE])

    def _columns(self) -> "list[tuple[bytearray | array[int], int]]":
        return [
            (self._raw, HEADER_SIZE),
            (self._hash, HASH_SIZE),
            (self._work, WORK_SIZE),
            (self._height, 1),
            (self._seq, 1),
            (self._prev, 1),
            (self._child, 1),
            (self._status, 1),
            (self._chain_data, 1),
        ]

    # -- what the chainstate asks of the whole tree ---------------------------------------------

    def set_status(self, pos: int, status: Status) -> None:
        if (self._status[pos] ^ status) & Status.FAILED.value:
            self._best = _NONE  # a header became invalid, or valid again
        self._status[pos] = int(status)

    def best_header(self) -> Entry:
        """The header with the most work that is not invalid, the first one to join winning a
        tie (Core: m_best_header)."""
        if self._best == _NONE:  # the best on each branch: from its leaf down to a valid one
            failed, status, parents = Status.FAILED.value, self._status, self._prev
            ends = []
            for leaf in self._leaves():
                pos = leaf
                while status[pos] & failed:
                    pos = parents[pos]  # the genesis block is never invalid
                ends.append(pos)
            self._best = max(ends, key=lambda p: (self._work_of(p), -p))
        return Entry(self, self._best)

    def leaves(self) -> list[Entry]:
        """The entries without children: the end of every branch."""
        return [Entry(self, p) for p in self._leaves()]

    def _leaves(self) -> Iterator[int]:
        return _where(self._child, _NONE, len(self))

    def complete_with_work(self, work: int) -> set[Entry]:
        """The entries whose blocks and ancestors' are stored, not invalid, with at least
        `work` (Core: the candidates for the tip). Work only grows along a branch, so they are
        found walking back from each leaf until the work falls below."""
        least, failed, parents = work.to_bytes(WORK_SIZE, "big"), Status.FAILED.value, self._prev
        seen: set[int] = set()
        for leaf in self._leaves():
            pos = leaf
            while pos != _NONE and pos not in seen and self._work_of(pos) >= least:
                seen.add(pos)
                pos = parents[pos]
        fine = (p for p in seen if self._chain_data[p] and not self._status[p] & failed)
        return {Entry(self, p) for p in fine}

    def stored_before_parent(self) -> list[Entry]:
        """The entries with their data whose ancestors' data is not all stored yet."""
        have, status = Status.HAVE_DATA.value, self._status
        waiting = _where(self._chain_data, 0, len(self))
        return [Entry(self, p) for p in waiting if status[p] & have]

    def last_seq(self) -> int:
        return max(self._seq[: len(self)], default=0)


class ActiveChain:
    """The active chain: the tree's positions by height."""

    def __init__(self, tip: Entry) -> None:
        self._tree = tip._tree
        parents, pos, positions = self._tree._prev, tip.pos, []
        while pos != _NONE:
            positions.append(pos)
            pos = parents[pos]
        positions.reverse()
        self._positions = array("i", positions)

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [Entry(self._tree, p) for p in self._positions[index]]
        return Entry(self._tree, self._positions[index])

    def __iter__(self) -> Iterator[Entry]:
        return (Entry(self._tree, p) for p in self._positions)

    def __contains__(self, entry: object) -> bool:
        if not isinstance(entry, Entry) or entry._tree is not self._tree:
            return False
        height = entry.height
        return height < len(self._positions) and self._positions[height] == entry.pos

    def append(self, entry: Entry) -> None:
        self._positions.append(entry.pos)

    def pop(self) -> Entry:
        return Entry(self._tree, self._positions.pop())


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


def fork_point(a: Entry, b: Entry) -> Entry:
    """The last block two branches share (Core: LastCommonAncestor)."""
    a, b = a.ancestor(min(a.height, b.height)), b.ancestor(min(a.height, b.height))
    while a != b:
        assert a.prev is not None and b.prev is not None
        a, b = a.prev, b.prev
    return a


def _where(column: "bytearray | array[int]", value: int, stop: int) -> Iterator[int]:
    """The positions before `stop` where `column` holds `value`, found by the column's own
    search (few of a million, in the cases the tree asks for)."""
    pos = -1
    while True:
        try:
            pos = column.index(value, pos + 1, stop)
        except ValueError:
            return
        yield pos


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a bulk load: the batches of rows it keeps alive for a
    moment make it walk the whole heap over and over (a second of the 1M-block load)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
