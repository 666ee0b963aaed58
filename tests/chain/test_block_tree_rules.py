"""The block tree's rules against Core's validation.cpp: orphan chains that fail, ties broken by
the order block data arrived, blocks that fail after their header was accepted, and the anti-DoS
rules for blocks nobody asked for and for headers with too little work."""

from dataclasses import replace

import pytest

from builders import kh, rejects
from miner import NOW, end_of, make_block, mine
from pocketchain.chain.chainstate import Chainstate
from pocketchain.consensus.block import Block
from pocketchain.consensus.errors import RejectError
from pocketchain.consensus.merkle import merkle_root
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import coinbase_tx
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve


def child(parent: Block, parent_height: int, tag: bytes = b"", wrong_height: bool = False) -> Block:
    """A solved block on `parent` (at `parent_height`); with `wrong_height`, its coinbase says
    the wrong height (bad-cb-height, a contextual rule)."""
    claimed = parent_height + (5 if wrong_height else 0)
    block = assemble_block(
        REGTEST, parent.hash, claimed + 1, parent.header.time + 1, 0x207FFFFF, (), 0, kh(0), tag
    )
    header = solve(block.header)
    assert header is not None
    return Block(header, block.txs)


def stored(chain: Chainstate, block: Block) -> bool:
    return chain.store.get_block(block.hash) is not None


# -- orphans (Core: the orphan blocks of the old ProcessBlock) ------------------------------------


def test_an_orphan_chain_whose_first_block_fails_is_dropped(chain: Chainstate) -> None:
    parent = make_block(chain.tip)
    o1 = child(parent, 1, wrong_height=True)  # fails a contextual check once its parent is known
    o2 = child(o1, 2)
    assert chain.process_block(o1, NOW).status == "orphan"
    assert chain.process_block(o2, NOW).status == "orphan"
    result = chain.process_block(parent, NOW)
    assert result.status == "accepted"
    assert [b.hash for b in result.connected] == [parent.hash]
    assert chain.tip.hash == parent.hash
    for dropped in (o1, o2):
        assert dropped.hash not in chain.entries
        assert dropped.hash not in chain.waiting
        assert not stored(chain, dropped)


def test_an_orphan_chain_that_is_valid_connects_whole(chain: Chainstate) -> None:
    parent = make_block(chain.tip)
    o1 = child(parent, 1)
    o2 = child(o1, 2)
    chain.process_block(o2, NOW)
    chain.process_block(o1, NOW)
    result = chain.process_block(parent, NOW)
    assert [b.hash for b in result.connected] == [parent.hash, o1.hash, o2.hash]
    assert len(chain.waiting) == 0


# -- ties: the first block whose data arrived stays (Core: nSequenceId) --------------------------


def test_a_header_announced_first_does_not_win_a_tie(open_chain) -> None:
    chain = open_chain()
    base = chain.tip
    a = make_block(base, tag=b"a")
    b = make_block(base, tag=b"b")
    chain.process_headers([b.header], NOW)  # the withholder shows its header first
    chain.process_block(a, NOW)
    assert chain.tip.hash == a.hash
    result = chain.process_block(b, NOW)
    assert chain.tip.hash == a.hash, "equal work: the block whose data came first stays"
    assert (result.connected, result.disconnected) == ([], [])
    chain.store.close()
    assert open_chain().tip.hash == a.hash  # the order is stored


def test_a_branch_whose_data_completes_later_does_not_win_a_tie(chain: Chainstate) -> None:
    base = chain.tip
    b1 = make_block(base, tag=b"b")
    b2 = make_block(end_of(base, [b1]), tag=b"b")
    chain.process_headers([b1.header, b2.header], NOW)
    chain.process_block(b2, NOW)  # b2's data first, but its parent's data is missing
    a1 = mine(chain, 2, tag=b"a")
    chain.process_block(b1, NOW)  # now b2 is complete: after a's blocks
    assert chain.tip.hash == a1[-1].hash


# -- a block that fails after its header was accepted (Core: AcceptBlock) -------------------------


def test_a_block_failing_its_context_marks_its_header_failed(chain: Chainstate) -> None:
    genesis_block = REGTEST.genesis
    bad = child(genesis_block, 0, wrong_height=True)
    chain.process_headers([bad.header], NOW)
    assert chain.best_header().hash == bad.hash
    rejects("bad-cb-height", chain.process_block, bad, NOW)
    assert chain.entries[bad.hash].failed
    assert chain.best_header().hash == REGTEST.genesis.hash
    assert chain.blocks_toward_best_header() == []  # a sync does not fetch it again
    assert {t.hash: t.status for t in chain.tips()}[bad.hash] == "invalid"
    rejects("duplicate-invalid", chain.process_block, bad, NOW)


def test_a_block_failing_checkblock_marks_its_header_failed(chain: Chainstate) -> None:
    good = make_block(chain.tip)
    coinbase = good.txs[0]
    second = coinbase_tx(1, coinbase.outputs, b"another")
    txs = (coinbase, second)  # two coinbases: the header commits to them
    root, _ = merkle_root([tx.txid for tx in txs])
    header = solve(replace(good.header, merkle_root=root))
    assert header is not None
    bad = Block(header, txs)
    chain.process_headers([bad.header], NOW)
    rejects("bad-cb-multiple", chain.process_block, bad, NOW)
    assert chain.entries[bad.hash].failed


