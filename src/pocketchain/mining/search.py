"""The nonce search, the hot loop of mining.

A header is 80 bytes; SHA-256 eats 64-byte blocks, so the state after the first 64 bytes (the
midstate) is the same for every nonce. Each attempt copies it, hashes the last 16 bytes (the end of
the merkle root, time, bits and nonce) and then hashes the 32-byte digest once more.
"""

import struct
from dataclasses import replace
from hashlib import sha256

from ..consensus.block import BlockHeader
from ..consensus.pow import compact_to_target

MAX_NONCE = 0xFFFFFFFF


def search_nonce(header76: bytes, target: int, start: int, stop: int) -> int | None:
    """The first nonce in [start, stop) whose header hash is <= target, or None."""
    midstate = sha256(header76[:64])
    tail = header76[64:76]
    top = target >> 248  # the hash's last byte (its most significant) is checked first
    copy = midstate.copy
    pack = struct.Struct("<I").pack
    for nonce in range(start, stop):
        h = copy()
        h.update(tail)
        h.update(pack(nonce))
        digest = sha256(h.digest()).digest()
        if digest[31] <= top and int.from_bytes(digest, "little") <= target:
            return nonce
    return None


def solve(header: BlockHeader) -> BlockHeader | None:
    """The header with the first nonce that meets its own bits, or None when all 2^32 fail."""
    target, _, _ = compact_to_target(header.bits)
    nonce = search_nonce(header.raw[:76], target, 0, MAX_NONCE + 1)
    return None if nonce is None else replace(header, nonce=nonce)
