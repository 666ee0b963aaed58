"""The peer manager against a peer served by httpx.MockTransport (no sockets, no processes):
the handshake we send, syncs both ways, announcements with the peer's key, and the inbound side:
hellos that cause no request, self-connections caught by the nonce, bans on the sender's address,
eviction when the inbound slots are full, and what is kept across restarts."""

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
from pocketchain.p2p import PeerManager, PeerSettings
from pocketchain.p2p.addrman import AddrMan
from pocketchain.p2p.netaddr import parse_address
from pocketchain.p2p.peer import SCORE_GARBAGE, PeerError

OURS = "http://127.0.0.1:8332"
GENESIS = to_display(REGTEST.genesis.hash)


def hello(url: str, nonce: str = "0123456789abcdef", **changes: Any) -> dict[str, Any]:
    """A regtest node's hello, at genesis."""
    return {
        "url": url,
        "network": "regtest",
        "genesis": GENESIS,
        "height": 0,
        "tip": GENESIS,
        "chainwork": f"{2:064x}",
        "nonce": nonce,
    } | changes


class Network:
    """Our node, its peer manager and a mock peer with a chain of its own."""

    def __init__(self, tmp_path: Path, **settings: Any) -> None:
        self.node = NodeCore(REGTEST, tmp_path / "ours", miners=1)  # no URL: no network of its own
        self.events: list[Any] = []
        self.node.listeners.append(self.events.append)
        self.peer = MockPeer(Chainstate(REGTEST, SqliteStore(tmp_path / "peer.db")))
        self.settings = PeerSettings(public_url=OURS, **settings)
        self.manager = PeerManager(self.node, self.settings, transport=self.peer.transport)
        self.manager.start()

    def peer_events(self) -> list[str]:
        return [e.event for e in self.events if isinstance(e, PeerEvent)]

    def view(self, url: str = URL) -> dict[str, Any]:
        (view,) = [v for v in self.manager.views() if v["url"] == url]
        return view

    def saved(self) -> dict[str, Any]:
        raw = self.node.call(self.node.saved_peers)
        return dict(json.loads(raw)) if raw else {}

    def restart(self) -> None:
        self.manager.stop()
        self.manager = PeerManager(self.node, self.settings, transport=self.peer.transport)
        self.manager.start()

    def close(self) -> None:
        self.manager.stop()
        self.node.close()


@pytest.fixture
def net(tmp_path: Path) -> Iterator[Network]:
    network = Network(tmp_path, discover=False)
    yield network
    network.close()


# -- the connections we dial ----------------------------------------------------------------------


def test_a_handshake_tells_the_peer_who_we_are_and_keeps_it_as_a_manual_peer(net: Network) -> None:
    view = net.manager.connect(URL)
    assert view["url"] == URL and view["connected"] and view["direction"] == "manual"
    ((sent, _),) = net.peer.sent("/api/v1/peers/hello")
    assert sent["url"] == OURS and sent["network"] == "regtest" and sent["genesis"] == GENESIS
    assert len(sent["nonce"]) == 16 and not net.manager.nonces  # only while the hello is out
    assert net.peer_events() == ["connected"]
    assert net.saved()["manual"] == [URL]
    net.peer.wait_for(lambda: bool(net.peer.sent("/api/v1/peers/news")))
    assert all(key == KEY for _, key in net.peer.sent("/api/v1/peers/news"))


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
    assert net.manager.views() == []
    net.peer.wait_for(lambda: net.saved()["manual"] == [])


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
    net.peer.wait_for(lambda: net.peer.chain.tip.hash == block.hash)  # the peer took it
    ((body, key),) = net.peer.sent("/api/v1/peers/blocks")
    assert body == {"hex": block.raw.hex()} and key == KEY


def test_a_peer_behind_on_another_branch_is_sent_our_headers_then_the_blocks_it_wants(
    net: Network,
) -> None:
    theirs = net.peer.chain
    theirs.process_block(make_block(theirs.tip, tag=b"theirs"))  # a branch of one block
    net.manager.connect(URL)
    parent = net.node.tip()
    for _ in range(3):  # ours: three blocks, more work
        block = make_block(parent, tag=b"ours")
        net.node.call(net.node.accept_block, block)
        parent = net.node.tip()
    net.peer.wait_for(lambda: theirs.tip.hash == net.node.tip().hash)
    paths = [path for path, _, _ in net.peer.received]
    assert "/api/v1/peers/locator" in paths
    assert paths.index("/api/v1/peers/headers") < len(paths) - 1
    assert any("blocks" in body for body, _ in net.peer.sent("/api/v1/peers/blocks"))


