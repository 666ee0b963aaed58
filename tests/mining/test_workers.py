"""The nonce search in worker processes: real processes, real blocks, bounded in time."""

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from builders import funding, kh, spend
from pocketchain.consensus.block import Block, BlockHeader
from pocketchain.consensus.merkle import merkle_root
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.pow import check_proof_of_work, compact_to_target
from pocketchain.consensus.tx import COIN, Tx, TxOut, coinbase_tx
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import search_nonce
from pocketchain.mining.workers import MinerPool, MinerPoolError, _Template, extra_nonce_for

pytestmark = pytest.mark.timeout(60)

EASY = 0x207FFFFF  # regtest: one hash in two
HARDER = 0x1F00FFFF  # about 65k attempts
IMPOSSIBLE = 0x03000001  # a target of 1: never met in practice
HEIGHT = 321
TIME = 1_800_000_000


def template(bits: int, prev: bytes = bytes(32), time_: int = TIME, extra: bytes = b"tag") -> Block:
    """An unsolved block with two signed transactions after a coinbase carrying data."""
    view = funding(2)
    a, b = list(view)
    txs = (spend(view, [a], [(9 * COIN, 1)]), spend(view, [b], [(8 * COIN, 2)]))
    coinbase = coinbase_tx(HEIGHT, (TxOut(53 * COIN, kh(3)), TxOut(0, kh(4))), extra, b"hi")
    all_txs = (coinbase, *txs)
    root, _ = merkle_root([tx.txid for tx in all_txs])
    return Block(BlockHeader(1, prev, root, time_, bits, 0), all_txs)


def assert_real(solved: Block, bits: int) -> None:
    """A block that meets its own target, parses back to itself and commits to its txs."""
    assert solved.header.bits == bits
    target, _, _ = compact_to_target(bits)
    assert int.from_bytes(solved.hash, "little") <= target
    assert check_proof_of_work(solved.hash, bits, REGTEST.pow_limit)
    assert Block.parse(solved.raw) == solved
    assert Block.parse(solved.raw).hash == solved.hash
    assert solved.compute_merkle_root() == (solved.header.merkle_root, False)


def children() -> set[int]:
    """The process ids of the live miner workers of this process (of every pool)."""
    return {p.pid or 0 for p in multiprocessing.active_children() if p.name == "pocketchain-miner"}


@pytest.fixture(scope="module")
def pool() -> Iterator[MinerPool]:
    with MinerPool(2) as p:
        yield p


def test_solves_a_regtest_block_keeping_every_transaction(pool: MinerPool) -> None:
    block = template(EASY)
    solved = pool.solve(block)
    assert solved is not None
    assert_real(solved, EASY)
    assert solved.txs == block.txs  # found on the template's own coinbase
    h, s = block.header, solved.header
    assert (s.version, s.prev, s.merkle_root, s.time) == (h.version, h.prev, h.merkle_root, h.time)


def test_solves_a_harder_block(pool: MinerPool) -> None:
    block = assemble_block(REGTEST, bytes(32), 5, TIME, HARDER, template(EASY).txs[1:], 0, kh(9))
    solved = pool.solve(block)
    assert solved is not None
    assert_real(solved, HARDER)
    assert solved.txs[1:] == block.txs[1:]
    assert solved.txs[0].coinbase_height == 5
    assert pool.last_attempts > 0
    assert pool.hashrate > 0


def test_cancel_from_another_thread_returns_none_quickly(pool: MinerPool) -> None:
    cancel = threading.Event()
    cancelled_at: list[float] = []

    def fire() -> None:
        time.sleep(0.3)
        cancelled_at.append(time.monotonic())
        cancel.set()

    thread = threading.Thread(target=fire)
    thread.start()
    assert pool.solve(template(IMPOSSIBLE), cancel) is None
    returned = time.monotonic()
    thread.join()
    assert returned - cancelled_at[0] < 0.5
    assert pool.hashrate > 0

    # The next solve is not confused by answers left over from the cancelled one.
    fresh = template(HARDER, prev=b"\x01" * 32)
    solved = pool.solve(fresh)
    assert solved is not None
    assert_real(solved, HARDER)
    assert solved.header.prev == b"\x01" * 32
    assert solved.txs == fresh.txs


