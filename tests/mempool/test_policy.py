"""Relay policy: check_standard and its reject codes (Core: IsStandardTx)."""

import pytest

from builders import funding, kh, rejects, spend
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, coinbase_tx
from pocketchain.mempool import (
    DEFAULT_MIN_FEE_RATE,
    MAX_DATA_SIZE,
    MAX_STANDARD_TX_SIZE,
    check_standard,
)

OP = OutPoint(bytes([7]) * 32, 0)


def tx_with(
    data: bytes = b"", version: int = TX_VERSION, pubkey: bytes = bytes(32), outputs: int = 1
) -> Tx:
    """An unsigned one-input transaction; policy never looks at signatures."""
    outs = tuple(TxOut(COIN, kh(0)) for _ in range(outputs))
    return Tx(version, (TxIn(OP, pubkey, bytes(64)),), outs, data)


def test_constants() -> None:
    assert MAX_DATA_SIZE == 512
    assert MAX_STANDARD_TX_SIZE == 100_000
    assert DEFAULT_MIN_FEE_RATE == 1


def test_a_signed_payment_is_standard() -> None:
    view = funding(1)
    check_standard(spend(view, [*view], [(COIN, 1)]))


@pytest.mark.parametrize(
    "text", ["", "hello", "ünïcödé ✓ 🚀", "x" * MAX_DATA_SIZE, "é" * (MAX_DATA_SIZE // 2)]
)
def test_utf8_posts_up_to_the_limit_are_standard(text: str) -> None:
    check_standard(tx_with(text.encode()))


def test_data_over_the_limit() -> None:
    rejects("datacarrier-size", check_standard, tx_with(b"x" * (MAX_DATA_SIZE + 1)))


@pytest.mark.parametrize("data", [b"\xff", b"abc\xc3", b"\xed\xa0\x80", b"\xc0\xaf"])
def test_data_must_be_utf8(data: bytes) -> None:
    rejects("datacarrier-utf8", check_standard, tx_with(data))


@pytest.mark.parametrize("version", [0, 2, 0xFFFFFFFF])
def test_other_versions(version: int) -> None:
    rejects("version", check_standard, tx_with(version=version))


def test_size_limit_is_inclusive() -> None:
    guess = tx_with(pubkey=bytes(MAX_STANDARD_TX_SIZE))  # the length prefix is 5 bytes either way
    pubkey_size = MAX_STANDARD_TX_SIZE - (guess.size - MAX_STANDARD_TX_SIZE)
    at_limit = tx_with(pubkey=bytes(pubkey_size))
    assert at_limit.size == MAX_STANDARD_TX_SIZE
    check_standard(at_limit)
    over = tx_with(pubkey=bytes(pubkey_size + 1))
    assert over.size == MAX_STANDARD_TX_SIZE + 1
    rejects("tx-size", check_standard, over)


def test_many_outputs_over_the_size_limit() -> None:
    rejects("tx-size", check_standard, tx_with(outputs=MAX_STANDARD_TX_SIZE // 28 + 1))


def test_coinbase() -> None:
    rejects("coinbase", check_standard, coinbase_tx(5, (TxOut(COIN, kh(0)),)))


def test_coinbase_is_reported_before_the_other_rules() -> None:
    cb = coinbase_tx(5, (TxOut(COIN, kh(0)),), data=b"\xff" * 1000)
    rejects("coinbase", check_standard, cb)