# -- the connections others dial --------------------------------------------------------------


def test_a_hello_sends_no_request_and_puts_the_url_in_the_book(tmp_path: Path) -> None:
    net = Network(tmp_path, discover=True, max_outbound=0)  # no outbound slot to dial it into
    try:
        answer = net.manager.inbound.hello(hello(URL), "127.0.0.9")
        assert answer["key"] and answer["url"] == OURS
        assert net.view()["direction"] == "inbound" and net.view()["ip"] == "127.0.0.9"
        assert net.manager.connected_count() == 1
        assert parse_address(URL) in net.manager.book
        net.manager.stop()  # its loop has run: whatever it would have sent, it has
        assert net.peer.received == []
    finally:
        net.node.close()


def test_a_dial_from_the_book_is_made_once_then_waits(tmp_path: Path) -> None:
    net = Network(tmp_path, discover=True)
    try:
        net.peer.reachable = False  # a URL someone named in a hello, where nothing listens
        net.manager.inbound.hello(hello(URL), "127.0.0.9")
        net.peer.wait_for(lambda: bool(net.peer.sent("/api/v1/peers/hello")))
        assert net.manager._pick(net.manager.book.info[parse_address(URL)].last_try, False) is None
        assert [path for path, _, _ in net.peer.received] == ["/api/v1/peers/hello"]
    finally:
        net.close()


def test_a_hello_with_our_own_nonce_is_refused(net: Network) -> None:
    net.manager.nonces.add("feedfacefeedface")
    with pytest.raises(PeerError) as refused:
        net.manager.inbound.hello(
            hello("http://127.0.0.5:1", nonce="feedfacefeedface"), "127.0.0.1"
        )
    assert refused.value.code == "self-connection"
    assert net.manager.views() == []


@pytest.mark.parametrize("url", ["ftp://127.0.0.9:1", "http://127.0.0.9:1/x", "127.0.0.9:1"])
def test_a_hello_must_name_a_base_url(net: Network, url: str) -> None:
    with pytest.raises(PeerError) as refused:
        net.manager.inbound.hello(hello(url), "127.0.0.9")
    assert refused.value.code == "bad-url"


def test_a_hello_naming_a_host_connects_but_only_ips_enter_the_book(tmp_path: Path) -> None:
    net = Network(tmp_path, discover=True, max_outbound=0)
    try:
        for url in ("http://teacher.local:5000", "http://127.1:5000", "http://127.0.0.9:5000"):
            net.manager.inbound.hello(hello(url), "127.0.0.9")
        assert {v["url"] for v in net.manager.views()} == {
            "http://teacher.local:5000",
            "http://127.1:5000",
            "http://127.0.0.9:5000",
        }
        assert list(net.manager.book.info) == [parse_address("http://127.0.0.9:5000")]
    finally:
        net.close()


def test_a_ban_holds_the_address_whatever_url_it_claims_next(net: Network) -> None:
    key = net.manager.inbound.hello(hello("http://127.0.0.9:1"), "127.0.0.9")["key"]
    greedy = make_block(net.node.tip(), fees=10**9)  # its coinbase claims fees nobody paid
    with pytest.raises(RejectError) as rejected:
        net.manager.inbound.receive_block(key, "127.0.0.9", greedy.raw.hex())
    assert rejected.value.code == "bad-cb-amount"
    view = net.view("http://127.0.0.9:1")
    assert view["banned_until"] is not None and not view["connected"]
    assert net.peer_events() == ["connected", "banned"]
    with pytest.raises(PeerError) as refused:  # what it sends now is not even looked at
        net.manager.inbound.receive_txs(key, "127.0.0.9", [])
    assert (refused.value.status, refused.value.code) == (403, "banned")
    with pytest.raises(PeerError) as again:  # a new hello with a new URL: still banned
        net.manager.inbound.hello(hello("http://127.0.0.9:2"), "127.0.0.9")
    assert again.value.code == "banned"
    net.restart()
    with pytest.raises(PeerError) as after:  # and across a restart
        net.manager.inbound.hello(hello("http://127.0.0.9:3"), "127.0.0.9")
    assert after.value.code == "banned"


