"""A peer of another network or another genesis is refused with a 4xx and never adopted."""

import pytest
from fakepeer import FakePeer, regtest_status
from framework import NodeError, wait_until


@pytest.fixture
def foreign():
    peer = FakePeer(regtest_status(genesis="11" * 32, tip="11" * 32))
    yield peer
    peer.close()


def test_connecting_to_a_foreign_genesis_is_refused(nodes, foreign: FakePeer) -> None:
    node = nodes()
    with pytest.raises(NodeError) as info:
        node.api("POST", "/peers", admin=True, json={"url": foreign.url})
    assert info.value.status == 400 and info.value.code == "bad-genesis"
    assert node.api("GET", "/peers") == []
    assert node.height() == 0


def test_a_hello_from_a_foreign_chain_is_refused(nodes, foreign: FakePeer) -> None:
    node = nodes()
    for changes, code in (
        ({"genesis": "11" * 32}, "bad-genesis"),
        ({"network": "devnet"}, "bad-network"),
    ):
        body = regtest_status(url=foreign.url, nonce="k" * 16) | changes
        answer = node.http.post("/api/v1/peers/hello", json=body)
        assert answer.status_code == 400 and answer.json()["error"]["code"] == code
    assert node.api("GET", "/peers") == []


def test_a_devnet_node_and_a_regtest_node_do_not_peer(nodes) -> None:
    regtest = nodes()
    devnet = nodes(network="devnet")
    with pytest.raises(NodeError) as info:
        regtest.connect(devnet)
    assert info.value.code == "bad-network"
    assert regtest.api("GET", "/peers") == [] and devnet.api("GET", "/peers") == []


def test_a_peer_that_later_serves_another_chain_is_dropped(nodes) -> None:
    fake = FakePeer(regtest_status())
    try:
        node = nodes()
        node.api("POST", "/peers", admin=True, json={"url": fake.url})
        assert [p["url"] for p in node.api("GET", "/peers")] == [fake.url]
        fake.status = regtest_status(genesis="22" * 32)
        wait_until(lambda: node.api("GET", "/peers") == [], 15, "the node to drop the peer")
    finally:
        fake.close()
