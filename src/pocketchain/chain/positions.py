"""Positions by block hash: the block tree's hash table.

An open-addressing table of 32-bit positions, probed linearly, whose keys are the 32-byte hashes
the tree keeps side by side in one bytearray. It costs 8 to 16 bytes a block, where a dict of
bytes keys to int positions costs about 150 (the key object, the int and the dict's slot).
A slot is the key's Python hash, which is keyed per process (SipHash), so hashes someone mines
cannot be chosen to pile up in one run of slots.
"""

from array import array
from collections.abc import Iterable

_EMPTY = -1
_HASH_SIZE = 32


class HashPositions:
    def __init__(self, hashes: bytearray) -> None:
        self._hashes = hashes  # the tree's: position p's hash at bytes 32p..32p+32
        self._slots = array("i", [_EMPTY]) * 8
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def find(self, key: bytes) -> int:
        """The position of `key`, or -1."""
        slots, hashes = self._slots, self._hashes
        mask = len(slots) - 1
        i = hash(key) & mask
        while (p := slots[i]) != _EMPTY:
            at = p * _HASH_SIZE
            if hashes[at : at + _HASH_SIZE] == key:
                return p
            i = (i + 1) & mask
        return _EMPTY

    def add(self, key: bytes, position: int) -> None:
        """Add a position whose hash `key` is not in the table yet."""
        self.reserve(self._count + 1)
        self._place([key], position)
        self._count += 1

    def add_all(self, keys: Iterable[bytes]) -> None:
        """Add the positions that follow, in order, whose hashes `keys` are all new."""
        new = list(keys)
        self.reserve(self._count + len(new))
        self._place(new, self._count)
        self._count += len(new)

    def reserve(self, count: int) -> None:
        """Room for `count` positions at most half full, growing once rather than step by step."""
        size = len(self._slots)
        while 2 * count > size:
            size *= 2
        if size == len(self._slots):
            return
        self._slots = array("i", [_EMPTY]) * size
        hashes = self._hashes  # the table holds positions 0 to count - 1: place them again
        keys = (bytes(hashes[p * _HASH_SIZE : (p + 1) * _HASH_SIZE]) for p in range(self._count))
        self._place(keys, 0)

    def _place(self, keys: Iterable[bytes], first: int) -> None:
        """Put positions first, first + 1, ... in the slots their `keys` hash to."""
        slots = self._slots
        mask = len(slots) - 1
        for position, key in enumerate(keys, first):
            i = hash(key) & mask
            while slots[i] != _EMPTY:
                i = (i + 1) & mask
            slots[i] = position
