"""A scripted fake peer sends invalid blocks and garbage: rejected with their codes, the peer is
scored and banned, its later data ignored, and the node keeps serving and mining."""

from dataclasses import replace

import httpx
import pytest
from fakepeer import FakePeer, regtest_status
from framework import wait_until

from builders import kh
from pocketchain.consensus.block import Block, BlockHeader
from pocketchain.consensus.hashes import from_display
from pocketchain.consensus.params import REGTEST
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve


@pytest.fixture
def fake():
    peer = FakePeer(regtest_status())
    yield peer
    peer.close()


def _hello(node, fake: FakePeer) -> str:
    """Shake hands as `fake`; the key the node issued us."""
    body = regtest_status(url=fake.url, nonce="k" * 16)
    answer = node.http.post("/api/v1/peers/hello", json=body).json()
    return str(answer["key"])


def _peer(node, url: str) -> dict:
    return next(p for p in node.api("GET", "/peers") if p["url"] == url)


def _overpaying_block(tip: dict) -> Block:
    """A block on `tip` whose coinbase claims more than the subsidy (bad-cb-amount)."""
    height = tip["height"] + 1
    block = assemble_block(
        REGTEST, from_display(tip["hash"]), height, tip["time"] + 1, 0x207FFFFF, (), 1, kh(1), b"x"
    )
    header = solve(block.header)
    assert header is not None
    return Block(header, block.txs)


def test_an_invalid_block_bans_the_peer_that_sent_it(nodes, fake: FakePeer) -> None:
    node = nodes()
    node.mine(2)
    key = _hello(node, fake)
    wait_until(lambda: _peer(node, fake.url)["connected"], 10, "the node to verify the fake")
    tip = node.api("GET", f"/blocks/{node.tip()}")

    block = _overpaying_block(tip)
    answer = node.http.post(
        "/api/v1/peers/blocks", json={"hex": block.raw.hex()}, headers={"X-Peer-Key": key}
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad-cb-amount"
    peer = _peer(node, fake.url)
    assert peer["misbehavior"] >= 100 and peer["banned_until"] is not None
    assert peer["connected"] is False

    again = node.http.post(
        "/api/v1/peers/blocks", json={"hex": block.raw.hex()}, headers={"X-Peer-Key": key}
    )
    assert again.status_code == 403 and again.json()["error"]["code"] == "banned"
    hello = node.http.post("/api/v1/peers/hello", json=regtest_status(url=fake.url, nonce="k" * 16))
    assert hello.status_code == 403  # a banned peer cannot shake hands again

    assert node.tip() == tip["hash"]  # the node kept its chain, and keeps serving and mining
    node.mine(1)
    assert node.height() == 3


def test_garbage_adds_up_to_a_ban(nodes, fake: FakePeer) -> None:
    node = nodes()
    key = _hello(node, fake)
    codes = []
    for _ in range(5):
        answer = node.http.post(
            "/api/v1/peers/txs", json={"txs": ["00ff"]}, headers={"X-Peer-Key": key}
        )
        codes.append(answer.status_code)
    assert codes[:4] == [200] * 4 and codes[4] == 200  # scored, not refused, until banned
    assert _peer(node, fake.url)["banned_until"] is not None
    refused = node.http.post("/api/v1/peers/txs", json={"txs": []}, headers={"X-Peer-Key": key})
    assert refused.status_code == 403


def test_data_without_a_handshake_is_refused(nodes) -> None:
    node = nodes()
    for key in (None, "nobody-knows-this-key"):
        headers = {"X-Peer-Key": key} if key else {}
        answer = httpx.post(f"{node.url}/api/v1/peers/blocks", json={"hex": "00"}, headers=headers)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "unknown-peer"


def test_invalid_headers_from_a_peer_claiming_more_work_ban_it(nodes) -> None:
    genesis = REGTEST.genesis
    wrong_bits = replace(
        genesis.header, prev=genesis.hash, time=genesis.header.time + 1, bits=0x207FFFFE
    )
    bad = _solved(wrong_bits)
    fake = FakePeer(
        regtest_status(height=1, tip=bad.hash_hex, chainwork="ff" * 8),
        {"/api/v1/headers": {"headers": [bad.raw.hex()]}},
    )
    try:
        node = nodes()
        node.api("POST", "/peers", admin=True, json={"url": fake.url})
        wait_until(lambda: _peer(node, fake.url)["banned_until"] is not None, 15, "a ban")
        assert any(r.startswith("/api/v1/headers?locator=") for r in fake.requests)
        assert not any(r.startswith("/api/v1/blocks") for r in fake.requests)  # headers first
        assert node.height() == 0
        assert all(t["hash"] != bad.hash_hex for t in node.api("GET", "/tips"))
    finally:
        fake.close()


def _solved(header: BlockHeader) -> BlockHeader:
    solved = solve(header)
    assert solved is not None
    return solved


def test_a_relay_of_junk_is_logged_once(nodes, fake: FakePeer) -> None:
    """1,000 undecodable transactions in one 5 KB relay: one log line, not one per item."""
    node = nodes()
    key = _hello(node, fake)
    wait_until(lambda: _peer(node, fake.url)["connected"], 10, "the node to verify the fake")
    before = node.log.stat().st_size
    body = {"txs": ["00"] * 1_000}
    answer = node.http.post("/api/v1/peers/txs", json=body, headers={"X-Peer-Key": key})
    assert answer.status_code == 200 and len(answer.request.content) < 6_000
    assert _peer(node, fake.url)["banned_until"] is not None

    def since() -> str:
        return node.log.read_bytes()[before:].decode()

    wait_until(lambda: "banned until" in since(), 10, "the ban to be logged")
    written = since()
    assert len(written) < 1_000, written
    assert written.count("decode-failed x1000") == 1, written