def test_a_key_is_good_only_from_the_address_it_was_issued_to(net: Network) -> None:
    key = net.manager.inbound.hello(hello("http://127.0.0.9:1"), "127.0.0.9")["key"]
    with pytest.raises(PeerError) as refused:
        net.manager.inbound.receive_txs(key, "127.0.0.10", [])
    assert refused.value.code == "unknown-peer"


def test_undecodable_transactions_are_scored_once_per_relay(net: Network) -> None:
    key = net.manager.inbound.hello(hello("http://127.0.0.9:1"), "127.0.0.9")["key"]
    answer = net.manager.inbound.receive_txs(key, "127.0.0.9", ["zz", "00"])
    assert answer == {"accepted": 0, "rejected": []}
    view = net.view("http://127.0.0.9:1")
    assert view["misbehavior"] == 2 * SCORE_GARBAGE and view["connected"]


def test_full_inbound_slots_evict_from_the_most_crowded_netgroup(tmp_path: Path) -> None:
    net = Network(tmp_path, discover=False, max_inbound=30)
    try:
        inbound = net.manager.inbound
        for n in range(10):  # ten honest peers, each in a netgroup of its own
            inbound.hello(hello(f"http://8.{n}.0.1:1"), f"8.{n}.0.1")
        for n in range(200):  # a flood from one netgroup (a public /16), many addresses in it
            ip = f"9.9.{n // 250}.{n % 250 + 1}"
            inbound.hello(hello(f"http://{ip}:{n + 1}"), ip)
        ips = [p.ip for p in inbound.peers.values()]
        assert len(ips) == 30
        assert all(f"8.{n}.0.1" in ips for n in range(10))  # no honest one was evicted
    finally:
        net.close()


def test_hellos_from_one_address_are_rate_limited(net: Network) -> None:
    codes = []
    for n in range(30):
        try:
            net.manager.inbound.hello(hello(f"http://127.0.0.9:{n + 1}"), "127.0.0.9")
            codes.append(200)
        except PeerError as exc:
            codes.append(exc.status)
    assert 429 in codes and codes.count(200) <= 12


def test_the_book_and_the_manual_peers_outlive_a_restart(net: Network) -> None:
    net.manager.connect(URL)
    net.manager.learn(["http://10.1.2.3:5000", "http://169.254.169.254:80"], "10.9.0.0/16")
    net.restart()
    book = net.manager.book
    assert parse_address("http://10.1.2.3:5000") in book
    assert parse_address("http://169.254.169.254:80") not in book  # forbidden: never stored
    assert URL in net.manager.manual
    saved = AddrMan.load(net.saved()["book"])
    assert saved.key == book.key and len(saved) == len(book)


def test_a_seed_is_asked_for_addresses_then_left(tmp_path: Path) -> None:
    seeded = MockPeer(Chainstate(REGTEST, SqliteStore(tmp_path / "seed.db")))
    seeded.addresses = ["http://10.1.0.1:5000", "http://10.2.0.1:5000", "http://169.254.1.1:80"]
    node = NodeCore(REGTEST, tmp_path / "ours", miners=1)
    settings = PeerSettings(public_url=OURS, seeds=(URL,), max_outbound=0)
    manager = PeerManager(node, settings, transport=seeded.transport)
    manager.start()
    try:
        seeded.wait_for(lambda: bool(seeded.sent("/api/v1/peers/addresses")))
        seeded.wait_for(lambda: len(manager.book) == 2)  # the link-local one is never stored
        assert {a.url for a in manager.book.info} == {
            "http://10.1.0.1:5000",
            "http://10.2.0.1:5000",
        }
        assert manager.views() == [] and not seeded.sent("/api/v1/peers/news")
    finally:
        manager.stop()
        node.close()


def test_an_answer_with_too_many_addresses_is_misbehaviour(tmp_path: Path) -> None:
    net = Network(tmp_path, discover=True, max_outbound=0)
    try:
        net.peer.addresses = [f"http://10.{n % 250}.{n // 250}.1:5000" for n in range(1_001)]
        net.manager.connect(URL)
        net.peer.wait_for(lambda: net.view()["misbehavior"] > 0)
        assert net.view()["misbehavior"] >= SCORE_GARBAGE
        assert [a.url for a in net.manager.book.info] == [URL]  # itself, as it answered; no more
    finally:
        net.close()
