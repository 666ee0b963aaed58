"""The block tree: connect, fork choice, reorgs, orphans, invalidation, restart."""

from dataclasses import replace

import pytest

from builders import kh, rejects, secret
from miner import NOW, end_of, make_block, mine
from pocketchain.chain.chainstate import Chainstate
from pocketchain.consensus.block import Block
from pocketchain.consensus.errors import PocketchainError
from pocketchain.consensus.params import DEVNET, REGTEST
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from pocketchain.mining.search import solve


def coinbase_out(block: Block) -> OutPoint:
    return OutPoint(block.txs[0].txid, 0)


def pay(prevout: OutPoint, amount: int, to: int, key: int = 0, data: bytes = b"") -> Tx:
    unsigned = Tx(TX_VERSION, (TxIn(prevout, b"", b""),), (TxOut(amount, kh(to)),), data)
    return sign_tx(unsigned, (secret(key),), REGTEST.magic)


def test_a_new_chain_starts_at_genesis(chain: Chainstate) -> None:
    assert chain.height == 0
    assert chain.tip.hash == REGTEST.genesis.hash
    assert [t.status for t in chain.tips()] == ["active"]
    assert chain.store.count_coins() == 0  # the genesis output is not spendable


def test_blocks_connect_and_survive_a_restart(open_chain) -> None:
    chain = open_chain()
    blocks = mine(chain, 3)
    assert chain.height == 3
    assert chain.coins.get(coinbase_out(blocks[2])) is not None
    chain.store.close()
    again = open_chain()
    assert again.height == 3
    assert again.tip.hash == blocks[2].hash
    assert again.coins.get(coinbase_out(blocks[0])).amount == 50 * COIN


def test_more_work_wins_and_the_reorg_is_reported(chain: Chainstate) -> None:
    genesis = chain.tip
    a = mine(chain, 2, tag=b"a")
    b1, b2 = mine(chain, 2, parent=genesis, tag=b"b")
    assert chain.tip.hash == a[1].hash  # equal work: the first seen stays
    b3 = make_block(chain.entries[b2.hash], tag=b"b")
    result = chain.process_block(b3, NOW)
    assert result.status == "accepted"
    assert [b.hash for b in result.disconnected] == [a[1].hash, a[0].hash]
    assert [b.hash for b in result.connected] == [b1.hash, b2.hash, b3.hash]
    assert chain.coins.get(coinbase_out(a[0])) is None
    assert chain.coins.get(coinbase_out(b1)) is not None
    assert chain.store.count_coins() == 3
    tips = {t.hash: t for t in chain.tips()}
    assert tips[b3.hash].status == "active"
    assert (tips[a[1].hash].status, tips[a[1].hash].branchlen) == ("valid-fork", 2)


def test_orphans_wait_for_their_parent(chain: Chainstate) -> None:
    parent = make_block(chain.tip)
    child = make_block(end_of(chain.tip, [parent]))
    assert chain.process_block(child, NOW).status == "orphan"
    assert chain.height == 0
    result = chain.process_block(parent, NOW)
    assert [b.hash for b in result.connected] == [parent.hash, child.hash]
    assert chain.process_block(child, NOW).status == "duplicate"


def test_a_branch_that_fails_to_connect_is_marked_invalid(chain: Chainstate) -> None:
    genesis = chain.tip
    a = mine(chain, 1, tag=b"a")
    b1 = make_block(genesis, tag=b"b")
    chain.process_block(b1, NOW)
    missing = pay(OutPoint(bytes(32), 7), 1 * COIN, 1)  # valid alone; spends nothing real
    b2 = make_block(chain.entries[b1.hash], txs=(missing,), tag=b"b")
    result = chain.process_block(b2, NOW)  # more work: a reorg is tried, b2 fails, back to a
    assert chain.tip.hash == a[0].hash
    assert (result.connected, result.disconnected) == ([], [])  # net: nothing moved
    statuses = {t.hash: t.status for t in chain.tips()}
    assert statuses[b2.hash] == "invalid"
    rejects("duplicate-invalid", chain.process_block, b2, NOW)
    rejects("bad-prevblk", chain.process_block, make_block(chain.entries[b2.hash]), NOW)


def test_header_rules_are_enforced_with_the_chain(chain: Chainstate) -> None:
    tip = chain.tip
    block = make_block(tip)
    wrong_bits = make_block(tip, bits=0x1F00FFFF)
    rejects("bad-diffbits", chain.process_block, wrong_bits, NOW)
    too_old = Block(solve(replace(block.header, time=tip.header.time)), block.txs)
    rejects("time-too-old", chain.process_block, too_old, NOW)
    rejects("time-too-new", chain.process_block, block, block.header.time - 7201)
    rejects(
        "high-hash",
        chain.process_block,
        Block(replace(block.header, bits=0x1D00FFFF), block.txs),
        NOW,
    )
    assert chain.height == 0
    assert chain.process_block(block, NOW).status == "accepted"


def test_spending_a_mature_coinbase_writes_the_indexes(chain: Chainstate) -> None:
    first = mine(chain, 101)[0]
    tx = pay(coinbase_out(first), 49 * COIN, 5, key=0, data=b"hello, chain")
    block = make_block(chain.tip, txs=(tx,), fees=1 * COIN)
    chain.process_block(block, NOW)
    assert chain.tip.hash == block.hash
    assert chain.coins.get(coinbase_out(first)) is None
    assert chain.coins.get(OutPoint(tx.txid, 0)).amount == 49 * COIN
    posts = chain.store.recent_posts(10)
    assert [(p.author, p.content, p.height) for p in posts] == [(kh(0), b"hello, chain", 102)]
    flows = [
        (row.key_hash, row.received, row.sent)
        for key in (kh(0), kh(5))
        for row in chain.store.address_history(key, 200)
        if row.txid == tx.txid
    ]
    assert flows == [(kh(0), 0, 50 * COIN), (kh(5), 49 * COIN, 0)]
    # undo it: the coinbase coin comes back and the index rows go
    chain.invalidate(block.hash)
    assert chain.coins.get(coinbase_out(first)) is not None
    assert chain.store.recent_posts(10) == []
    assert chain.store.find_tx(tx.txid) is None
    assert all(row.txid != tx.txid for row in chain.store.address_history(kh(5), 200))


def test_invalidate_and_reconsider(chain: Chainstate) -> None:
    blocks = mine(chain, 3)
    connected, disconnected = chain.invalidate(blocks[1].hash)
    assert chain.tip.hash == blocks[0].hash
    assert [b.hash for b in disconnected] == [blocks[2].hash, blocks[1].hash]
    assert connected == []
    assert {t.status for t in chain.tips() if t.hash == blocks[2].hash} == {"invalid"}
    connected, _ = chain.reconsider(blocks[1].hash)
    assert [b.hash for b in connected] == [blocks[1].hash, blocks[2].hash]
    assert chain.tip.hash == blocks[2].hash
    with pytest.raises(PocketchainError, match="genesis"):
        chain.invalidate(REGTEST.genesis.hash)


def test_another_networks_database_is_refused(open_chain) -> None:
    open_chain(REGTEST).store.close()
    with pytest.raises(PocketchainError, match="another chain"):
        open_chain(DEVNET)


def test_the_coin_cache_keeps_its_bound(chain: Chainstate) -> None:
    chain.coins.max_size = 5
    blocks = mine(chain, 20)
    assert len(chain.coins) <= 5
    for block in blocks:  # evicted coins are read back from the store
        assert chain.coins.get(coinbase_out(block)) is not None
    assert len(chain.coins) <= 5
