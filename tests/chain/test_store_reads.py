"""What the API reads from the store, on SQLite and on PostgreSQL: block sizes, raw blocks, the
transaction index, address totals, coins and history, and posts, all following the active chain."""

from dataclasses import dataclass

import pytest

from builders import kh, spend
from miner import NOW, make_block, mine
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.records import AddressRow, AddressTotals, PostRow, TxRow
from pocketchain.consensus.block import Block
from pocketchain.consensus.connect import Coin
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import COIN, OutPoint, Tx

SMALL = 1_000  # the amount of each of b's many outputs
MANY = 300  # more than 256: output indexes past one byte


@dataclass
class Scene:
    """101 blocks paying key 0, then blocks 102 (txs a, b, c) and 103 (tx d), both paying 9.

    a: coinbase 1 -> 49 coins to key 1 and 5,000 to key 2, post "first" by key 0
    b: coinbase 2 -> MANY outputs of SMALL to key 2 and 40 coins to key 1
    c: a:0 (key 1, same block) -> 48 coins to key 2, post "second" by key 1
    d: c:0 (key 2) -> 47 coins to key 3, post "third" by key 2
    """

    chain: Chainstate
    blocks: list[Block]
    a: Tx
    b: Tx
    c: Tx
    d: Tx


def pay(chain: Chainstate, prevout: OutPoint, coin: Coin | None, outputs, data=b"") -> Tx:
    """A tx spending one coin (of the chain, or `coin` when made in the same block)."""
    found = coin or chain.coins.get(prevout)
    assert found is not None
    return spend({prevout: found}, [prevout], outputs, data)


def connect(chain: Chainstate, txs: tuple[Tx, ...], fees: int) -> Block:
    block = make_block(chain.tip, txs, fees, to=9)
    assert chain.process_block(block, NOW).status == "accepted"
    return block


@pytest.fixture
def scene(chain: Chainstate) -> Scene:
    blocks = mine(chain, 101)
    cb1, cb2 = (OutPoint(blk.txs[0].txid, 0) for blk in blocks[:2])
    a = pay(chain, cb1, None, [(49 * COIN, 1), (5_000, 2)], b"first")
    b = pay(chain, cb2, None, [(SMALL, 2)] * MANY + [(40 * COIN, 1)])
    made = Coin(49 * COIN, kh(1), 102, False)  # a:0, spent in its own block
    c = pay(chain, OutPoint(a.txid, 0), made, [(48 * COIN, 2)], b"second")
    fees = (COIN - 5_000) + (10 * COIN - MANY * SMALL) + COIN
    blocks.append(connect(chain, (a, b, c), fees))
    d = pay(chain, OutPoint(c.txid, 0), None, [(47 * COIN, 3)], b"third")
    blocks.append(connect(chain, (d,), COIN))
    return Scene(chain, blocks, a, b, c, d)


def test_block_sizes_and_raw_blocks(scene: Scene) -> None:
    store, b102, b103 = scene.chain.store, scene.blocks[101], scene.blocks[102]
    genesis = REGTEST.genesis
    unknown = bytes(32)
    sizes = store.block_sizes([genesis.hash, b102.hash, b103.hash, unknown])
    assert sizes == {
        genesis.hash: (len(genesis.raw), 1),
        b102.hash: (len(b102.raw), 4),
        b103.hash: (len(b103.raw), 2),
    }
    assert store.block_sizes([]) == {}
    assert store.get_blocks([b103.hash, unknown, genesis.hash]) == {
        b103.hash: b103.raw,
        genesis.hash: genesis.raw,
    }


def test_a_tx_count_past_252_is_read_from_its_longer_compact_size(scene: Scene) -> None:
    prevouts = [OutPoint(scene.b.txid, n) for n in range(260)]
    coin = Coin(SMALL, kh(2), 102, False)
    txs = tuple(spend({op: coin}, [op], [(SMALL, 5)]) for op in prevouts)
    block = connect(scene.chain, txs, 0)
    assert scene.chain.store.block_sizes([block.hash]) == {block.hash: (len(block.raw), 261)}


def test_the_transaction_index_follows_the_active_chain(scene: Scene) -> None:
    store, b102, b103 = scene.chain.store, scene.blocks[101], scene.blocks[102]
    assert store.find_tx(scene.c.txid) == TxRow(scene.c.txid, b102.hash, 102, 3)
    assert store.find_tx(b103.txs[0].txid) == TxRow(b103.txs[0].txid, b103.hash, 103, 0)
    assert store.find_tx(bytes(32)) is None
    scene.chain.invalidate(b103.hash)
    assert store.find_tx(scene.d.txid) is None
    assert store.find_tx(scene.c.txid) is not None


