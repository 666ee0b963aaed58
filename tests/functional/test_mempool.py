"""mempool_*: admission, coinbase maturity, resurrection on reorg, eviction, persistence."""

import pytest
from coins import address, spend_hex
from framework import NodeError, TestNode

from pocketchain.consensus.tx import COIN


def coinbase_of(node: TestNode, block_hash: str) -> str:
    return str(node.api("GET", f"/blocks/{block_hash}")["txs"][0]["txid"])


def mempool_txids(node: TestNode) -> set[str]:
    return {tx["txid"] for tx in node.api("GET", "/mempool")["txs"]}


def submit(node: TestNode, raw: str) -> dict:
    return dict(node.api("POST", "/txs", json={"hex": raw}))


@pytest.fixture
def funded(nodes) -> tuple[TestNode, str]:
    """A node whose block 1 pays key 0; the chain is at height 99 (that coinbase is immature)."""
    node = nodes()
    first = node.mine(1, address(0))[0]
    node.mine(98)
    return node, coinbase_of(node, first)


def test_mempool_spend_coinbase_at_the_maturity_boundary(funded) -> None:
    node, coinbase = funded
    txid, raw = spend_hex(coinbase, 0, 49 * COIN, 1, key=0)
    with pytest.raises(NodeError) as err:  # would be mined at height 100: 99 confirmations
        submit(node, raw)
    assert (err.value.status, err.value.code) == (400, "bad-txns-premature-spend-of-coinbase")
    node.mine(1)
    assert submit(node, raw) == {"txid": txid}
    assert mempool_txids(node) == {txid}
    assert node.api("POST", "/txs", json={"hex": raw}) == {"txid": txid}  # again: 200, known


def test_double_spend_and_bad_signature_are_refused(funded) -> None:
    node, coinbase = funded
    node.mine(1)
    submit(node, spend_hex(coinbase, 0, 49 * COIN, 1, key=0)[1])
    with pytest.raises(NodeError) as err:
        submit(node, spend_hex(coinbase, 0, 48 * COIN, 2, key=0)[1])
    assert (err.value.status, err.value.code) == (409, "txn-mempool-conflict")
    with pytest.raises(NodeError) as err:
        submit(node, spend_hex(coinbase, 0, 49 * COIN, 3, key=5)[1])  # someone else's key
    assert err.value.code in {"bad-pubkey", "txn-mempool-conflict"}
    assert len(mempool_txids(node)) == 1


def test_mempool_resurrect_and_mempool_reorg(funded) -> None:
    node, coinbase = funded
    node.mine(1)  # height 100: the coinbase of block 1 is spendable in block 101
    txid, raw = spend_hex(coinbase, 0, 49 * COIN, 1, key=0)
    submit(node, raw)
    (block,) = node.mine(1)
    assert txid in {tx["txid"] for tx in node.api("GET", f"/blocks/{block}")["txs"]}
    assert mempool_txids(node) == set()

    node.api("POST", f"/blocks/{block}/invalidate", admin=True)
    assert mempool_txids(node) == {txid}  # resurrected from the disconnected block

    tip = node.tip()  # height 100; taking it away makes the coinbase immature again
    node.api("POST", f"/blocks/{tip}/invalidate", admin=True)
    assert node.height() == 99
    assert mempool_txids(node) == set()  # evicted: a premature coinbase spend


def test_mempool_persist_across_a_clean_restart(funded) -> None:
    node, coinbase = funded
    node.mine(1)
    txid, raw = spend_hex(coinbase, 0, 49 * COIN, 1, key=0, data=b"still here")
    submit(node, raw)
    assert node.stop() == 0
    node.start()
    assert mempool_txids(node) == {txid}
    (block,) = node.mine(1)
    assert mempool_txids(node) == set()
    assert node.api("GET", f"/blocks/{block}")["txs"][1]["data"] == "still here"
