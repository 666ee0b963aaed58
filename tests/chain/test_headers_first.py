"""Headers-first sync in the chainstate: headers are checked and stored before their blocks, blocks
may then come in any order, and getheaders/locators find where two chains part."""

from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from miner import NOW, make_block, mine
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.records import Status
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.block import MAX_HEADERS, BlockHeader
from pocketchain.consensus.errors import RejectError
from pocketchain.consensus.params import REGTEST
from pocketchain.mining.search import solve


@pytest.fixture
def source(tmp_path: Path) -> Chainstate:
    """Another node's chain: 30 blocks."""
    chain = Chainstate(REGTEST, SqliteStore(tmp_path / "source.db"))
    mine(chain, 30)
    return chain


def test_headers_then_blocks_in_any_order_reach_the_same_tip(
    chain: Chainstate, source: Chainstate
) -> None:
    headers = source.headers_after(chain.locator())
    assert [h.hash for h in headers] == [e.hash for e in source.chain[1:]]
    entries = chain.process_headers(headers, NOW)
    assert chain.height == 0  # headers alone connect nothing
    assert chain.tips()[1].status == "headers-only" and chain.tips()[1].height == 30
    assert chain.missing_blocks(entries) == [h.hash for h in headers]
    assert chain.locator()[0] == headers[-1].hash  # the next request starts past them

    blocks = [source.get_block(h.hash) for h in headers]
    for block in reversed(blocks[1:]):  # children before their parents: stored, not connected
        assert block is not None
        assert chain.process_block(block, NOW).status == "accepted"
    assert chain.height == 0
    assert blocks[0] is not None
    result = chain.process_block(blocks[0], NOW)
    assert len(result.connected) == 30
    assert chain.tip.hash == source.tip.hash
    assert chain.missing_blocks(entries) == []


def test_headers_survive_a_restart_and_blocks_follow(open_chain, source: Chainstate) -> None:
    chain = open_chain()
    chain.process_headers(source.headers_after(chain.locator()), NOW)
    chain.store.close()
    again = open_chain()
    assert again.best_header().hash == source.tip.hash
    assert Status.HAVE_DATA not in again.entries[source.tip.hash].status
    # what a sync resumes with: the blocks those headers lack, from the tip on
    assert again.blocks_toward_best_header() == [e.hash for e in source.chain[1:]]
    for entry in source.chain[1:11]:
        block = source.get_block(entry.hash)
        assert block is not None
        again.process_block(block, NOW)
    assert again.height == 10
    assert again.blocks_toward_best_header() == [e.hash for e in source.chain[11:]]
    for entry in source.chain[11:]:
        block = source.get_block(entry.hash)
        assert block is not None
        again.process_block(block, NOW)
    assert again.tip.hash == source.tip.hash
    assert again.blocks_toward_best_header() == []


def test_a_header_with_bad_proof_of_work_is_refused(chain: Chainstate, source: Chainstate) -> None:
    headers = source.headers_after(chain.locator())
    good = headers[:5]
    bad = replace(headers[5], nonce=headers[5].nonce + 1)  # almost surely misses the target
    while bad.hash[-1] < 0x80:  # regtest: half of all hashes meet the target
        bad = replace(bad, nonce=bad.nonce + 1)
    with pytest.raises(RejectError) as info:
        chain.process_headers([*good, bad], NOW)
    assert info.value.code == "high-hash"
    assert all(h.hash in chain.entries for h in good)  # the ones before it stay
    assert bad.hash not in chain.entries


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"bits": 0x207FFFFE}, "bad-diffbits"),
        ({"time": 0}, "time-too-old"),
        ({"time": NOW + 3 * 3600}, "time-too-new"),
        ({"prev": b"\x11" * 32}, "prev-blk-not-found"),
    ],
)
def test_header_rules(chain: Chainstate, change: dict[str, int | bytes], code: str) -> None:
    block = make_block(chain.tip)
    header = replace(block.header, **change)
    solved = _solve(header)
    with pytest.raises(RejectError) as info:
        chain.process_headers([solved], NOW)
    assert info.value.code == code


def _solve(header: BlockHeader) -> BlockHeader:
    solved = solve(header)
    assert solved is not None
    return solved


def test_getheaders_starts_after_the_fork(chain: Chainstate, source: Chainstate) -> None:
    fork = source.chain[10]
    side = mine(source, 3, parent=fork, tag=b"side")  # a shorter branch: not active
    locator = [side[-1].hash, side[0].hash, fork.hash, source.chain[0].hash]
    headers = source.headers_after(locator)
    assert headers[0].hash == source.chain[11].hash  # the side hashes are not on the active chain
    assert source.headers_after([b"\x22" * 32])[0].hash == source.chain[1].hash  # unknown: genesis
    assert len(source.headers_after([], limit=5)) == 5
    assert source.headers_after([source.tip.hash]) == []


def test_locator_is_dense_near_the_tip_and_ends_at_genesis(source: Chainstate) -> None:
    locator = source.locator()
    heights = [source.entries[h].height for h in locator]
    assert heights[:10] == list(range(30, 20, -1))
    assert heights[-1] == 0
    steps = [a - b for a, b in pairwise(heights[9:])]
    assert steps[:-1] == sorted(steps[:-1]) and steps[0] == 2


def test_max_headers_is_cores() -> None:
    assert MAX_HEADERS == 2_000  # Core: MAX_HEADERS_RESULTS
