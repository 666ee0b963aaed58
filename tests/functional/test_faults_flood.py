"""faults_flood: a peer that shook hands sends 10,000 malformed, oversized and invalid messages.

It ends banned and everything it sends after is refused, while the node's API answers every
status request meanwhile, each within a bound that only a hang would break (the latency figures
are printed; bench_flood measures them as a speed target).
"""

import time
from collections import Counter

import pytest
from fakepeer import FakePeer, regtest_status
from faults import valid_block
from flood import AUTH_KINDS, flood_polled, invalid_blocks, percentiles
from framework import TestNode, wait_until

pytestmark = pytest.mark.faults

MESSAGES = 10_000
CONNECTIONS = 16
HANG = 2.0  # seconds: a status answer slower than this is a hang (not a speed target)
# what each kind of message may be answered (0: the connection closed on a body past the limit)
ANSWERS = {
    "not-json": {(400, "bad-request")},
    "wrong-shape": {(400, "bad-request")},
    "too-many-txs": {(400, "bad-request")},
    "over-limit": {(413, "too-large")},
    "over-limit-sent": {(413, "too-large"), (0, "")},
    "bad-hex": {(400, "decode-failed")},
    "bad-hex-txs": {(200, "")},  # relayed txs are judged one by one; the batch is answered
    "not-a-block": {(400, "decode-failed")},
    "invalid-block": {
        (400, "bad-cb-amount"),
        (400, "high-hash"),
        (400, "bad-txnmrklroot"),
        (400, "duplicate-invalid"),  # sent again by a connection that passed before the ban
    },
}


def peer_view(node: TestNode, url: str) -> dict:
    return next(p for p in node.api("GET", "/peers") if p["url"] == url)


def test_a_flooding_peer_ends_banned_and_the_api_keeps_answering(nodes) -> None:
    node: TestNode = nodes()
    node.mine(2)
    fake = FakePeer(regtest_status())
    try:
        hello = node.http.post(
            "/api/v1/peers/hello", json=regtest_status(url=fake.url, nonce="k" * 16)
        )
        key = hello.json()["key"]
        wait_until(
            lambda: peer_view(node, fake.url)["connected"], 15, "the node to verify its peer"
        )
        tip = node.api("GET", f"/blocks/{node.tip()}")

        blocks = invalid_blocks(tip)
        flooded, polled = flood_polled(node.url, HANG, key, MESSAGES, 7, blocks, CONNECTIONS)
    finally:
        fake.close()

    results, latencies = flooded.results, polled.latencies
    p50, p99 = percentiles(latencies)
    answers = Counter((kind, status, code) for _, kind, status, code in results)
    print(f"\n{len(results)} messages: {sorted(answers.items())}")
    print(
        f"status during the flood: {len(latencies)} answers, p50 {p50:.1f} ms, p99 {p99:.1f} ms,"
        f" max {max(latencies) * 1000:.1f} ms"
    )
    assert polled.failures == []  # every status request answered, none slower than HANG
    assert len(latencies) >= 20  # the flood lasted long enough to be polled through

    assert len(results) == MESSAGES
    for _, kind, status, code in results:  # no 5xx, nothing unexpected; banned once banned
        allowed = ANSWERS[kind] | ({(403, "banned")} if kind in AUTH_KINDS else set())
        assert (status, code) in allowed, (kind, status, code)
    judged = [r for r in results if r[1] in AUTH_KINDS and r[2] != 403]
    refused = [r for r in results if r[2] == 403]
    assert 1 <= len(judged) <= 5 + CONNECTIONS  # the ban came early: the rest was not judged
    assert len(refused) >= 0.9 * sum(1 for r in results if r[1] in AUTH_KINDS)

    peer = peer_view(node, fake.url)
    assert peer["banned_until"] is not None and peer["banned_until"] > time.time() + 60
    assert peer["misbehavior"] >= 100 and peer["connected"] is False
    good = valid_block(tip)  # even a valid block from the banned peer is ignored
    sent = node.http.post("/api/v1/peers/blocks", json={"hex": good}, headers={"X-Peer-Key": key})
    assert sent.status_code == 403 and sent.json()["error"]["code"] == "banned"
    assert node.tip() == tip["hash"]
    again = node.http.post("/api/v1/peers/hello", json=regtest_status(url=fake.url, nonce="k" * 16))
    assert again.status_code == 403

    assert node.submit_block(good)["status"] == "accepted"  # the same block from anyone else
    assert node.height() == 3
    node.mine(1)
    assert "Traceback" not in node.log.read_text(errors="replace")
