"""mempool_*: admission, coinbase maturity, resurrection on reorg, eviction, persistence."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from coins import address, spend_hex
from framework import NodeError, TestNode

from builders import kh, secret
from pocketchain.consensus.hashes import from_display, to_display
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx


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


def test_mempool_concurrent_submissions_each_get_their_own_answer(funded) -> None:
    """Many clients at once (the node hands their transactions to its writer in batches): each
    request is answered for its own transaction, duplicates and double spends included."""
    node, coinbase = funded
    node.mine(1)
    fanout = sign_tx(
        Tx(
            TX_VERSION,
            (TxIn(OutPoint(from_display(coinbase), 0), b"", b""),),
            tuple(TxOut(COIN, kh(1)) for _ in range(40)),
        ),
        (secret(0),),
        REGTEST.magic,
    )
    submit(node, fanout.raw.hex())
    node.mine(1)
    fanout_txid = to_display(fanout.txid)
    spends = [spend_hex(fanout_txid, n, COIN - 1000, to=2, key=1) for n in range(40)]
    rivals = [spend_hex(fanout_txid, n, COIN - 2000, to=3, key=1) for n in range(0, 40, 4)]
    bad_key = [spend_hex(fanout_txid, n, COIN - 1000, to=2, key=7) for n in range(2, 40, 8)]
    requests = spends + spends[:10] + rivals + bad_key

    def post(raw: str) -> tuple[int, dict]:
        response = node.http.post("/api/v1/txs", json={"hex": raw})
        return response.status_code, response.json()

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(post, [raw for _, raw in requests]))

    accepted = mempool_txids(node)
    assert len(accepted) == 40  # each output spent once
    assert accepted <= {txid for txid, _ in spends + rivals}
    uncontested = {txid for n, (txid, _) in enumerate(spends) if n % 4 and n % 8 != 2}
    assert uncontested <= accepted
    taken: dict[str, int] = {}  # txid: how many of its requests were answered 201
    for (txid, _), (status, body) in zip(requests, answers, strict=True):
        if txid in accepted:  # 201 for the first request, 200 for a copy
            assert body == {"txid": txid} and status in (200, 201)
            taken[txid] = taken.get(txid, 0) + (status == 201)
        else:  # a rival of an accepted spend, or not signed by the output's key
            refusal = (status, body["error"]["code"])
            assert refusal in {(409, "txn-mempool-conflict"), (400, "bad-pubkey")}
    assert taken == dict.fromkeys(accepted, 1)
