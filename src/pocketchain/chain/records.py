"""What the chainstate writes to storage, as plain records, and the undo data's byte format."""

from collections.abc import Iterable
from enum import IntFlag
from typing import NamedTuple

from ..consensus.block import Block
from ..consensus.connect import Coin
from ..consensus.serialize import Reader, i64, parse_exact, u32, varint
from ..consensus.tx import OutPoint, TxOut


class Status(IntFlag):
    """What the node knows of a block (Core: BlockStatus). A header alone is status 0."""

    HAVE_DATA = 1  # the whole block is stored
    VALID = 2  # connected at least once: every rule checked
    FAILED = 4  # broke a rule, or descends from a block that did


class IndexRow(NamedTuple):
    """One entry of the block index: every header the node has accepted."""

    hash: bytes
    header: bytes  # the 80 raw bytes
    height: int
    chainwork: bytes  # the cumulative work, 32 bytes big-endian (as stored)
    status: int  # Status flags
    seq: int  # order its data arrived, ancestors' too (0 until then): ties between equal work


class TxRow(NamedTuple):
    """Where a confirmed transaction is (the transaction index)."""

    txid: bytes
    block: bytes
    height: int
    position: int


class AddressRow(NamedTuple):
    """A transaction touching an address: received (output) or sent (input)."""

    key_hash: bytes
    txid: bytes
    height: int
    position: int  # in its block (read from the txs table, not stored twice)
    received: int
    sent: int


class PostRow(NamedTuple):
    txid: bytes
    author: bytes  # the key hash that signed the first input
    height: int
    time: int
    content: bytes


class AddressTotals(NamedTuple):
    """One key hash on the active chain: unspent total, history sums and transaction count."""

    balance: int
    received: int
    sent: int
    tx_count: int


class BlockWrite(NamedTuple):
    """Everything connecting one block changes, written in one database transaction."""

    hash: bytes
    height: int
    spent: list[OutPoint]
    created: dict[OutPoint, Coin]
    undo: bytes
    txs: list[TxRow]
    addresses: list[AddressRow]
    posts: list[PostRow]


_COIN_SIZE = 32 + 4 + 8 + 20 + 4 + 1


def encode_undo(spent: list[tuple[OutPoint, Coin]]) -> bytes:
    """The coins a block spent, in order, so it can be disconnected (Core: CBlockUndo)."""
    parts = [varint(len(spent))]
    for outpoint, coin in spent:
        parts += (
            outpoint.txid,
            u32(outpoint.vout),
            i64(coin.amount),
            coin.key_hash,
            u32(coin.height),
            b"\x01" if coin.coinbase else b"\x00",
        )
    return b"".join(parts)


def _read_undo(r: Reader) -> list[tuple[OutPoint, Coin]]:
    return [
        (OutPoint(r.take(32), r.u32()), Coin(r.i64(), r.take(20), r.u32(), r.take(1) == b"\x01"))
        for _ in range(r.count(_COIN_SIZE))
    ]


def decode_undo(data: bytes) -> list[tuple[OutPoint, Coin]]:
    return parse_exact(data, _read_undo)


def block_prevouts(block: Block, spent: Iterable[tuple[OutPoint, Coin]]) -> dict[OutPoint, TxOut]:
    """What every input of a connected block spends: the coins of earlier blocks (its undo data,
    `spent`) and the outputs of its own transactions."""
    outputs = {op: TxOut(coin.amount, coin.key_hash) for op, coin in spent}
    for tx in block.txs:
        outputs.update((OutPoint(tx.txid, n), out) for n, out in enumerate(tx.outputs))
    return outputs
