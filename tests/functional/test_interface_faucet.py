"""interface_faucet: POST /api/v1/faucet, the mining wallet paying on regtest and devnet (and
not on main), its rate limits; GET /api/v1/fees."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from coins import address
from framework import TestNode

from builders import kh
from pocketchain.consensus.keys import encode_address
from pocketchain.consensus.tx import COIN

FAUCET = "/api/v1/faucet"


def ask(node: TestNode, body: dict[str, Any]) -> httpx.Response:
    return node.http.post(FAUCET, json=body)


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def mempool_txids(node: TestNode) -> set[str]:
    return {tx["txid"] for tx in node.api("GET", "/mempool")["txs"]}


def spent(tx: dict[str, Any]) -> set[tuple[str, int]]:
    return {(i["txid"], i["vout"]) for i in tx["inputs"]}


@pytest.fixture
def funded(nodes) -> tuple[TestNode, str]:
    """A regtest node that mined 101 blocks to its own key (two coinbases are mature), and the
    address of that key."""
    node = nodes()
    first = node.mine(101)[0]
    coinbase = node.api("GET", f"/blocks/{first}")["txs"][0]
    return node, coinbase["outputs"][0]["address"]


def test_a_fresh_node_has_nothing_to_give_and_fees_at_the_floor(nodes) -> None:
    node = nodes()
    assert node.api("GET", "/fees") == {"min_fee_rate": 1, "fee_rate": 1}
    response = ask(node, {"address": address(1)})
    assert error_of(response) == (409, "faucet-empty")
    assert "mine some blocks first" in response.json()["error"]["message"]
    node.mine(1)  # an immature coinbase is not spendable either
    assert error_of(ask(node, {"address": address(1)})) == (409, "faucet-empty")
    assert node.status()["mempool"] == 0


def test_payouts_reach_the_address_and_change_comes_back(funded) -> None:
    node, miner = funded
    paid = node.api("POST", "/faucet", json={"address": address(1)})
    assert paid["amount"] == 10 * COIN
    given = node.api("POST", "/faucet", json={"address": address(2), "amount": 5 * COIN + 123})
    assert given["amount"] == 5 * COIN + 123
    assert mempool_txids(node) == {paid["txid"], given["txid"]}

    txs = [node.api("GET", f"/txs/{p['txid']}") for p in (paid, given)]
    assert not spent(txs[0]) & spent(txs[1])  # each its own coinbase (one 50-coin coin each)
    for tx, to, amount in zip(txs, (1, 2), (10 * COIN, 5 * COIN + 123), strict=True):
        assert tx["status"] == "mempool"
        assert tx["fee"] == tx["size"]  # the floor: 1 base unit per byte
        assert tx["outputs"] == [
            {"amount": amount, "address": address(to)},
            {"amount": 50 * COIN - amount - tx["fee"], "address": miner},
        ]

    (block,) = node.mine(1)
    confirmed = {tx["txid"] for tx in node.api("GET", f"/blocks/{block}")["txs"]}
    assert {paid["txid"], given["txid"]} <= confirmed
    for p, to in ((paid, 1), (given, 2)):
        (coin,) = node.api("GET", f"/addresses/{address(to)}/utxos")
        assert (coin["txid"], coin["vout"], coin["amount"]) == (p["txid"], 0, p["amount"])
        assert not coin["coinbase"] and coin["mature"]
    change = {c["txid"] for c in node.api("GET", f"/addresses/{miner}/utxos") if c["vout"] == 1}
    assert change == {paid["txid"], given["txid"]}


def test_two_payouts_at_once_spend_different_coins(funded) -> None:
    node, _ = funded
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda n: ask(node, {"address": address(n)}), (3, 4)))
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    txids = {a.json()["txid"] for a in answers}
    assert mempool_txids(node) == txids
    first, second = (node.api("GET", f"/txs/{txid}") for txid in txids)
    assert not spent(first) & spent(second)


def test_bad_input_is_refused_and_not_counted(funded) -> None:
    node, _ = funded
    foreign = encode_address("pcd", kh(1))  # devnet's
    typo = address(1)[:-1] + ("p" if address(1).endswith("q") else "q")
    cases = [
        ({"address": address(1), "amount": amount}, "bad-amount")
        for amount in (0, -1, 100 * COIN + 1, 2**70, 1.5, 1e9, "1000", True, None, [1])
    ] + [
        ({"address": "pcrt1nope"}, "bad-address"),
        ({"address": typo}, "bad-address"),
        ({"address": foreign}, "bad-address"),
        ({"address": 12}, "bad-request"),
        ({"amount": COIN}, "bad-request"),
    ]
    for _ in range(2):  # more bad requests than the per-client limit of 20
        for body, code in cases:
            assert error_of(ask(node, body)) == (400, code), body
    assert node.status()["mempool"] == 0

    assert node.api("POST", "/faucet", json={"address": address(1)})["amount"] == 10 * COIN


def test_one_payout_per_address_every_30_s(funded) -> None:
    node, _ = funded
    node.api("POST", "/faucet", json={"address": address(1), "amount": COIN})
    response = ask(node, {"address": address(1), "amount": COIN})
    assert error_of(response) == (429, "rate-limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 30
    assert "try again in" in response.json()["error"]["message"]
    assert node.api("POST", "/faucet", json={"address": address(2), "amount": COIN})


@pytest.mark.parametrize(
    ("network", "hrp", "answer"),
    [("main", "pc", (404, "not-found")), ("devnet", "pcd", (409, "faucet-empty"))],
)
def test_the_faucet_is_for_regtest_and_devnet(
    nodes, network: str, hrp: str, answer: tuple[int, str]
) -> None:
    node = nodes(network=network)
    assert error_of(ask(node, {"address": encode_address(hrp, kh(1))})) == answer
    documented = node.http.get("/openapi.json").json()["paths"]
    assert (FAUCET in documented) == (network != "main")
