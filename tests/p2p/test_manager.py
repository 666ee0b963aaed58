"""The peer manager against a peer served by httpx.MockTransport (no sockets, no processes):
handshakes both ways, syncing from a peer ahead, announcing our blocks with the peer's key,
scoring and banning what a peer sends, and the peer book kept across restarts."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mockpeer import KEY, URL, MockPeer

from miner import make_block
from pocketchain import PeerEvent
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.errors import RejectError
from pocketchain.consensus.hashes import to_display
from pocketchain.consensus.params import REGTEST
from pocketchain.node.core import NodeCore
from pocketchain.p2p import PeerManager
from pocketchain.p2p.peer import SCORE_GARBAGE, PeerError

OURS = "http://127.0.0.1:8332"


class Network:
    """Our node, its peer manager and a mock peer with a chain of its own."""

    def __init__(self, tmp_path: Path) -> None:
        self.node = NodeCore(REGTEST, tmp_path / "ours", miners=1)  # no URL: no network of its own
        self.events: list[Any] = []
        self.node.listeners.append(self.events.append)
        self.peer = MockPeer(Chainstate(REGTEST, SqliteStore(tmp_path / "peer.db")))
        self.manager = PeerManager(self.node, OURS, [], transport=self.peer.transport)
        self.manager.start()

    def peer_events(self) -> list[str]:
        return [e.event for e in self.events if isinstance(e, PeerEvent)]

    def view(self) -> dict[str, Any]:
        (view,) = self.manager.views()
        return view

    def book(self) -> list[dict[str, Any]]:
        raw = self.node.call(self.node.peer_book)
        return list(json.loads(raw)) if raw else []

    def close(self) -> None:
        self.manager.stop()
        self.node.close()


@pytest.fixture
def net(tmp_path: Path) -> Iterator[Network]:
    network = Network(tmp_path)
    yield network
    network.close()


def test_a_handshake_tells_the_peer_who_we_are_and_connects_it(net: Network) -> None:
    view = net.manager.connect(URL)
    assert view["url"] == URL and view["connected"] and view["height"] == 0
    ((hello, _),) = net.peer.sent("/api/v1/peers/hello")
    assert hello["url"] == OURS and hello["network"] == "regtest"
    assert hello["genesis"] == to_display(REGTEST.genesis.hash)
    assert hello["key"] == net.manager.peers[URL].key_in  # the key it must present to us
    assert net.peer_events() == ["connected"]
    assert net.book() == [{"url": URL, "banned_until": None}]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda p: setattr(p, "genesis", "11" * 32), "bad-genesis"),
        (lambda p: setattr(p, "reachable", False), "peer-unreachable"),
    ],
)
def test_a_peer_of_another_chain_or_none_at_all_is_refused_and_forgotten(
    net: Network, change: Any, code: str
) -> None:
    change(net.peer)
    with pytest.raises(PeerError) as refused:
        net.manager.connect(URL)
    assert refused.value.code == code
    assert net.manager.views() == [] and net.book() == []


def test_a_peer_with_more_work_is_synced_headers_first(net: Network) -> None:
    chain = net.peer.chain
    for _ in range(30):
        chain.process_block(make_block(chain.tip))
    net.manager.connect(URL)
    net.peer.wait_for(lambda: net.node.tip().hash == chain.tip.hash)
    paths = [path for path, _, _ in net.peer.received]
    assert paths.index("/api/v1/headers") < paths.index("/api/v1/blocks/raw")
    assert net.manager.synced()


def test_our_new_block_is_announced_with_the_key_the_peer_issued(net: Network) -> None:
    net.manager.connect(URL)
    block = make_block(net.node.tip())
    net.node.call(net.node.accept_block, block)
    net.peer.wait_for(lambda: bool(net.peer.sent("/api/v1/peers/blocks")))
    ((body, key),) = net.peer.sent("/api/v1/peers/blocks")
    assert body == {"hex": block.raw.hex()} and key == KEY
    assert net.view()["tip"] == block.header.hash_hex  # the peer took it


def test_an_invalid_block_bans_the_peer_and_the_ban_is_kept(net: Network) -> None:
    net.manager.connect(URL)
    key = net.manager.peers[URL].key_in
    greedy = make_block(net.node.tip(), fees=10**9)  # its coinbase claims fees nobody paid
    with pytest.raises(RejectError) as rejected:
        net.manager.receive_block(key, greedy.raw.hex())
    assert rejected.value.code == "bad-cb-amount"
    assert net.view()["banned_until"] is not None and not net.view()["connected"]
    assert net.peer_events() == ["connected", "banned"]
    net.peer.wait_for(lambda: net.book()[0]["banned_until"] is not None)
    with pytest.raises(PeerError) as refused:  # what it sends now is not even looked at
        net.manager.receive_txs(key, [])
    assert (refused.value.status, refused.value.code) == (403, "banned")


def test_undecodable_transactions_are_scored_once_per_relay(net: Network) -> None:
    net.manager.connect(URL)
    key = net.manager.peers[URL].key_in
    answer = net.manager.receive_txs(key, ["zz", "00"])
    assert answer == {"accepted": 0, "rejected": []}
    assert net.view()["misbehavior"] == 2 * SCORE_GARBAGE and net.view()["connected"]


def test_data_from_a_node_that_never_said_hello_is_refused(net: Network) -> None:
    block = make_block(net.node.tip())
    with pytest.raises(PeerError) as refused:
        net.manager.receive_block("a key nobody issued", block.raw.hex())
    assert (refused.value.status, refused.value.code) == (401, "unknown-peer")
    assert net.node.tip().height == 0
