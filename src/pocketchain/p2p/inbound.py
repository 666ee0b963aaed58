"""The peers that dialled us: their hello, and the requests they send on the connection it opens.

A hello is answered, never followed: the URL it names goes into the address book, bucketed by the
netgroup of the address the hello *came from*, and the node will dial it only if it later picks
it as its own choice. The sender's address is what counts: bans, eviction and rate limits key on
it, and a key issued to one address is good from that address only.

When the inbound slots are full, a newcomer takes the place of the peer eviction.py picks, or is
refused when every one is protected; inbound peers never take an outbound slot.
"""

import asyncio
import contextlib
import secrets
import time
from typing import TYPE_CHECKING, Any

from ..consensus.block import Block, BlockHeader
from ..consensus.errors import DecodeError, RejectError
from ..consensus.hashes import to_display
from .bans import RateLimit
from .connection import (
    MAX_ADDRESSES,
    RELAY_PENALTY,
    RELAYED_AT_ONCE,
    TX_BATCH,
    group_of,
    judge_txs,
    relayed_txs,
)
from .eviction import Candidate, select_to_evict
from .netaddr import operator_url
from .peer import SCORE_GARBAGE, Peer, PeerError, scored

if TYPE_CHECKING:
    from .manager import PeerManager

HELLO_RATE = 1.0  # hellos a second from one address, after a burst of HELLO_BURST
HELLO_BURST = 10
ADDR_RATE = 0.1  # relayed addresses a second per peer (Core: MAX_ADDR_RATE_PER_SECOND)
ADDR_BURST = 1_000  # Core: MAX_ADDR_PROCESSING_TOKEN_BUCKET
ADDR_CACHE_SECONDS = 30.0  # one answer to every ask for addresses meanwhile (Core: a cache)