def test_address_totals(scene: Scene) -> None:
    store = scene.chain.store
    assert store.address_totals(kh(0)) == AddressTotals(
        99 * 50 * COIN, 101 * 50 * COIN, 100 * COIN, 103
    )
    assert store.address_totals(kh(1)) == AddressTotals(40 * COIN, 89 * COIN, 49 * COIN, 3)
    small = MANY * SMALL + 5_000
    assert store.address_totals(kh(2)) == AddressTotals(small, small + 48 * COIN, 48 * COIN, 4)
    assert store.address_totals(kh(3)) == AddressTotals(47 * COIN, 47 * COIN, 0, 1)
    assert store.address_totals(kh(7)) == AddressTotals(0, 0, 0, 0)
    assert all(type(n) is int for n in store.address_totals(kh(0)))  # no Decimal from PostgreSQL
    scene.chain.invalidate(scene.blocks[102].hash)
    assert store.address_totals(kh(3)) == AddressTotals(0, 0, 0, 0)
    assert store.address_totals(kh(2)).balance == small + 48 * COIN


def test_address_coins_by_height_txid_and_output_index(scene: Scene) -> None:
    store = scene.chain.store
    mine(scene.chain, 1, tag=b"more")  # another coinbase of key 0, at 104
    expected = sorted(
        [(OutPoint(scene.b.txid, n), Coin(SMALL, kh(2), 102, False)) for n in range(MANY)]
        + [(OutPoint(scene.a.txid, 1), Coin(5_000, kh(2), 102, False))],
        key=lambda item: (item[1].height, item[0].txid, item[0].vout),
    )
    assert store.address_coins(kh(2), 1_000) == expected
    pages = [store.address_coins(kh(2), 100, offset) for offset in range(0, 400, 100)]
    assert [len(p) for p in pages] == [100, 100, 100, 1]
    assert [coin for page in pages for coin in page] == expected  # 256 after 255, not after 0

    zero = store.address_coins(kh(0), 1_000)
    assert [coin.height for _, coin in zero] == [*range(3, 102), 104]
    assert all(coin.coinbase and coin.amount == 50 * COIN for _, coin in zero)
    assert zero[0][0] == OutPoint(scene.blocks[2].txs[0].txid, 0)
    assert store.address_coins(kh(0), 2, 98) == zero[98:]
    assert store.address_coins(kh(7), 10) == []


def test_address_history_newest_first(scene: Scene) -> None:
    store = scene.chain.store
    a, b, c, d = scene.a.txid, scene.b.txid, scene.c.txid, scene.d.txid
    one = [
        AddressRow(kh(1), c, 102, 3, 0, 49 * COIN),
        AddressRow(kh(1), b, 102, 2, 40 * COIN, 0),
        AddressRow(kh(1), a, 102, 1, 49 * COIN, 0),
    ]
    assert store.address_history(kh(1), 10) == one
    assert store.address_history(kh(1), 1) == one[:1]
    assert store.address_history(kh(1), 10, before=(102, 3)) == one[1:]
    assert store.address_history(kh(1), 10, before=(102, 1)) == []
    two = store.address_history(kh(2), 10)
    assert [(row.txid, row.height) for row in two] == [(d, 103), (c, 102), (b, 102), (a, 102)]
    assert two[0].sent == 48 * COIN
    assert store.address_history(kh(2), 2, before=(103, 1)) == two[1:3]
    assert store.address_history(kh(7), 10) == []


def test_recent_posts_newest_first(scene: Scene) -> None:
    store = scene.chain.store
    time102, time103 = (blk.header.time for blk in scene.blocks[101:])
    posts = [
        PostRow(scene.d.txid, kh(2), 103, time103, b"third"),
        PostRow(scene.c.txid, kh(1), 102, time102, b"second"),
        PostRow(scene.a.txid, kh(0), 102, time102, b"first"),
    ]
    assert store.recent_posts(10) == posts
    assert store.recent_posts(2) == posts[:2]
    assert store.recent_posts(10, before=(103, 1)) == posts[1:]
    assert store.recent_posts(10, before=(102, 3)) == posts[2:]
    scene.chain.invalidate(scene.blocks[101].hash)  # 102 and 103 leave the active chain
    assert store.recent_posts(10) == []
