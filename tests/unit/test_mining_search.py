"""The midstate nonce search finds exactly what hashing whole headers finds."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from pocketchain.consensus.block import BlockHeader
from pocketchain.consensus.hashes import sha256d
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.pow import check_proof_of_work, compact_to_target
from pocketchain.mining.search import search_nonce, solve

headers = st.builds(
    BlockHeader,
    st.integers(0, 2**32 - 1),
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=32, max_size=32),
    st.integers(0, 2**32 - 1),
    st.just(0x2000FFFF),  # about 1 in 128 hashes meets it
    st.just(0),
)


def first_nonce_by_full_hash(header: BlockHeader, target: int, stop: int) -> int | None:
    for nonce in range(stop):
        if int.from_bytes(sha256d(replace(header, nonce=nonce).raw), "little") <= target:
            return nonce
    return None


@settings(max_examples=30, deadline=None)
@given(headers)
def test_search_agrees_with_hashing_whole_headers(header: BlockHeader) -> None:
    target = compact_to_target(header.bits)[0]
    assert search_nonce(header.raw[:76], target, 0, 2_000) == first_nonce_by_full_hash(
        header, target, 2_000
    )


def test_search_respects_its_range_and_an_impossible_target() -> None:
    header = REGTEST.genesis.header
    assert search_nonce(header.raw[:76], 0, 0, 5_000) is None
    found = search_nonce(header.raw[:76], compact_to_target(header.bits)[0], 3, 10_000)
    assert found is not None and found >= 3


def test_solve_meets_the_target() -> None:
    header = replace(REGTEST.genesis.header, bits=0x1F00FFFF, nonce=0)
    solved = solve(header)
    assert solved is not None
    assert check_proof_of_work(solved.hash, solved.bits, REGTEST.pow_limit)
    assert replace(solved, nonce=0) == header
