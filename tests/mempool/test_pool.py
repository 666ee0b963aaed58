"""The mempool: admission, conflicts, unconfirmed chains, ordering, eviction, blocks, reorgs."""

from itertools import count

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import HEIGHT, block_with, funding, kh, rejects, secret, spend
from pocketchain.consensus.connect import Coin
from pocketchain.consensus.errors import RejectError
from pocketchain.consensus.params import DEVNET, REGTEST
from pocketchain.consensus.tx import (
    COIN,
    OutPoint,
    Tx,
    TxIn,
    TxOut,
    coinbase_tx,
    sign_tx,
)
from pocketchain.mempool import MAX_DATA_SIZE, CoinSource, Mempool, MempoolEntry

TIP = HEIGHT  # the chain tip the pool works on: new txs would be mined at TIP + 1
NOW = 1_800_000_000
Coins = dict[OutPoint, Coin]


def make_pool(**kwargs: int) -> Mempool:
    ticks = count(NOW)
    return Mempool(REGTEST, clock=lambda: next(ticks), **kwargs)


def outputs_of(tx: Tx, height: int = TIP + 1) -> Coins:
    return {
        OutPoint(tx.txid, n): Coin(out.amount, out.key_hash, height, tx.is_coinbase)
        for n, out in enumerate(tx.outputs)
    }


