"""The block tree in memory: every known header, linked to its parent, with its cumulative work."""

from dataclasses import dataclass, field

from ..consensus.block import BlockHeader
from ..consensus.contextual import median_time_past
from .records import IndexRow, Status


@dataclass(eq=False)
class Entry:
    """One block of the tree (Core: CBlockIndex)."""

    header: BlockHeader
    height: int
    chainwork: int
    status: Status
    seq: int
    prev: "Entry | None"
    children: list["Entry"] = field(default_factory=list)
    chain_data: bool = False  # this block and all its ancestors are stored (Core: nChainTx > 0)

    @property
    def hash(self) -> bytes:
        return self.header.hash

    @property
    def failed(self) -> bool:
        return Status.FAILED in self.status

    @property
    def have_data(self) -> bool:
        return Status.HAVE_DATA in self.status

    def row(self) -> IndexRow:
        return IndexRow(
            self.hash, self.header.raw, self.height, self.chainwork, self.status, self.seq
        )

    def ancestor(self, height: int) -> "Entry":
        """The block at `height` on this block's branch (Core: GetAncestor)."""
        entry = self
        while entry.height > height:
            assert entry.prev is not None
            entry = entry.prev
        return entry

    def median_time_past(self) -> int:
        times: list[int] = []
        entry: Entry | None = self
        while entry is not None and len(times) < 11:
            times.append(entry.header.time)
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


def fork_point(a: Entry, b: Entry) -> Entry:
    """The last block two branches share (Core: LastCommonAncestor)."""
    a, b = a.ancestor(min(a.height, b.height)), b.ancestor(min(a.height, b.height))
    while a is not b:
        assert a.prev is not None and b.prev is not None
        a, b = a.prev, b.prev
    return a
