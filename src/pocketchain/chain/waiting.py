"""Blocks kept in memory, outside the block tree, until they can join it.

Two kinds wait here: orphans, whose parent the node does not know yet, and blocks nobody asked
for on a branch with less work than the active chain, which Core's AcceptBlock does not store
(a branch handed over block by block joins the tree once it has caught up). The pool is bounded
by count and by bytes, the oldest going first, so nothing from outside grows memory without bound.
A restart forgets it.
"""

from collections import deque

from ..consensus.block import Block

MAX_WAITING = 200  # blocks
MAX_WAITING_BYTES = 32 * 1024 * 1024


class WaitingBlocks:
    def __init__(self, max_count: int = MAX_WAITING, max_bytes: int = MAX_WAITING_BYTES) -> None:
        self.max_count = max_count
        self.max_bytes = max_bytes
        self._blocks: dict[bytes, Block] = {}  # oldest first
        self._bytes = 0

    def __contains__(self, block_hash: object) -> bool:
        return block_hash in self._blocks

    def __len__(self) -> int:
        return len(self._blocks)

    @property
    def size(self) -> int:
        """Bytes of the blocks waiting."""
        return self._bytes

    def add(self, block: Block) -> None:
        if block.hash in self._blocks:
            return
        self._blocks[block.hash] = block
        self._bytes += block.size
        while len(self._blocks) > self.max_count or self._bytes > self.max_bytes:
            self.pop(next(iter(self._blocks)))

    def pop(self, block_hash: bytes) -> Block | None:
        block = self._blocks.pop(block_hash, None)
        if block is not None:
            self._bytes -= block.size
        return block

    def branch_to(self, block: Block) -> list[Block]:
        """`block` after its ancestors that wait here, oldest first (they stay here)."""
        branch = [block]
        while (parent := self._blocks.get(branch[-1].header.prev)) is not None:
            branch.append(parent)
        return branch[::-1]

    def take_descendants(self, block_hash: bytes) -> list[Block]:
        """Remove and return the blocks here that descend from `block_hash`, generation by
        generation, each in the order it came (Core: the orphan work queue of ProcessBlock)."""
        found: list[Block] = []
        parents = deque([block_hash])
        while parents:
            parent = parents.popleft()
            children = [b for b in self._blocks.values() if b.header.prev == parent]
            for child in children:
                self.pop(child.hash)
            found += children
            parents.extend(c.hash for c in children)
        return found
