"""Transactions: inputs spend earlier outputs by signature, outputs pay amounts to key hashes.

Layout (all integers little-endian, lists and byte strings prefixed by a CompactSize):

    tx      = version:u32  inputs:[input]  outputs:[output]  data:bytes
    input   = prev_txid:32  prev_index:u32  pubkey:bytes  signature:bytes
    output  = amount:i64  key_hash:20

The txid is SHA-256d of the whole serialization (signatures included, as in Bitcoin). A signature
signs the sighash: SHA-256d of the network's magic and the transaction without its signatures, one
digest per transaction, so checking every input is linear in the size of the transaction.

A coinbase has one input spending the null outpoint; it has no key, and its signature field
carries the block height (4 bytes) then up to 96 free bytes (the extra nonce), like BIP-34.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from .hashes import sha256d, to_display
from .keys import KEY_HASH_SIZE, pubkey_from_secret, sign
from .serialize import Reader, i64, parse_exact, u32, varbytes, varint

COIN = 100_000_000
TX_VERSION = 1
_MIN_INPUT_SIZE = 32 + 4 + 1 + 1
_OUTPUT_SIZE = 8 + KEY_HASH_SIZE


class OutPoint(NamedTuple):
    txid: bytes
    vout: int

    def __str__(self) -> str:
        return f"{to_display(self.txid)}:{self.vout}"


NULL_OUTPOINT = OutPoint(bytes(32), 0xFFFFFFFF)


class TxIn(NamedTuple):
    prevout: OutPoint
    pubkey: bytes
    signature: bytes


class TxOut(NamedTuple):
    amount: int
    key_hash: bytes


def _outputs_bytes(outputs: tuple[TxOut, ...]) -> list[bytes]:
    parts = [varint(len(outputs))]
    for out in outputs:
        if len(out.key_hash) != KEY_HASH_SIZE:
            raise ValueError("an output's key hash is 20 bytes")
        parts += (i64(out.amount), out.key_hash)
    return parts


@dataclass(frozen=True)
class Tx:
    version: int
    inputs: tuple[TxIn, ...]
    outputs: tuple[TxOut, ...]
    data: bytes = b""

    @cached_property
    def raw(self) -> bytes:
        """The canonical serialization."""
        parts = [u32(self.version), varint(len(self.inputs))]
        for txin in self.inputs:
            parts += (
                txin.prevout.txid,
                u32(txin.prevout.vout),
                varbytes(txin.pubkey),
                varbytes(txin.signature),
            )
        parts += _outputs_bytes(self.outputs)
        parts.append(varbytes(self.data))
        return b"".join(parts)

    @cached_property
    def txid(self) -> bytes:
        return sha256d(self.raw)

    @property
    def size(self) -> int:
        return len(self.raw)

    @property
    def is_coinbase(self) -> bool:
        return len(self.inputs) == 1 and self.inputs[0].prevout == NULL_OUTPOINT

    @property
    def coinbase_height(self) -> int:
        """The height a coinbase commits to (its first 4 signature bytes)."""
        return int.from_bytes(self.inputs[0].signature[:4], "little")

    def sighash(self, magic: bytes) -> bytes:
        """What every input signs: the network and every field but the signatures."""
        parts = [magic, u32(self.version), varint(len(self.inputs))]
        for txin in self.inputs:
            parts += (txin.prevout.txid, u32(txin.prevout.vout), varbytes(txin.pubkey))
        parts += _outputs_bytes(self.outputs)
        parts.append(varbytes(self.data))
        return sha256d(b"".join(parts))

    @classmethod
    def read(cls, r: Reader) -> "Tx":
        start = r.pos
        version = r.u32()
        inputs = tuple(
            TxIn(OutPoint(r.take(32), r.u32()), r.varbytes(), r.varbytes())
            for _ in range(r.count(_MIN_INPUT_SIZE))
        )
        outputs = tuple(TxOut(r.i64(), r.take(KEY_HASH_SIZE)) for _ in range(r.count(_OUTPUT_SIZE)))
        tx = cls(version, inputs, outputs, r.varbytes())
        tx.__dict__["raw"] = r.data[start : r.pos]  # prime the cache: parsing is canonical
        return tx

    @classmethod
    def parse(cls, data: bytes) -> "Tx":
        """Exactly one transaction; DecodeError for anything else."""
        return parse_exact(data, cls.read)

    def __repr__(self) -> str:
        return f"Tx({to_display(self.txid)})"


def coinbase_tx(
    height: int, outputs: tuple[TxOut, ...], extra_nonce: bytes = b"", data: bytes = b""
) -> Tx:
    """The first transaction of the block at `height`, paying `outputs`."""
    if len(extra_nonce) > 96:
        raise ValueError("a coinbase extra nonce is at most 96 bytes")
    return Tx(TX_VERSION, (TxIn(NULL_OUTPOINT, b"", u32(height) + extra_nonce),), outputs, data)


def sign_tx(tx: Tx, secrets: tuple[bytes, ...], magic: bytes) -> Tx:
    """The transaction with input n's public key and signature made from secrets[n]."""
    unsigned = Tx(
        tx.version,
        tuple(
            TxIn(txin.prevout, pubkey_from_secret(secret), b"")
            for txin, secret in zip(tx.inputs, secrets, strict=True)
        ),
        tx.outputs,
        tx.data,
    )
    digest = unsigned.sighash(magic)
    inputs = tuple(
        txin._replace(signature=sign(secret, digest))
        for txin, secret in zip(unsigned.inputs, secrets, strict=True)
    )
    return Tx(tx.version, inputs, tx.outputs, tx.data)
