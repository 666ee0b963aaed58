"""Deterministic keys, coins, transactions and blocks for the consensus tests."""

from collections.abc import Callable
from dataclasses import replace

import pytest

from pocketchain.consensus.block import Block
from pocketchain.consensus.check import check_block, check_transaction
from pocketchain.consensus.connect import (
    BlockChanges,
    Coin,
    check_signatures,
    check_tx_inputs,
    connect_block,
)
from pocketchain.consensus.contextual import contextual_check_block
from pocketchain.consensus.errors import RejectError
from pocketchain.consensus.keys import key_hash, pubkey_from_secret
from pocketchain.consensus.params import REGTEST, ChainParams
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve

HEIGHT = 500  # the height of the blocks built here: every coin below is mature


def secret(n: int) -> bytes:
    return (n + 1).to_bytes(32, "big")


def kh(n: int) -> bytes:
    """The key hash of test key n."""
    return key_hash(pubkey_from_secret(secret(n)))


def funding(count: int, amount: int = 10 * COIN) -> dict[OutPoint, Coin]:
    """A UTXO view with `count` coins, coin i paying to key i."""
    return {OutPoint(bytes([i + 1]) * 32, i): Coin(amount, kh(i), 1, False) for i in range(count)}


def spend(
    view: dict[OutPoint, Coin],
    prevouts: list[OutPoint],
    outputs: list[tuple[int, int]],
    data: bytes = b"",
    params: ChainParams = REGTEST,
) -> Tx:
    """A transaction spending `prevouts` (signed by the keys their coins pay to).

    `outputs` are (amount, key number) pairs.
    """
    keys = {kh(n): secret(n) for n in range(64)}
    inputs = tuple(TxIn(p, b"", b"") for p in prevouts)
    outs = tuple(TxOut(amount, kh(n)) for amount, n in outputs)
    secrets = tuple(keys[view[p].key_hash] for p in prevouts)
    return sign_tx(Tx(TX_VERSION, inputs, outs, data), secrets, params.magic)


def block_with(
    txs: list[Tx],
    fees: int = 0,
    bits: int = 0x207FFFFF,
    height: int = HEIGHT,
    prev: bytes = bytes(32),
    time: int = 1_800_000_000,
    params: ChainParams = REGTEST,
) -> Block:
    """A solved block at `height` with `txs` after a coinbase paying subsidy + fees."""
    block = assemble_block(params, prev, height, time, bits, tuple(txs), fees, kh(63))
    header = solve(block.header)
    assert header is not None
    return Block(header, block.txs)


def validate_tx(tx: Tx, view: dict[OutPoint, Coin], params: ChainParams = REGTEST) -> int:
    """Every check a transaction meets in a block at HEIGHT; returns the fee."""
    check_transaction(tx)
    fee, coins = check_tx_inputs(tx, view.get, HEIGHT, params)
    check_signatures(tx, coins, params.magic)
    return fee


def validate_block(
    block: Block, view: dict[OutPoint, Coin], prev: bytes = bytes(32), height: int = HEIGHT
) -> BlockChanges:
    """Every check a block at `height` on top of `prev` meets, but the header's context."""
    if block.header.prev != prev:
        raise RejectError("bad-prevblk", "not on top of the expected block")
    check_block(block, REGTEST)
    contextual_check_block(block, height)
    return connect_block(block, height, view, REGTEST)


def with_header(block: Block, **changes: int | bytes) -> Block:
    return Block(replace(block.header, **changes), block.txs)


def rejects(code: str, fn: Callable[..., object], *args: object) -> None:
    """`fn(*args)` raises a RejectError with exactly this code."""
    with pytest.raises(RejectError) as err:
        fn(*args)
    assert err.value.code == code, err.value