def test_a_cancel_set_beforehand_returns_none_at_once(pool: MinerPool) -> None:
    cancel = threading.Event()
    cancel.set()
    start = time.monotonic()
    assert pool.solve(template(IMPOSSIBLE), cancel) is None
    assert time.monotonic() - start < 0.1


def test_many_solves_in_a_row_reuse_the_same_workers(pool: MinerPool) -> None:
    before = children()
    for i in range(20):
        block = template(EASY, prev=bytes([i]) * 32)
        solved = pool.solve(block)
        assert solved is not None and solved.header.prev == block.header.prev
        assert_real(solved, EASY)
    assert children() == before


def test_templates_it_cannot_mine_are_refused(pool: MinerPool) -> None:
    with pytest.raises(ValueError, match="valid target"):
        pool.solve(template(0x01800001))  # negative
    with pytest.raises(ValueError, match="valid target"):
        pool.solve(template(0))  # zero
    block = template(EASY)
    with pytest.raises(ValueError, match="coinbase"):
        pool.solve(Block(block.header, block.txs[1:]))
    with pytest.raises(ValueError, match="merkle root"):
        pool.solve(Block(block.header, block.txs[:2]))


def test_exhausted_nonces_bump_the_coinbase_extra_nonce() -> None:
    limit = 1_000
    target, _, _ = compact_to_target(HARDER)
    # A template whose own header has no solution below `limit`, so only a bump can solve it.
    block = next(
        b
        for b in (template(HARDER, time_=TIME + i) for i in range(50))
        if search_nonce(b.header.raw[:76], target, 0, limit) is None
    )
    with MinerPool(2, nonce_limit=limit) as small:
        solved = small.solve(block)
    assert solved is not None
    assert_real(solved, HARDER)
    assert solved.header.nonce < limit
    old, new = block.txs[0], solved.txs[0]
    assert new.is_coinbase
    assert new.coinbase_height == HEIGHT
    assert (new.outputs, new.data) == (old.outputs, old.data)
    extra = new.inputs[0].signature[4:]
    assert extra != old.inputs[0].signature[4:]
    assert extra.startswith(b"tag")
    assert solved.txs[1:] == block.txs[1:]
    assert solved.header.merkle_root == merkle_root([tx.txid for tx in solved.txs])[0]
    assert solved.header.merkle_root != block.header.merkle_root


def test_each_round_gets_a_fresh_coinbase_and_a_matching_root() -> None:
    block = template(EASY, extra=b"x" * 96)  # the longest extra nonce still leaves room
    rounds = _Template(block)
    assert rounds.round(0).header == block.header
    seen = set()
    for k in range(1, 5):
        r = rounds.round(k)
        coinbase: Tx = r.txs[0]
        assert coinbase.inputs[0].signature[4:] == extra_nonce_for(b"x" * 96, k)
        assert len(coinbase.inputs[0].signature) == 4 + 96
        assert r.header.merkle_root == merkle_root([tx.txid for tx in r.txs])[0]
        seen.add(r.header.merkle_root)
    assert len(seen) == 4


def test_close_leaves_no_child_processes() -> None:
    others = children()  # the module's pool may be running too
    p = MinerPool(2)
    p.start()
    assert len(children() - others) == 2
    solved = p.solve(template(EASY))
    assert solved is not None
    start = time.monotonic()
    p.close()
    assert time.monotonic() - start < 2
    assert children() == others
    p.close()  # twice is harmless
    with pytest.raises(MinerPoolError):
        p.solve(template(EASY))
    with pytest.raises(MinerPoolError):
        p.start()


def test_close_during_a_solve_stops_it() -> None:
    others = children()
    p = MinerPool(2).__enter__()
    result: list[Block | None] = []
    thread = threading.Thread(target=lambda: result.append(p.solve(template(IMPOSSIBLE))))
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    p.close()
    thread.join(2)
    assert not thread.is_alive()
    assert result == [None]
    assert time.monotonic() - start < 2
    assert children() == others


def test_a_pool_must_be_started() -> None:
    with pytest.raises(MinerPoolError):
        MinerPool(1).solve(template(EASY))


def test_a_dead_worker_is_reported() -> None:
    others = children()
    with MinerPool(2) as p:
        os.kill(min(children() - others), signal.SIGKILL)
        with pytest.raises(MinerPoolError, match="died"):
            p.solve(template(IMPOSSIBLE))
    assert children() == others
