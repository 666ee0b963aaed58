"""interface_metrics: /metrics in the Prometheus text format, and its numbers moving."""

from typing import Any

from coins import address, spend_hex
from framework import TestNode
from prometheus_client.parser import text_string_to_metric_families

from pocketchain.consensus.tx import COIN


def scrape(node: TestNode) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample, by name and labels; the text must parse as Prometheus' format."""
    response = node.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def route_labels(samples: dict) -> set[str]:
    return {
        dict(labels)["route"]
        for name, labels in samples
        if name == "pocketchain_http_request_duration_seconds_count"
    }


def test_metrics_follow_the_node(nodes) -> None:
    node = nodes()
    start = scrape(node)
    for name in (
        "pocketchain_height",
        "pocketchain_peers",
        "pocketchain_mempool_transactions",
        "pocketchain_mempool_bytes",
        "pocketchain_hashrate",
        "pocketchain_blocks_connected_total",
        "pocketchain_reorgs_total",
    ):
        assert (name, ()) in start, name
    assert value(start, "pocketchain_height") == 0
    assert value(start, "pocketchain_blocks_connected_total") == 0
    assert value(start, "pocketchain_peers") == 0

    # blocks: the height gauge and the connected counter
    first = node.mine(1, address(0))[0]
    hashes = node.mine(99)
    after_mining = scrape(node)
    assert value(after_mining, "pocketchain_height") == 100
    assert value(after_mining, "pocketchain_blocks_connected_total") == 100
    assert value(after_mining, "pocketchain_hashrate") > 0

    # a transaction accepted: the mempool gauges
    coinbase = node.api("GET", f"/blocks/{first}")["txs"][0]["txid"]
    txid, raw = spend_hex(coinbase, 0, 49 * COIN, 1, key=0)
    assert node.api("POST", "/txs", json={"hex": raw}) == {"txid": txid}
    with_tx = scrape(node)
    assert value(with_tx, "pocketchain_mempool_transactions") == 1
    assert value(with_tx, "pocketchain_mempool_bytes") == len(raw) // 2

    # rejections, by kind and code
    double_spend = spend_hex(coinbase, 0, 48 * COIN, 2, key=0)[1]
    assert node.http.post("/api/v1/txs", json={"hex": double_spend}).status_code == 409
    missing = spend_hex("11" * 32, 0, COIN, 2, key=0)[1]
    assert node.http.post("/api/v1/txs", json={"hex": missing}).status_code == 409
    assert node.http.post("/api/v1/txs", json={"hex": missing}).status_code == 409
    block = bytearray.fromhex(node.block_hex(hashes[-1]))
    block[36] ^= 1  # the merkle root: a block that breaks a rule (or the proof of work)
    assert node.http.post("/api/v1/blocks", json={"hex": block.hex()}).status_code == 400
    rejected = scrape(node)
    tx = "pocketchain_rejected_total"
    assert value(rejected, tx, kind="tx", code="txn-mempool-conflict") == 1
    assert value(rejected, tx, kind="tx", code="bad-txns-inputs-missingorspent") == 2
    blocks_rejected = [
        v for (name, labels), v in rejected.items() if name == tx and ("kind", "block") in labels
    ]
    assert blocks_rejected == [1]

    # a reorg: invalidating the tip
    node.api("POST", f"/blocks/{hashes[-1]}/invalidate", admin=True)
    reorged = scrape(node)
    assert value(reorged, "pocketchain_reorgs_total") == 1
    assert value(reorged, "pocketchain_height") == 99
    assert value(reorged, "pocketchain_blocks_connected_total") == 100


def test_request_durations_by_route_template(nodes) -> None:
    node = nodes()
    tip = node.tip()
    for _ in range(5):
        node.http.get("/api/v1/status")
    for path in (f"/api/v1/blocks/{tip}", f"/api/v1/blocks/{'00' * 32}", "/nope", "/nope/2"):
        node.http.get(path)
    _, unknown_coin = spend_hex("11" * 32, 0, COIN, 1, key=0)
    for body in ({"hex": unknown_coin}, {"hex": unknown_coin}, {"hex": "zz"}):
        assert node.http.post("/api/v1/txs", json=body).status_code in (400, 409)
    samples = scrape(node)
    count = "pocketchain_http_request_duration_seconds_count"
    # a transaction's hex or anything else: each request timed once under the route's template
    assert value(samples, count, method="POST", route="/api/v1/txs") == 3
    assert value(samples, count, method="GET", route="/api/v1/status") >= 5
    assert value(samples, count, method="GET", route="/api/v1/blocks/{block_hash}") == 2
    assert value(samples, count, method="GET", route="unmatched") == 2
    assert not any(tip in route or "nope" in route for route in route_labels(samples))
    buckets: list[Any] = [
        v
        for (name, labels), v in samples.items()
        if name == "pocketchain_http_request_duration_seconds_bucket"
        and ("route", "/api/v1/status") in labels
        and ("le", "+Inf") in labels
    ]
    assert buckets and buckets[0] >= 5
    # a scrape counts too, under its own route, once it has finished
    assert value(scrape(node), count, method="GET", route="/metrics") >= 1
