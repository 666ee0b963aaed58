"""The nonce search, the hot loop of mining.

A header is 80 bytes; SHA-256 eats 64-byte blocks, so the state after the first 64 bytes (the
midstate) is the same for every nonce. Each attempt copies it, hashes the last 16 bytes (the end of
the merkle root, time, bits and nonce) and then hashes the 32-byte digest once more.

`search_nonce_python` below is that loop, readable. Where a C compiler was there at install time,
the same search runs in C (`_kernel.c`, about twenty times faster, with the CPU's SHA extensions
when it has them), and `search_nonce` uses it; `KERNEL` says which one mines. Setting
POCKETCHAIN_KERNEL=python (or =portable, for the C code without SHA extensions) chooses by hand.
"""

import os
import struct
from collections.abc import Callable
from dataclasses import replace
from hashlib import sha256

from ..consensus.block import BlockHeader
from ..consensus.pow import compact_to_target

MAX_NONCE = 0xFFFFFFFF
_TARGET_BYTES = 32


NativeSearch = Callable[[bytes, bytes, int, int], int | None]


def _native() -> tuple[str, NativeSearch] | None:
    """The C kernel's name and search, or None where it was not built or not wanted."""
    if os.environ.get("POCKETCHAIN_KERNEL") == "python":
        return None
    try:
        from . import _kernel
    except ImportError:  # built without a C compiler: the Python search mines
        return None
    return _kernel.KERNEL, _kernel.search_nonce


_NATIVE = _native()
KERNEL: str = f"C ({_NATIVE[0]})" if _NATIVE is not None else "Python"
# nonces one call searches in about 10 ms: a miner that must be able to stop that soon asks for no
# more at a time
SLICE: int = {"C (SHA-NI)": 1 << 17, "C (portable)": 1 << 15}.get(KERNEL, 1 << 14)


def search_nonce(header76: bytes, target: int, start: int, stop: int) -> int | None:
    """The first nonce in [start, stop) whose header hash is <= target, or None (the native
    kernel's answer when there is one: always the same as search_nonce_python's)."""
    if _NATIVE is None:
        return search_nonce_python(header76, target, start, stop)
    if target < 0:  # no hash is below zero
        return None
    top = min(target, (1 << 8 * _TARGET_BYTES) - 1)  # every hash is below 2**256
    return _NATIVE[1](header76, top.to_bytes(_TARGET_BYTES, "little"), start, stop)


def search_nonce_python(header76: bytes, target: int, start: int, stop: int) -> int | None:
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