class Inbound:
    def __init__(self, manager: "PeerManager") -> None:
        self.m = manager
        self.peers: dict[str, Peer] = {}  # by the key we issued
        self.key = secrets.token_bytes(32)  # eviction's netgroup hash
        self._hellos = RateLimit(HELLO_RATE, HELLO_BURST)
        self._addr_tokens = RateLimit(ADDR_RATE, ADDR_BURST)
        self._waiters: dict[Peer, tuple[asyncio.AbstractEventLoop, asyncio.Event]] = {}
        self._addr_cache: tuple[float, list[str]] = (0.0, [])

    # -- the handshake ----------------------------------------------------------------------------

    def hello(self, theirs: dict[str, Any], ip: str) -> dict[str, Any]:
        """POST /api/v1/peers/hello from `ip`: our side of the handshake."""
        m, now = self.m, time.time()
        if m.public_url is None:
            raise PeerError(400, "no-network", "this node has no public URL for peers")
        if m.bans.get(ip, now) is not None:
            raise PeerError(403, "banned", f"{ip} is banned for misbehaving")
        if self._hellos.take(ip, now) < 1:
            raise PeerError(429, "rate-limited", f"too many hellos from {ip}: wait a moment")
        m.check_chain(theirs)
        if str(theirs.get("nonce")) in m.nonces:  # Core: CConnman::CheckIncomingNonce
            raise PeerError(400, "self-connection", "that hello came from this node itself")
        # a URL with a host name is taken for the connection, but only an IP enters the book
        claimed = operator_url(str(theirs["url"]))
        with m.lock:
            for old in [p for p in self.peers.values() if (p.ip, p.url) == (ip, claimed)]:
                del self.peers[old.key or ""]  # it dialled again (a restart): the new one counts
            if len(self.peers) >= m.settings.max_inbound:
                self._make_room(ip)
            peer = Peer(claimed, "inbound", ip=ip, key=secrets.token_hex(16))
            peer.connected_since = now
            peer.seen(theirs, now)
            peer.told_tip = None
            self.peers[peer.key or ""] = peer
        m.emit("connected", peer)
        if m.settings.discover:
            fresh = m.learn([claimed], group_of(peer))
            m.relay(fresh, peer)
        return m.ours() | {"key": peer.key}

    def _make_room(self, ip: str) -> None:
        """Evict one inbound peer for a newcomer from `ip`, or refuse it (Core:
        AttemptToEvictConnection). Holding the lock."""
        by_id = {id(p): p for p in self.peers.values()}
        candidates = [
            Candidate(
                id(p),
                p.connected_since or 0.0,
                p.min_ping,
                p.last_block,
                p.last_tx,
                group_of(p),
            )
            for p in self.peers.values()
        ]
        chosen = select_to_evict(candidates, self.key)
        if chosen is None:
            raise PeerError(
                429, "too-many-peers", "every inbound slot is taken by a protected peer"
            )
        victim = by_id[chosen.id]
        del self.peers[victim.key or ""]
        self.m.emit("disconnected", victim)

    def drop_quiet(self) -> None:
        """Forget inbound peers that sent nothing for a while (they went away)."""
        now = time.time()
        with self.m.lock:
            quiet = [p for p in self.peers.values() if p.quiet(now)]
            for peer in quiet:
                del self.peers[peer.key or ""]
        for peer in quiet:
            if self.m.banned_until(peer, now) is None:
                self.m.emit("disconnected", peer)

    # -- a request on the connection --------------------------------------------------------------

    def peer(self, key: str | None, ip: str) -> Peer:
        """The inbound peer that presents `key` from `ip`; PeerError if none or banned."""
        now = time.time()
        with self.m.lock:
            peer = self.peers.get(key or "")
        if peer is None or peer.ip != ip:
            raise PeerError(401, "unknown-peer", "say hello first (POST /api/v1/peers/hello)")
        if self.m.bans.get(ip, now) is not None:
            raise PeerError(403, "banned", "this peer is banned for misbehaving")
        peer.last_seen = now
        return peer

    async def news(self, key: str | None, ip: str, wait: float) -> dict[str, Any]:
        """GET /api/v1/peers/news: our tip, and the transactions and addresses waiting for this
        peer, as soon as there are any or after `wait` seconds."""
        peer = self.peer(key, ip)
        if peer.answered_at is not None:  # how soon it came back: its answer time
            peer.min_ping = min(peer.min_ping, time.monotonic() - peer.answered_at)
        if not self._has_news(peer):
            event = asyncio.Event()
            self._waiters[peer] = (asyncio.get_running_loop(), event)
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), wait)
            finally:
                self._waiters.pop(peer, None)
        tip = self.m.node.tip()
        peer.told_tip = to_display(tip.hash)
        peer.last_seen = time.time()
        txs = [peer.outbox.popleft().hex() for _ in range(min(TX_BATCH, len(peer.outbox)))]
        urls = [peer.addr_outbox.popleft() for _ in range(len(peer.addr_outbox))]
        peer.answered_at = time.monotonic()
        return {
            "network": self.m.node.params.name,
            "genesis": self.m.node.params.genesis.header.hash_hex,
            "height": tip.height,
            "tip": peer.told_tip,
            "chainwork": f"{tip.chainwork:064x}",
            "txs": txs,
            "addresses": urls,
        }

    def _has_news(self, peer: Peer) -> bool:
        return bool(
            peer.outbox or peer.addr_outbox or peer.told_tip != to_display(self.m.node.tip().hash)
        )

    def notify(self, peer: Peer) -> None:
        """Answer `peer`'s long poll now (any thread)."""
        waiter = self._waiters.get(peer)
        if waiter is not None:
            loop, event = waiter
            with contextlib.suppress(RuntimeError):  # its loop has closed
                loop.call_soon_threadsafe(event.set)

    def answer_all(self) -> None:
        """Answer every long poll now (the server is stopping)."""
        for peer in list(self._waiters):
            self.notify(peer)

    def addresses(self, key: str | None, ip: str) -> list[str]:
        """GET /api/v1/peers/addresses (Core: getaddr): a random part of the book, the same
        for every asker for a while, so that asking again does not reveal more of it."""
        self.peer(key, ip)
        m, now = self.m, time.time()
        made, urls = self._addr_cache
        if now - made > ADDR_CACHE_SECONDS:
            with m.lock:
                sample = m.book.sample(now)
            urls = [a.url for a in sample if m.allowed(a, now)]
            self._addr_cache = (now, urls)
        return urls

    def locator(self, key: str | None, ip: str) -> list[str]:
        """GET /api/v1/peers/locator: where our chain stands, for a peer that pushes us blocks."""
        self.peer(key, ip)
        return [to_display(h) for h in self.m.node.call(self.m.node.locator)]

    # -- what an inbound peer pushes ------------------------------------------------------------

    def take_addresses(self, peer: Peer, urls: list[Any]) -> None:
        """Addresses a peer relayed: at most MAX_ADDRESSES (more is misbehaviour), as many as
        its token bucket allows (Core: ProcessAddrs); a small relay of fresh ones goes on."""
        m = self.m
        if len(urls) > MAX_ADDRESSES:
            m.punish(peer, SCORE_GARBAGE, f"relayed {len(urls)} addresses at once")
            return
        allowed = int(self._addr_tokens.take(peer.key or peer.url, time.time(), len(urls)))
        strings = [str(u) for u in urls[:allowed]]
        fresh = m.learn(strings, group_of(peer), RELAY_PENALTY)
        if fresh and len(urls) <= RELAYED_AT_ONCE:
            m.relay(fresh, peer)

    def receive_addresses(self, key: str | None, ip: str, urls: list[str]) -> None:
        self.take_addresses(self.peer(key, ip), urls)

    def receive_block(self, key: str | None, ip: str, raw_hex: str) -> dict[str, str]:
        """A block a peer announced: validated, scored; the answer says whether we could place
        it (an orphan makes the peer send us its headers)."""
        peer = self.peer(key, ip)
        block = self._parse_block(peer, raw_hex)
        try:
            result = self.m.node.call(self.m.node.accept_block, block, block.hash in peer.wanted)
        except RejectError as exc:
            self.m.punish(peer, scored(exc.code, block=True), f"invalid block: {exc.code}")
            raise
        peer.wanted.discard(block.hash)
        if result.status == "accepted":
            peer.last_block = time.time()
        return {"hash": block.header.hash_hex, "status": result.status}

    def receive_blocks(self, key: str | None, ip: str, hexes: list[str]) -> dict[str, Any]:
        """Blocks a peer pushed after its headers: those we asked for are taken as requested."""
        peer = self.peer(key, ip)
        blocks = [self._parse_block(peer, text) for text in hexes]
        asked = [b for b in blocks if b.hash in peer.wanted]
        error = self.m.node.call(self.m.node.accept_blocks, asked)
        for block in asked:
            peer.wanted.discard(block.hash)
        if error is not None:
            self.m.punish(peer, scored(error.code, block=True), f"invalid block: {error.code}")
            raise error
        if asked:
            peer.last_block = time.time()
        return {"accepted": len(asked), "unasked": len(blocks) - len(asked)}

    def receive_headers(self, key: str | None, ip: str, hexes: list[str]) -> list[str]:
        """Headers a peer pushed: checked and added; the blocks we want of them."""
        peer = self.peer(key, ip)
        try:
            headers = [BlockHeader.parse(bytes.fromhex(text)) for text in hexes]
        except (ValueError, DecodeError):
            self.m.punish(peer, SCORE_GARBAGE, "undecodable headers")
            raise DecodeError("headers are not serialized headers") from None
        if not headers:
            return []
        try:
            _, missing = self.m.node.call(self.m.node.add_headers, headers)
        except RejectError as exc:
            self.m.punish(peer, scored(exc.code, block=True), f"invalid header: {exc.code}")
            raise
        peer.wanted.update(missing)
        return [to_display(h) for h in missing]

    def receive_txs(self, key: str | None, ip: str, hexes: list[str]) -> dict[str, Any]:
        peer = self.peer(key, ip)
        txs = relayed_txs(peer, hexes)
        errors = self.m.node.call(self.m.node.accept_txs, txs)
        return judge_txs(self.m, peer, hexes, txs, errors)

    def _parse_block(self, peer: Peer, raw_hex: str) -> Block:
        try:
            block = Block.parse(bytes.fromhex(raw_hex))
        except (ValueError, DecodeError):
            self.m.punish(peer, SCORE_GARBAGE, "undecodable block")
            raise DecodeError("block is not a serialized block") from None
        peer.known_blocks.add(block.hash)
        return block