def pay(
    view: Coins,
    prevouts: list[OutPoint],
    fee: int,
    outputs: int = 1,
    to: int = 9,
    data: bytes = b"",
) -> Tx:
    """A signed tx spending `prevouts` (coins in `view`) that leaves `fee`; its outputs go into
    `view` so later txs can spend them."""
    total = sum(view[p].amount for p in prevouts) - fee
    amounts = [max(total, 0) // outputs] * outputs
    amounts[0] += max(total, 0) - sum(amounts)
    tx = spend(view, prevouts, [(a, to) for a in amounts], data)
    view.update(outputs_of(tx))
    return tx


def size_of(view: Coins, prevouts: list[OutPoint], outputs: int = 1, data: bytes = b"") -> int:
    """The size of the tx `pay` would make (amounts do not change it)."""
    return spend(view, prevouts, [(0, 9)] * outputs, data).size


def at_rate(view: Coins, prevout: OutPoint, rate: int, outputs: int = 1) -> Tx:
    """A one-input tx paying exactly `rate` base units per byte."""
    return pay(view, [prevout], rate * size_of(view, [prevout], outputs), outputs)


def out(tx: Tx, n: int = 0) -> OutPoint:
    return OutPoint(tx.txid, n)


@pytest.fixture
def coins() -> Coins:
    """The confirmed UTXO set: 8 coins of 10 coins each, coin i paying key i."""
    return funding(8)


@pytest.fixture
def view(coins: Coins) -> Coins:
    """What the test wallet can sign: the confirmed coins and every output made since."""
    return dict(coins)


@pytest.fixture
def pool() -> Mempool:
    return make_pool()


def ops(coins: Coins) -> list[OutPoint]:
    return list(coins)


def check_invariants(pool: Mempool, coins: CoinSource) -> None:
    """What must hold after every operation."""
    spent: set[OutPoint] = set()
    seen: set[bytes] = set()
    for tx in pool.txs():
        for txin in tx.inputs:
            assert txin.prevout not in spent, "two pool txs spend one outpoint"
            spent.add(txin.prevout)
            assert pool.spender(txin.prevout) == tx.txid
            parent = pool.get(txin.prevout.txid)
            if parent is None:
                assert coins.get(txin.prevout) is not None, "input neither confirmed nor pooled"
            else:
                assert txin.prevout.vout < len(parent.tx.outputs)
                assert txin.prevout.txid in seen, "a child comes before its parent"
        seen.add(tx.txid)
    assert pool.bytes == sum(tx.size for tx in pool.txs())
    assert len(pool) == len(pool.txs()) == len(seen)
    assert pool.bytes <= pool.max_bytes
    rates = [e.fee_rate for e in pool.by_fee_rate()]
    assert rates == sorted(rates, reverse=True)
    assert {e.txid for e in pool.by_fee_rate()} == seen
    chosen: set[bytes] = set()
    for entry in pool.select(pool.bytes):
        assert all(p in chosen for p in pool.parents(entry.txid))
        chosen.add(entry.txid)
    assert chosen == seen
    assert pool.fee_rate_for(pool.bytes) == pool.min_fee_rate  # everything fits


# -- admission ------------------------------------------------------------------------------------


def test_accept_returns_the_entry(pool: Mempool, coins: Coins, view: Coins) -> None:
    p = ops(coins)[0]
    tx = pay(view, [p], 1_000)
    entry = pool.accept(tx, coins, TIP)
    assert entry == MempoolEntry(tx, 1_000, tx.size, NOW, TIP)
    assert entry.txid == tx.txid
    assert entry.fee_rate == 1_000 / tx.size
    assert tx.txid in pool
    assert pool.get(tx.txid) == entry
    assert pool.get(bytes(32)) is None
    assert len(pool) == 1
    assert pool.bytes == tx.size
    assert pool.txs() == [tx]
    assert pool.entries() == [entry]
    assert pool.spender(p) == tx.txid
    assert pool.spender(out(tx)) is None
    check_invariants(pool, coins)


def test_a_post_is_accepted(pool: Mempool, coins: Coins, view: Coins) -> None:
    text = "hello, chain ✓".encode()
    tx = pay(view, [ops(coins)[0]], 1_000, data=text)
    assert pool.accept(tx, coins, TIP).tx.data == text


def test_already_in_mempool(pool: Mempool, coins: Coins, view: Coins) -> None:
    tx = pay(view, [ops(coins)[0]], 1_000)
    pool.accept(tx, coins, TIP)
    rejects("txn-already-in-mempool", pool.accept, tx, coins, TIP)


def assert_refused(pool: Mempool, code: str, tx: Tx, coins: CoinSource, tip: int = TIP) -> None:
    """`tx` is refused with `code` and the pool does not change."""
    before = (pool.entries(), pool.bytes)
    rejects(code, pool.accept, tx, coins, tip)
    assert (pool.entries(), pool.bytes) == before
    assert tx.txid not in pool


def test_consensus_rules_apply(pool: Mempool, coins: Coins, view: Coins) -> None:
    a, b = ops(coins)[:2]
    assert_refused(pool, "bad-txns-inputs-duplicate", spend(view, [a, a], [(COIN, 1)]), coins)
    assert_refused(pool, "bad-txns-vout-negative", spend(view, [a], [(-1, 1)]), coins)
    missing = OutPoint(bytes([99]) * 32, 0)
    view[missing] = Coin(COIN, kh(0), 1, False)
    assert_refused(pool, "bad-txns-inputs-missingorspent", spend(view, [missing], [(1, 1)]), coins)
    assert_refused(pool, "bad-txns-in-belowout", spend(view, [b], [(10 * COIN + 1, 1)]), coins)
    other_network = spend(view, [b], [(COIN, 1)], params=DEVNET)
    assert_refused(pool, "bad-signature", other_network, coins)
    wrong_key = dict(view)
    wrong_key[b] = view[b]._replace(key_hash=kh(5))  # signed by key 5, the coin pays key 1
    assert_refused(pool, "bad-pubkey", spend(wrong_key, [b], [(COIN, 1)]), coins)


def test_policy_rules_apply(pool: Mempool, coins: Coins, view: Coins) -> None:
    p = ops(coins)[0]
    assert_refused(pool, "coinbase", coinbase_tx(TIP + 1, (TxOut(COIN, kh(0)),)), coins)
    v2 = sign_tx(Tx(2, (TxIn(p, b"", b""),), (TxOut(COIN, kh(1)),)), (secret(0),), REGTEST.magic)
    assert_refused(pool, "version", v2, coins)
    assert_refused(pool, "datacarrier-size", pay(view, [p], 10_000, data=b"x" * 513), coins)
    assert_refused(pool, "datacarrier-utf8", pay(view, [p], 10_000, data=b"\xff\xfe"), coins)
    big = spend(view, [p], [(1, 1)] * 3_600)  # 3,600 outputs of 28 bytes
    assert 100_000 < big.size < 1_000_000
    assert_refused(pool, "tx-size", big, coins)
    pool.accept(pay(view, [p], 10_000, data=b"x" * MAX_DATA_SIZE), coins, TIP)


def test_coinbase_maturity(pool: Mempool, coins: Coins, view: Coins) -> None:
    mature = OutPoint(bytes([50]) * 32, 0)
    young = OutPoint(bytes([51]) * 32, 0)
    # a pool tx would be mined at TIP + 1, so a coinbase of TIP + 1 - 100 is just mature
    coins[mature] = Coin(50 * COIN, kh(1), TIP + 1 - REGTEST.coinbase_maturity, True)
    coins[young] = Coin(50 * COIN, kh(2), TIP + 2 - REGTEST.coinbase_maturity, True)
    view.update(coins)
    tx = pay(view, [young], 1_000)
    assert_refused(pool, "bad-txns-premature-spend-of-coinbase", tx, coins)
    pool.accept(tx, coins, TIP + 1)  # one block later it is mature
    pool.accept(pay(view, [mature], 1_000), coins, TIP)


def test_already_confirmed(pool: Mempool, coins: Coins, view: Coins) -> None:
    spent = ops(coins)[0]
    tx = pay(view, [spent], 1_000)
    # in its block it spent its input and created its outputs
    confirmed = {op: coin for op, coin in coins.items() if op != spent} | outputs_of(tx, TIP)
    assert_refused(pool, "txn-already-known", tx, confirmed)
    # its input spent by another transaction instead: no more than missing
    other = {op: coin for op, coin in coins.items() if op != spent}
    assert_refused(pool, "bad-txns-inputs-missingorspent", tx, other)


def test_min_fee_rate(pool: Mempool, coins: Coins, view: Coins) -> None:
    a, b = ops(coins)[:2]
    size = size_of(view, [a])
    assert_refused(pool, "mempool-min-fee-not-met", pay(view, [a], size - 1), coins)
    assert_refused(pool, "mempool-min-fee-not-met", pay(view, [a], 0), coins)
    pool.accept(pay(view, [a], size), coins, TIP)  # exactly 1 per byte is enough
    strict = make_pool(min_fee_rate=5)
    assert_refused(strict, "mempool-min-fee-not-met", pay(view, [b], 5 * size - 1), coins)
    strict.accept(pay(view, [b], 5 * size), coins, TIP)
    free = make_pool(min_fee_rate=0)
    free.accept(pay(view, [ops(coins)[2]], 0), coins, TIP)


def test_load_skips_what_does_not_validate(pool: Mempool, coins: Coins, view: Coins) -> None:
    a, b = ops(coins)[:2]
    parent = pay(view, [a], 1_000)
    child = pay(view, [out(parent)], 1_000)
    double = pay(dict(view), [a], 2_000)
    other = pay(view, [b], 1_000)
    raws = [parent.raw, b"\x00garbage", child.raw, double.raw, child.raw, other.raw]
    assert pool.load(raws, coins, TIP) == 3
    assert pool.txs() == [parent, child, other]
    assert pool.load([], coins, TIP) == 0


# -- chains and conflicts -------------------------------------------------------------------------


def test_chain_of_three_unconfirmed(pool: Mempool, coins: Coins, view: Coins) -> None:
    a = pay(view, [ops(coins)[0]], 1_000)
    b = pay(view, [out(a)], 2_000)
    c = pay(view, [out(b)], 50_000)
    for tx in (a, b, c):
        entry = pool.accept(tx, coins, TIP)
    assert entry.fee == 50_000
    assert pool.txs() == [a, b, c]
    assert pool.parents(c.txid) == {b.txid}
    assert pool.children(a.txid) == {b.txid}
    assert pool.ancestors(c.txid) == {a.txid, b.txid}
    assert pool.descendants(a.txid) == {a.txid, b.txid, c.txid}
    # c pays the best rate, yet its parents come first
    assert pool.by_fee_rate()[0].tx == c
    assert [e.tx for e in pool.select(1_000_000)] == [a, b, c]
    assert [e.tx for e in pool.select(a.size + b.size)] == [a, b]
    assert pool.select(0) == []
    check_invariants(pool, coins)


def test_child_before_parent_is_missing_inputs(pool: Mempool, coins: Coins, view: Coins) -> None:
    a = pay(view, [ops(coins)[0]], 1_000)
    b = pay(view, [out(a)], 1_000)
    assert_refused(pool, "bad-txns-inputs-missingorspent", b, coins)
    pool.accept(a, coins, TIP)
    pool.accept(b, coins, TIP)


def test_spending_a_pool_output_that_does_not_exist(
    pool: Mempool, coins: Coins, view: Coins
) -> None:
    a = pay(view, [ops(coins)[0]], 1_000)
    pool.accept(a, coins, TIP)
    view[out(a, 5)] = Coin(COIN, kh(0), TIP + 1, False)
    assert_refused(pool, "bad-txns-inputs-missingorspent", pay(view, [out(a, 5)], 500), coins)


def test_double_spend_is_a_conflict(pool: Mempool, coins: Coins, view: Coins) -> None:
    a, b = ops(coins)[:2]
    first = pay(view, [a], 1_000)
    pool.accept(first, coins, TIP)
    higher_fee = pay(dict(view), [b, a], 5_000_000)  # no replacement, whatever the fee
    assert_refused(pool, "txn-mempool-conflict", higher_fee, coins)
    child = pay(view, [out(first)], 1_000)
    pool.accept(child, coins, TIP)
    assert_refused(pool, "txn-mempool-conflict", pay(dict(view), [out(first)], 9_000), coins)
    assert pool.spender(a) == first.txid
    assert pool.spender(out(first)) == child.txid
    assert pool.spender(b) is None
    check_invariants(pool, coins)


def test_chain_limits() -> None:
    coins = funding(4)
    view = dict(coins)
    pool = make_pool(max_ancestors=3, max_descendants=3)
    a = pay(view, [ops(coins)[0]], 1_000, outputs=2)
    b = pay(view, [out(a)], 1_000)
    c = pay(view, [out(b)], 1_000)
    for tx in (a, b, c):
        pool.accept(tx, coins, TIP)
    assert_refused(pool, "too-long-mempool-chain", pay(view, [out(c)], 1_000), coins)
    # a already has 3 descendants counting itself: a fourth is refused
    assert_refused(pool, "too-long-mempool-chain", pay(view, [out(a, 1)], 1_000), coins)


# -- ordering -------------------------------------------------------------------------------------


def test_by_fee_rate(pool: Mempool, coins: Coins, view: Coins) -> None:
    prevouts = ops(coins)
    rates = [3, 10, 1, 7, 10, 2]
    txs = [at_rate(view, p, r) for p, r in zip(prevouts, rates, strict=False)]
    for tx in txs:
        pool.accept(tx, coins, TIP)
    by_rate = pool.by_fee_rate()
    assert [e.fee // e.size for e in by_rate] == [10, 10, 7, 3, 2, 1]
    assert [e.tx for e in by_rate[:2]] == [txs[1], txs[4]]  # equal rates: first come first
    assert pool.txs() == txs


def test_select_pays_for_a_parent_by_its_child(pool: Mempool, coins: Coins, view: Coins) -> None:
    a, b = ops(coins)[:2]
    parent = at_rate(view, a, 1)
    child = at_rate(view, out(parent), 100)
    middle = at_rate(view, b, 20)
    for tx in (parent, child, middle):
        pool.accept(tx, coins, TIP)
    assert [e.tx for e in pool.by_fee_rate()] == [child, middle, parent]
    assert [e.tx for e in pool.select(10_000)] == [parent, child, middle]
    size = parent.size
    assert {parent.size, child.size, middle.size} == {size}
    assert [e.tx for e in pool.select(size)] == [middle]  # the package does not fit
    assert [e.tx for e in pool.select(2 * size)] == [parent, child]


def test_select_rescores_after_an_ancestor_is_chosen(
    pool: Mempool, coins: Coins, view: Coins
) -> None:
    # p pays well and has two children: one rich, one poor. After p and the rich child go in,
    # the poor child is worth only its own fee and comes after an independent middling tx.
    a, b = ops(coins)[:2]
    p = at_rate(view, a, 30, outputs=2)
    rich = at_rate(view, out(p), 40)
    poor = at_rate(view, out(p, 1), 2)
    middle = at_rate(view, b, 5)
    for tx in (p, rich, poor, middle):
        pool.accept(tx, coins, TIP)
    assert [e.tx for e in pool.select(10_000)] == [p, rich, middle, poor]


# -- fee-rate estimate ----------------------------------------------------------------------------


def test_fee_rate_for_is_the_floor_while_the_pool_fits(coins: Coins, view: Coins) -> None:
    pool = make_pool(min_fee_rate=3)
    assert pool.fee_rate_for(1_000) == 3  # empty
    for prevout, rate in zip(ops(coins), [3, 50, 7], strict=False):
        pool.accept(at_rate(view, prevout, rate), coins, TIP)
    assert pool.fee_rate_for(pool.bytes) == 3
    assert pool.fee_rate_for(pool.bytes - 1) == 8  # the 3-per-byte tx left out: beat the 7


def test_fee_rate_for_beats_the_last_tx_that_fits(pool: Mempool, coins: Coins, view: Coins) -> None:
    prevouts = ops(coins)
    txs = [at_rate(view, p, r) for p, r in zip(prevouts, [3, 10, 1, 7], strict=False)]
    above_five = pay(view, [prevouts[4]], 5 * txs[0].size + 1)  # 5.0something per byte
    size = txs[0].size
    assert {tx.size for tx in [*txs, above_five]} == {size}
    for tx in [*txs, above_five]:
        pool.accept(tx, coins, TIP)
    assert pool.fee_rate_for(size) == 11
    assert pool.fee_rate_for(2 * size) == 8
    assert pool.fee_rate_for(3 * size) == 6  # one more than 5.0something
    assert pool.fee_rate_for(4 * size) == 4
    assert pool.fee_rate_for(size - 1) == 1  # nothing fits: the floor
    # a new tx at the estimate makes the block, ahead of the one it beats
    newcomer = at_rate(view, prevouts[5], pool.fee_rate_for(2 * size))
    pool.accept(newcomer, coins, TIP)
    assert [e.tx for e in pool.select(2 * size)] == [txs[1], newcomer]


def test_fee_rate_for_counts_a_parent_paid_by_its_child(
    pool: Mempool, coins: Coins, view: Coins
) -> None:
    a, b, c = ops(coins)[:3]
    parent = at_rate(view, a, 1)
    child = at_rate(view, out(parent), 41)  # the package pays 21 per byte
    middle = at_rate(view, b, 30)
    low = at_rate(view, c, 2)
    for tx in (parent, child, middle, low):
        pool.accept(tx, coins, TIP)
    size = parent.size
    assert [e.tx for e in pool.select(3 * size)] == [middle, parent, child]
    assert pool.fee_rate_for(3 * size) == 22  # the package's rate, not its members'


def test_fee_rate_for_is_never_below_the_floor(pool: Mempool, coins: Coins, view: Coins) -> None:
    for prevout, rate in zip(ops(coins), [2, 3, 4], strict=False):
        pool.accept(at_rate(view, prevout, rate), coins, TIP)
    pool.min_fee_rate = 10  # raised after they came in
    assert pool.fee_rate_for(pool.bytes - 1) == 10


# -- eviction -------------------------------------------------------------------------------------


def test_eviction_drops_the_lowest_fee_rate_with_descendants(coins: Coins, view: Coins) -> None:
    prevouts = ops(coins)
    low = at_rate(view, prevouts[0], 2)
    low_child = at_rate(view, out(low), 50)  # well paid, but goes with its parent
    mid = at_rate(view, prevouts[1], 5)
    high = at_rate(view, prevouts[2], 10)
    size = low.size
    assert {tx.size for tx in (low, low_child, mid, high)} == {size}
    pool = make_pool(max_bytes=4 * size)
    for tx in (low, low_child, mid, high):
        pool.accept(tx, coins, TIP)
    assert pool.bytes == pool.max_bytes

    newcomer = at_rate(view, prevouts[3], 20)
    pool.accept(newcomer, coins, TIP)
    assert pool.txs() == [mid, high, newcomer]
    check_invariants(pool, coins)

    three = at_rate(view, prevouts[4], 3)
    pool.accept(three, coins, TIP)  # room for one more: nothing goes
    assert len(pool) == 4
    assert_refused(pool, "mempool-full", at_rate(dict(view), prevouts[5], 3), coins)
    assert_refused(pool, "mempool-full", at_rate(dict(view), prevouts[5], 1), coins)
    # a child that would need its own parent evicted is refused too
    assert_refused(pool, "mempool-full", at_rate(dict(view), out(three), 100), coins)
    pool.accept(at_rate(view, prevouts[5], 4), coins, TIP)  # evicts the 3-per-byte tx
    assert sorted(e.fee // e.size for e in pool.entries()) == [4, 5, 10, 20]
    check_invariants(pool, coins)


def test_a_tx_bigger_than_the_pool_is_refused(coins: Coins, view: Coins) -> None:
    tx = at_rate(view, ops(coins)[0], 100)
    pool = make_pool(max_bytes=tx.size - 1)
    assert_refused(pool, "mempool-full", tx, coins)


# -- blocks ---------------------------------------------------------------------------------------


def test_remove_for_block(pool: Mempool, coins: Coins, view: Coins) -> None:
    a, b, c = ops(coins)[:3]
    x = pay(view, [a], 1_000)
    x_child = pay(view, [out(x)], 1_000)
    y = pay(view, [b], 1_000)
    y_child = pay(view, [out(y)], 1_000)
    y_grandchild = pay(view, [out(y_child)], 1_000)
    z = pay(view, [c], 1_000)
    for tx in (x, x_child, y, y_child, y_grandchild, z):
        pool.accept(tx, coins, TIP)
    rival = pay(dict(view), [b], 3_000)  # spends what y spends
    block = block_with([x, rival], fees=4_000, height=TIP + 1)

    conflicted = pool.remove_for_block(block)
    assert conflicted == [y, y_child, y_grandchild]
    assert pool.txs() == [x_child, z]
    new_coins = {k: v for k, v in coins.items() if k not in (a, b)}
    new_coins.update(outputs_of(x) | outputs_of(rival) | outputs_of(block.txs[0]))
    check_invariants(pool, new_coins)
    assert pool.remove_for_block(block) == []


def test_remove(pool: Mempool, coins: Coins, view: Coins) -> None:
    a = pay(view, [ops(coins)[0]], 1_000)
    b = pay(view, [out(a)], 1_000)
    for tx in (a, b):
        pool.accept(tx, coins, TIP)
    assert pool.remove(bytes(32)) == []
    assert pool.remove(a.txid) == [a, b]
    assert len(pool) == 0
    assert pool.bytes == 0
    assert pool.spender(ops(coins)[0]) is None


def test_reorg() -> None:
    """Old chain ... 497, D498, D499 (tip); new chain ... 497, N498 (tip, more work)."""
    funds = funding(6)
    _, c1, c2, c3, c4, _ = ops(funds)
    cb = OutPoint(bytes([77]) * 32, 0)  # a coinbase of height 400: mature at 500, not at 499
    view = {**funds, cb: Coin(50 * COIN, kh(6), 400, True)}
    a0 = pay(view, [c4], 1_000)
    a = pay(view, [out(a0)], 1_000)
    d498 = block_with([a0], fees=1_000, height=498)
    d499 = block_with([a], fees=1_000, height=499)
    old_coins = {op: coin for op, coin in view.items() if op != c4 and op.txid != a0.txid}
    old_coins |= outputs_of(a, 499) | outputs_of(d498.txs[0], 498) | outputs_of(d499.txs[0], 499)

    pool = make_pool()
    k = pay(view, [out(a)], 1_000)  # a child of a confirmed tx that comes back
    p = pay(view, [cb], 1_000)  # spends the coinbase: premature on the new chain
    p_child = pay(view, [out(p)], 1_000)
    q = pay(view, [c1], 1_000)  # its coin is spent by another tx on the new chain
    q_child = pay(view, [out(q)], 1_000)
    r = pay(view, [c2], 1_000)  # confirmed on the new chain
    s = pay(view, [out(r)], 1_000)  # r's child stays
    t = pay(view, [c3], 1_000)  # unaffected
    for tx in (k, p, p_child, q, q_child, r, s, t):
        pool.accept(tx, old_coins, 499)
    times = {e.txid: e.time for e in pool.entries()}

    q_rival = pay(dict(view), [c1], 2_000)
    n498 = block_with([q_rival, r], fees=3_000, height=498)
    new_coins = {op: coin for op, coin in view.items() if op in funds or op == cb}
    del new_coins[c1], new_coins[c2]
    new_coins |= outputs_of(q_rival, 498) | outputs_of(r, 498) | outputs_of(n498.txs[0], 498)

    # the chainstate reports disconnected blocks from the old tip down
    pool.reorg([n498], [d499, d498], new_coins, 498)
    assert pool.txs() == [a0, a, k, s, t]
    check_invariants(pool, new_coins)
    entries = pool.entries()
    assert [e.time for e in entries[2:]] == [times[tx.txid] for tx in (k, s, t)]  # kept
    assert entries[0].height == 498  # a0 is new to the pool at the new tip
    assert entries[0].time > max(times.values())
    assert d498.txs[0].txid not in pool  # coinbases do not come back
    assert_refused(pool, "txn-mempool-conflict", pay(dict(view), [c4], 5_000), new_coins, 498)


@pytest.mark.parametrize(("room", "kept"), [(3, ["free", "high", "mid"]), (2, ["high", "mid"])])
def test_reorg_brings_back_a_tx_below_the_fee_floor_then_trims(room: int, kept: list[str]) -> None:
    funds = funding(4)
    view = dict(funds)
    c0, c1, c2, _ = ops(funds)
    free = pay(view, [c0], 0)  # below the relay floor, yet it was mined
    old = block_with([free], height=TIP)
    old_coins = {op: coin for op, coin in funds.items() if op != c0} | outputs_of(free, TIP)
    high = at_rate(view, c1, 10)
    mid = at_rate(view, c2, 5)
    names = {free.txid: "free", high.txid: "high", mid.txid: "mid"}
    pool = make_pool(max_bytes=room * high.size)
    pool.accept(high, old_coins, TIP)
    pool.accept(mid, old_coins, TIP)
    new = block_with([], height=TIP)
    new_coins = funds | outputs_of(new.txs[0], TIP)
    pool.reorg([new], [old], new_coins, TIP)
    assert [names[tx.txid] for tx in pool.txs()] == kept  # the lowest rate goes first
    check_invariants(pool, new_coins)


def test_reorg_that_only_connects_is_remove_for_block(
    pool: Mempool, coins: Coins, view: Coins
) -> None:
    a, b, c = ops(coins)[:3]
    x = pay(view, [a], 1_000)
    x_child = pay(view, [out(x)], 1_000)
    y = pay(view, [b], 1_000)
    y_child = pay(view, [out(y)], 1_000)
    z = pay(view, [c], 1_000)
    for tx in (x, x_child, y, y_child, z):
        pool.accept(tx, coins, TIP)
    first = block_with([x], fees=1_000, height=TIP + 1)
    second = block_with([pay(dict(view), [b], 5_000)], fees=5_000, height=TIP + 2)
    pool.reorg([first, second], [], coins, TIP + 2)
    assert pool.txs() == [x_child, z]


def test_reorg_with_nothing_changed_keeps_everything(
    pool: Mempool, coins: Coins, view: Coins
) -> None:
    txs = [pay(view, [p], 1_000) for p in ops(coins)[:3]]
    txs.append(pay(view, [out(txs[0])], 1_000))
    for tx in txs:
        pool.accept(tx, coins, TIP)
    pool.reorg([], [], coins, TIP)
    assert pool.txs() == txs


# -- the invariants under random traffic ----------------------------------------------------------


step = st.tuples(
    st.lists(st.integers(0, 40), min_size=1, max_size=3),  # known outpoints, newest first
    st.integers(1, 3),  # outputs
    st.sampled_from([0, 300, 1_000, 5_000, 20_000, 100_000]),  # fee
)


@settings(max_examples=100, deadline=None)
@given(
    steps=st.lists(step, min_size=4, max_size=16),
    max_bytes=st.sampled_from([50_000_000, 1_000, 600]),
)
def test_random_traffic_keeps_the_invariants(
    steps: list[tuple[list[int], int, int]], max_bytes: int
) -> None:
    coins = funding(5)
    view = dict(coins)
    known = list(coins)  # confirmed outpoints, then the outputs of every tx accepted
    pool = make_pool(max_bytes=max_bytes)
    for picks, outputs, fee in steps:
        prevouts = list(dict.fromkeys(known[-1 - i % len(known)] for i in picks))
        tx = pay(view, prevouts, fee, outputs)
        try:
            pool.accept(tx, coins, TIP)
            known += outputs_of(tx)
        except RejectError as err:
            assert (tx.txid in pool) == (err.code == "txn-already-in-mempool")
            assert err.code in {
                "txn-already-in-mempool",
                "txn-mempool-conflict",
                "bad-txns-inputs-missingorspent",
                "bad-txns-in-belowout",
                "mempool-min-fee-not-met",
                "mempool-full",
            }
        check_invariants(pool, coins)