def test_a_mutated_block_leaves_its_header_alone(chain: Chainstate) -> None:
    good = make_block(chain.tip)
    chain.process_headers([good.header], NOW)
    other = make_block(chain.tip, tag=b"other")
    mutated = Block(good.header, other.txs)  # not the transactions the header commits to
    rejects("bad-txnmrklroot", chain.process_block, mutated, NOW)
    assert not chain.entries[good.hash].failed
    assert chain.process_block(good, NOW).status == "accepted"
    assert chain.tip.hash == good.hash


def test_a_block_from_the_future_leaves_its_header_alone(chain: Chainstate) -> None:
    block = make_block(chain.tip)
    chain.process_headers([block.header], NOW)
    early = block.header.time - REGTEST.max_future_block_time - 1  # our clock was behind
    rejects("time-too-new", chain.process_block, block, early)
    assert not chain.entries[block.hash].failed
    assert chain.process_block(block, NOW).status == "accepted"


# -- blocks nobody asked for (Core: AcceptBlock's anti-DoS rules) --------------------------------


def test_an_unrequested_lighter_block_is_held_not_stored(chain: Chainstate) -> None:
    genesis = chain.tip
    active = mine(chain, 3, tag=b"a")
    side = [make_block(genesis, tag=b"s")]
    for _ in range(2):
        side.append(make_block(end_of(genesis, side), tag=b"s"))
    assert chain.process_block(side[0], NOW, requested=False).status == "held"
    assert chain.process_block(side[1], NOW, requested=False).status == "held"
    assert chain.process_block(side[0], NOW, requested=False).status == "duplicate"
    # only their headers join the tree (Core: AcceptBlockHeader), so the branch shows
    for block in side[:2]:
        assert not chain.entries[block.hash].have_data and not stored(chain, block)
    tips = {t.hash: t.status for t in chain.tips()}
    assert tips == {active[-1].hash: "active", side[1].hash: "headers-only"}
    # the third has the tip's work: the branch is stored, the first seen stays the tip
    assert chain.process_block(side[2], NOW, requested=False).status == "accepted"
    assert all(stored(chain, b) for b in side)
    assert chain.tip.hash == active[-1].hash
    assert {t.hash: t.status for t in chain.tips()}[side[2].hash] == "valid-fork"
    assert len(chain.waiting) == 0


def test_a_requested_lighter_block_is_stored(chain: Chainstate) -> None:
    genesis = chain.tip
    mine(chain, 3, tag=b"a")
    side = make_block(genesis, tag=b"s")
    assert chain.process_block(side, NOW).status == "accepted"
    assert stored(chain, side)


def test_unrequested_blocks_below_the_minimum_chain_work_are_held(open_chain) -> None:
    params = replace(REGTEST, minimum_chain_work=2 * 10 + 2)  # ten regtest blocks past genesis
    chain = open_chain(params)
    blocks = [make_block(chain.tip)]
    while len(blocks) < 10:
        blocks.append(make_block(end_of(chain.tip, blocks)))
    for block in blocks[:9]:
        assert chain.process_block(block, NOW, requested=False).status == "held"
    assert chain.height == 0
    assert chain.process_block(blocks[9], NOW, requested=False).status == "accepted"
    assert chain.height == 10


def test_the_waiting_blocks_are_bounded(chain: Chainstate) -> None:
    chain.waiting.max_count = 5
    genesis = chain.tip
    mine(chain, 2, tag=b"a")
    siblings = [make_block(genesis, tag=bytes([i])) for i in range(8)]
    for block in siblings:
        assert chain.process_block(block, NOW, requested=False).status == "held"
    assert len(chain.waiting) == 5
    assert [b.hash in chain.waiting for b in siblings] == [False] * 3 + [True] * 5
    chain.waiting.max_bytes = siblings[0].size * 2
    chain.waiting.add(make_block(genesis, tag=b"x"))
    assert len(chain.waiting) == 2 and chain.waiting.size <= chain.waiting.max_bytes


# -- headers with too little work (Core: GetAntiDoSWorkThreshold, the headers presync) -----------


def test_headers_far_below_the_tip_are_not_stored(chain: Chainstate) -> None:
    genesis = chain.tip
    mine(chain, 200, tag=b"ours")
    cheap = [make_block(genesis, tag=b"cheap")]  # a branch off genesis: ten blocks' work
    while len(cheap) < 10:
        cheap.append(make_block(end_of(genesis, cheap), tag=b"cheap"))
    count = len(chain.entries)
    with pytest.raises(RejectError) as info:
        chain.process_headers([b.header for b in cheap], NOW)
    assert info.value.code == "too-little-chainwork"
    assert len(chain.entries) == count
    assert len(list(chain.store.load_index())) == count


def test_headers_near_the_tip_are_stored(chain: Chainstate) -> None:
    mine(chain, 200, tag=b"ours")
    fork = chain.chain[190]
    side = [make_block(fork, tag=b"side")]
    for _ in range(4):
        side.append(make_block(end_of(fork, side), tag=b"side"))
    entries = chain.process_headers([b.header for b in side], NOW)
    assert [e.hash for e in entries] == [b.hash for b in side]
    assert all(b.hash in chain.entries for b in side)


def test_siblings_that_waited_for_their_parent_keep_the_order_their_data_came(open_chain) -> None:
    chain = open_chain()
    genesis = chain.tip
    parent = make_block(genesis)
    late, early = (make_block(end_of(genesis, [parent]), tag=t) for t in (b"late", b"early"))
    chain.process_headers([parent.header, late.header, early.header], NOW)
    chain.process_block(early, NOW)  # its header came second, its data first
    chain.process_block(late, NOW)
    chain.store.close()
    chain = open_chain()  # the order is stored
    chain.process_block(parent, NOW)
    assert chain.tip.hash == early.hash
