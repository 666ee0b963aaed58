"""Canonical serialization: everything round-trips, and only one encoding parses."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.consensus.block import Block, BlockHeader
from pocketchain.consensus.errors import DecodeError
from pocketchain.consensus.serialize import Reader, varint
from pocketchain.consensus.tx import OutPoint, Tx, TxIn, TxOut

hashes = st.binary(min_size=32, max_size=32)
u32s = st.integers(0, 2**32 - 1)
txins = st.builds(
    TxIn,
    st.builds(OutPoint, hashes, u32s),
    st.binary(max_size=40),
    st.binary(max_size=80),
)
txouts = st.builds(TxOut, st.integers(-(2**63), 2**63 - 1), st.binary(min_size=20, max_size=20))
txs = st.builds(
    Tx,
    u32s,
    st.lists(txins, max_size=4).map(tuple),
    st.lists(txouts, max_size=4).map(tuple),
    st.binary(max_size=600),
)
headers = st.builds(BlockHeader, u32s, hashes, hashes, u32s, u32s, u32s)
blocks = st.builds(Block, headers, st.lists(txs, max_size=5).map(tuple))


@pytest.mark.parametrize(
    ("n", "encoded"),
    [
        (0, "00"),
        (0xFC, "fc"),
        (0xFD, "fdfd00"),
        (0xFFFF, "fdffff"),
        (0x10000, "fe00000100"),
        (0xFFFFFFFF, "feffffffff"),
        (0x100000000, "ff0000000001000000"),
    ],
)
def test_varint_boundaries(n: int, encoded: str) -> None:
    assert varint(n).hex() == encoded
    assert Reader(bytes.fromhex(encoded)).varint() == n


@pytest.mark.parametrize("encoded", ["fd0000", "fdfc00", "feffff0000", "ff ffffffff00000000"])
def test_non_canonical_varints_are_refused(encoded: str) -> None:
    with pytest.raises(DecodeError, match="non-canonical"):
        Reader(bytes.fromhex(encoded.replace(" ", ""))).varint()


@given(st.integers(0, 2**64 - 1))
def test_varint_round_trip(n: int) -> None:
    r = Reader(varint(n))
    assert r.varint() == n
    r.finish()


@given(txs)
def test_tx_round_trip(tx: Tx) -> None:
    parsed = Tx.parse(tx.raw)
    assert parsed == tx
    assert parsed.txid == tx.txid
    assert parsed.raw == tx.raw


@given(blocks)
def test_block_round_trip(block: Block) -> None:
    parsed = Block.parse(block.raw)
    assert parsed == block
    assert parsed.raw == block.raw
    assert parsed.hash == block.hash


@given(txs, st.data())
def test_truncated_or_extended_tx_is_refused(tx: Tx, data: st.DataObject) -> None:
    raw = tx.raw
    cut = data.draw(st.integers(0, len(raw) - 1))
    with pytest.raises(DecodeError):
        Tx.parse(raw[:cut])
    with pytest.raises(DecodeError, match="trailing"):
        Tx.parse(raw + data.draw(st.binary(min_size=1, max_size=8)))


def test_huge_list_count_is_refused_before_allocating() -> None:
    raw = bytes(4) + varint(2**40)  # a version, then "a trillion inputs"
    with pytest.raises(DecodeError, match="does not fit"):
        Tx.parse(raw)


def test_output_key_hash_must_be_20_bytes() -> None:
    with pytest.raises(ValueError, match="20 bytes"):
        _ = Tx(1, (), (TxOut(1, b"short"),)).raw
