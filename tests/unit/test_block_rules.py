"""Block rules, context-free, contextual and connecting, each asserted by its reject code."""

from dataclasses import replace

import pytest

from builders import (
    HEIGHT,
    block_with,
    funding,
    kh,
    rejects,
    spend,
    validate_block,
    with_header,
)
from pocketchain.consensus.block import Block
from pocketchain.consensus.contextual import (
    contextual_check_header,
    median_time_past,
    next_bits,
)
from pocketchain.consensus.merkle import merkle_root
from pocketchain.consensus.params import DEVNET, MAIN, REGTEST, block_subsidy
from pocketchain.consensus.pow import compact_to_target
from pocketchain.consensus.tx import COIN, OutPoint, Tx, TxOut, coinbase_tx
from pocketchain.mining.search import solve


def resolved(block: Block, txs: tuple[Tx, ...]) -> Block:
    """`block` with other transactions, a matching merkle root and a fresh proof of work."""
    header = solve(replace(block.header, merkle_root=merkle_root([t.txid for t in txs])[0]))
    assert header is not None
    return Block(header, txs)


def test_valid_block_reports_spent_and_created_coins() -> None:
    view = funding(2)
    a, b = list(view)
    tx1 = spend(view, [a], [(9 * COIN, 1)])
    tx2 = spend(view, [b], [(9 * COIN, 2)])
    block = block_with([tx1, tx2], fees=2 * COIN)
    changes = validate_block(block, view)
    assert changes.fees == 2 * COIN
    assert [p for p, _ in changes.spent] == [a, b]
    assert set(changes.created) == {
        OutPoint(block.txs[0].txid, 0),
        OutPoint(tx1.txid, 0),
        OutPoint(tx2.txid, 0),
    }
    assert changes.created[OutPoint(block.txs[0].txid, 0)].coinbase


def test_proof_of_work() -> None:
    block = block_with([])
    unsolved = with_header(block, bits=0x1D00FFFF)  # a real target this nonce does not meet
    rejects("high-hash", validate_block, unsolved, {})
    too_easy = with_header(block, bits=0x2100FFFF)  # above the network's pow limit
    rejects("high-hash", validate_block, too_easy, {})


def test_merkle_root_mismatch() -> None:
    view = funding(1)
    block = block_with([spend(view, list(view), [(1, 0)])], fees=10 * COIN - 1)
    tampered = Block(block.header, block.txs[:1])
    rejects("bad-txnmrklroot", validate_block, tampered, view)


def test_duplicated_transactions_with_the_same_root() -> None:
    """CVE-2012-2459: [cb, a, b] and [cb, a, b, b] share a merkle root."""
    view = funding(2)
    a, b = (spend(view, [p], [(9 * COIN, 0)]) for p in view)
    block = block_with([a, b], fees=2 * COIN)
    mutated = Block(block.header, (*block.txs, b))
    assert mutated.compute_merkle_root()[0] == block.header.merkle_root
    rejects("bad-txns-duplicate", validate_block, mutated, view)


def test_coinbase_position() -> None:
    view = funding(1)
    tx = spend(view, list(view), [(1, 0)])
    block = block_with([tx], fees=10 * COIN - 1)
    rejects("bad-cb-missing", validate_block, resolved(block, (tx,)), view)
    second_cb = coinbase_tx(HEIGHT, (TxOut(1, kh(0)),), b"again")
    rejects("bad-cb-multiple", validate_block, resolved(block, (*block.txs, second_cb)), view)
    rejects("bad-blk-length", validate_block, resolved(block, ()), view)


def test_coinbase_height() -> None:
    block = block_with([], height=HEIGHT + 1)
    rejects("bad-cb-height", validate_block, block, {})


@pytest.mark.parametrize(("extra", "code"), [(0, None), (1, "bad-cb-amount")])
def test_coinbase_pays_at_most_subsidy_plus_fees(extra: int, code: str | None) -> None:
    view = funding(1)
    tx = spend(view, list(view), [(9 * COIN, 1)])
    block = block_with([tx], fees=1 * COIN + extra)
    if code:
        rejects(code, validate_block, block, view)
    else:
        assert validate_block(block, view).fees == 1 * COIN


def test_double_spend_inside_a_block() -> None:
    view = funding(1)
    first = spend(view, list(view), [(9 * COIN, 1)])
    second = spend(view, list(view), [(8 * COIN, 2)])
    block = block_with([first, second], fees=3 * COIN)
    rejects("bad-txns-inputs-missingorspent", validate_block, block, view)


