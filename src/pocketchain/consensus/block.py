"""Blocks: Bitcoin's 80-byte header followed by the transactions, the coinbase first.

    header = version:u32  prev:32  merkle_root:32  time:u32  bits:u32  nonce:u32
    block  = header  txs:[tx]

The block hash is SHA-256d of the header, shown byte-reversed.
"""

import struct
from dataclasses import dataclass
from functools import cached_property

from .hashes import sha256d, to_display
from .merkle import merkle_root
from .serialize import Reader, parse_exact, varint
from .tx import Tx

HEADER_SIZE = 80
MAX_HEADERS = 2_000  # headers in one answer (Core: MAX_HEADERS_RESULTS)
_HEADER = struct.Struct("<I32s32sIII")
_MIN_TX_SIZE = 4 + 1 + 1 + 1


@dataclass(frozen=True)
class BlockHeader:
    version: int
    prev: bytes
    merkle_root: bytes
    time: int
    bits: int
    nonce: int

    @cached_property
    def raw(self) -> bytes:
        return _HEADER.pack(
            self.version, self.prev, self.merkle_root, self.time, self.bits, self.nonce
        )

    @cached_property
    def hash(self) -> bytes:
        return sha256d(self.raw)

    @property
    def hash_hex(self) -> str:
        return to_display(self.hash)

    @classmethod
    def read(cls, r: Reader) -> "BlockHeader":
        return cls(*_HEADER.unpack(r.take(HEADER_SIZE)))

    @classmethod
    def parse(cls, data: bytes) -> "BlockHeader":
        return parse_exact(data, cls.read)


@dataclass(frozen=True)
class Block:
    header: BlockHeader
    txs: tuple[Tx, ...]

    @property
    def hash(self) -> bytes:
        return self.header.hash

    @cached_property
    def raw(self) -> bytes:
        return b"".join([self.header.raw, varint(len(self.txs)), *(tx.raw for tx in self.txs)])

    @property
    def size(self) -> int:
        return len(self.raw)

    def compute_merkle_root(self) -> tuple[bytes, bool]:
        """(root, mutated) over the txids; see merkle.merkle_root."""
        return merkle_root([tx.txid for tx in self.txs])

    @classmethod
    def read(cls, r: Reader) -> "Block":
        start = r.pos
        header = BlockHeader.read(r)
        txs = tuple(Tx.read(r) for _ in range(r.count(_MIN_TX_SIZE)))
        block = cls(header, txs)
        block.__dict__["raw"] = r.data[start : r.pos]  # prime the cache: parsing is canonical
        return block

    @classmethod
    def parse(cls, data: bytes) -> "Block":
        """Exactly one block; DecodeError for anything else."""
        return parse_exact(data, cls.read)

    def __repr__(self) -> str:
        return f"Block({self.header.hash_hex}, {len(self.txs)} txs)"
