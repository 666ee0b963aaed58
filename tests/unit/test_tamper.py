"""Tamper evidence: any single-byte change to a signed transaction or a mined block is refused.

A changed byte must make the bytes fail to parse or the result fail validation. The block is mined
at a target about 2^20 times harder than regtest's, so a changed header passes the proof of work
only with that (deterministic, checked) odds; everything here is derived from fixed keys.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import block_with, funding, spend, validate_block, validate_tx
from pocketchain.consensus.block import Block
from pocketchain.consensus.errors import RejectError
from pocketchain.consensus.tx import COIN, Tx

VIEW = funding(4)
_A, _B, _C, _D = VIEW
TX = spend(VIEW, [_A, _B], [(12 * COIN, 5), (7 * COIN, 6)], data=b"signed words")
BLOCK_TXS = [
    spend(VIEW, [_C], [(9 * COIN, 7)]),
    spend(VIEW, [_D], [(4 * COIN, 8), (5 * COIN, 9)], data=b"a post"),
]


@pytest.fixture(scope="module")
def mined() -> Block:
    return block_with(BLOCK_TXS, fees=2 * COIN, bits=0x1E0FFFFF)


def tx_accepted(raw: bytes) -> bool:
    try:
        validate_tx(Tx.parse(raw), VIEW)
    except RejectError:  # DecodeError is a RejectError too
        return False
    return True


def block_accepted(raw: bytes) -> bool:
    try:
        validate_block(Block.parse(raw), VIEW)
    except RejectError:
        return False
    return True


def flip(raw: bytes, pos: int, value: int) -> bytes:
    return raw[:pos] + bytes([value]) + raw[pos + 1 :]


def test_originals_are_valid(mined: Block) -> None:
    assert tx_accepted(TX.raw)
    assert block_accepted(mined.raw)


def test_every_byte_of_a_signed_transaction_matters() -> None:
    raw = TX.raw
    accepted = [pos for pos in range(len(raw)) if tx_accepted(flip(raw, pos, raw[pos] ^ 0x01))]
    assert accepted == []


@settings(max_examples=300)
@given(st.data())
def test_any_byte_value_anywhere_in_a_transaction(data: st.DataObject) -> None:
    raw = TX.raw
    pos = data.draw(st.integers(0, len(raw) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != raw[pos]))
    assert not tx_accepted(flip(raw, pos, value))


def test_every_value_of_every_header_byte(mined: Block) -> None:
    raw = mined.raw
    accepted = [
        (pos, value)
        for pos in range(80)
        for value in range(256)
        if value != raw[pos] and block_accepted(flip(raw, pos, value))
    ]
    assert accepted == []


def test_every_byte_of_a_block_body_matters(mined: Block) -> None:
    raw = mined.raw
    body = range(80, len(raw))
    assert [pos for pos in body if block_accepted(flip(raw, pos, raw[pos] ^ 0x80))] == []


@settings(max_examples=300)
@given(st.data())
def test_any_byte_value_anywhere_in_a_block(mined: Block, data: st.DataObject) -> None:
    raw = mined.raw
    pos = data.draw(st.integers(0, len(raw) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != raw[pos]))
    assert not block_accepted(flip(raw, pos, value))