def test_chain_of_spends_inside_a_block() -> None:
    view = funding(1)
    parent = spend(view, list(view), [(9 * COIN, 1)])
    child_view = {
        OutPoint(parent.txid, 0): validate_block(block_with([parent], fees=COIN), view).created[
            OutPoint(parent.txid, 0)
        ]
    }
    child = spend(child_view, list(child_view), [(8 * COIN, 2)])
    changes = validate_block(block_with([parent, child], fees=2 * COIN), view)
    assert [p for p, _ in changes.spent] == list(view)  # undo data: only coins of earlier blocks
    assert OutPoint(parent.txid, 0) not in changes.created
    assert OutPoint(child.txid, 0) in changes.created
    rejects(
        "bad-txns-inputs-missingorspent",
        validate_block,
        block_with([child, parent], fees=2 * COIN),
        view,
    )


def test_spending_the_same_blocks_coinbase_is_premature() -> None:
    block = block_with([])
    cb_coin = {
        OutPoint(block.txs[0].txid, 0): validate_block(block, {}).created[
            OutPoint(block.txs[0].txid, 0)
        ]
    }
    tx = spend(cb_coin, list(cb_coin), [(1, 0)])
    bad = resolved(block, (block.txs[0], tx))
    rejects("bad-txns-premature-spend-of-coinbase", validate_block, bad, {})


def test_header_context() -> None:
    header = block_with([], time=1_000).header
    contextual_check_header(header, header.bits, 999, 1_000, REGTEST)
    rejects("bad-diffbits", contextual_check_header, header, 0x1D00FFFF, 999, 1_000, REGTEST)
    rejects("time-too-old", contextual_check_header, header, header.bits, 1_000, 1_000, REGTEST)
    future = 1_000 - REGTEST.max_future_block_time - 1
    rejects("time-too-new", contextual_check_header, header, header.bits, 0, future, REGTEST)
    contextual_check_header(header, header.bits, 0, future + 1, REGTEST)


def test_median_time_past_is_the_real_median_of_the_last_11() -> None:
    assert median_time_past([5]) == 5
    assert median_time_past([3, 1, 2]) == 2
    assert median_time_past([100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) == 6  # 100 is too old
    assert median_time_past([9, 1, 8, 2, 7, 3, 6, 4, 5, 0, 10]) == 5


def test_subsidy_halves_and_ends() -> None:
    assert block_subsidy(0, REGTEST) == 50 * COIN
    assert block_subsidy(149, REGTEST) == 50 * COIN
    assert block_subsidy(150, REGTEST) == 25 * COIN
    assert block_subsidy(150 * 64, REGTEST) == 0
    total = sum(block_subsidy(h * 210_000, MAIN) * 210_000 for h in range(64))
    assert total <= 21_000_000 * COIN


def test_next_bits_per_network() -> None:
    assert next_bits(REGTEST, 10, 0x207FFFFF, lambda h: 0) == 0x207FFFFF
    # devnet: aserti3-2d anchored at the parent block
    bits = 0x1E00FFFF
    on_time = {199: 1_000, 200: 1_005}
    assert next_bits(DEVNET, 200, bits, on_time.__getitem__) == bits
    fast = {199: 1_000, 200: 1_000}  # no time at all: harder by 2^(-5/40)
    assert (
        compact_to_target(next_bits(DEVNET, 200, bits, fast.__getitem__))[0]
        < compact_to_target(bits)[0]
    )
    # a day's pause counts as 6 spacings: 2^(25/40) easier, not the pow limit
    paused = {199: 1_000, 200: 1_000 + 86_400}
    easier = compact_to_target(next_bits(DEVNET, 200, bits, paused.__getitem__))[0]
    assert easier == pytest.approx(compact_to_target(bits)[0] * 2 ** (25 / 40), rel=1e-3)
    assert (
        next_bits(DEVNET, 0, DEVNET.genesis.header.bits, lambda h: 0) == DEVNET.genesis.header.bits
    )
    # main (Bitcoin's rule): only every retarget_interval blocks
    interval = MAIN.retarget_interval
    fast_main = {h: MAIN.genesis.header.time + 30 * h for h in range(2 * interval)}
    bits = MAIN.genesis.header.bits
    assert next_bits(MAIN, interval - 2, bits, fast_main.__getitem__) == bits
    assert next_bits(MAIN, interval - 1, bits, fast_main.__getitem__) < bits
