"""The connections this node dialled: the handshake, then everything the dialler does, since
every request on a connection is the dialler's.

- **Handshake.** Our hello carries a random nonce; a node that receives a hello bearing one of its
  own nonces is talking to itself (Core: CConnman::CheckIncomingNonce), whatever the URL's spelling.
- **News.** A long poll (GET /api/v1/peers/news) brings the peer's tip and the transactions and
  addresses it has for us; a peer with more work is synced from, headers first (sync.py).
- **Pushes.** Our new tip, transactions and addresses go out as POSTs. A peer behind us on
  another branch is sent our headers after its locator, then the blocks it asks for.
- **Addresses.** Asked for after the handshake and now and then (Core: getaddr).
"""

import asyncio
import contextlib
import logging
import socket
import time
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..consensus.block import MAX_HEADERS
from ..consensus.errors import DecodeError, RejectError
from ..consensus.tx import Tx
from .client import MAX_BLOCKS_PER_REQUEST, ProtocolError
from .netaddr import Address, AddressError, netgroup, parse_address, parse_ip
from .peer import SCORE_GARBAGE, Peer, PeerError, scored
from .sync import sync_from

if TYPE_CHECKING:
    from .manager import PeerManager

log = logging.getLogger("pocketchain.p2p")

NEWS_WAIT = 20.0  # seconds a long poll may wait for news
ADDRESS_REFRESH = 60.0  # seconds between two asks for addresses on one connection
ADDRESS_REFRESH_SHORT = 10.0  # the same while the outbound slots are not all taken
MAX_ADDRESSES = 1_000  # in one answer or relay (Core: MAX_ADDR_TO_SEND)
TX_BATCH = 500
RELAYED_AT_ONCE = 10  # a relay this small spreads further (Core: RelayAddress)
RELAY_PENALTY = 2 * 3600  # relayed addresses count as heard two hours ago (Core: addr penalty)


class Connections:
    def __init__(self, manager: "PeerManager") -> None:
        self.m = manager
        self._tasks: dict[Peer, list[asyncio.Task[None]]] = {}

    def tasks(self) -> list[asyncio.Task[None]]:
        return [task for tasks in self._tasks.values() for task in tasks]

    def stop(self, peer: Peer) -> None:
        """Cancel what runs for `peer` (loop thread)."""
        for task in self._tasks.pop(peer, []):
            task.cancel()

    # -- opening ----------------------------------------------------------------------------------

    async def handshake(self, peer: Peer) -> None:
        """Say hello to `peer`; PeerError or ProtocolError when it fails."""
        m = self.m
        assert m.client is not None
        peer.ip = await _resolve(peer.url)
        peer.dial_url = _at_ip(peer.url, peer.ip)
        now = time.time()
        if m.bans.get(peer.ip, now) is not None:
            raise PeerError(403, "banned", f"{peer.ip} is banned")
        m.nonces.add(peer.nonce)
        try:
            answer = await m.client.hello(peer.base, m.ours() | {"nonce": peer.nonce})
        except PeerError as exc:
            if exc.code == "self-connection":
                self._is_self(peer.url)
            raise
        finally:
            m.nonces.discard(peer.nonce)
        m.check_chain(answer)
        peer.key = str(answer["key"])
        peer.connected_since = time.time()
        peer.seen(answer, peer.connected_since)

    def _is_self(self, url: str) -> None:
        log.info("%s is this node: not dialled again", url)
        with self.m.lock:
            self.m.selves.add(url)
            with contextlib.suppress(AddressError):
                self.m.book.forget(parse_address(url))

    async def open(self, peer: Peer) -> None:
        """Shake hands and start driving the connection (PeerError/ProtocolError if it fails)."""
        await self.handshake(peer)
        if peer.direction == "manual":  # it answers: into the book as tried (Core: Good)
            with contextlib.suppress(AddressError), self.m.lock:
                self.m.book.good(parse_address(peer.base), time.time())
        log.info("connected to %s (%s, height %s)", peer.url, peer.direction, peer.height)
        self.m.emit("connected", peer)
        self._tasks[peer] = [
            asyncio.create_task(self._drive(peer)),
            asyncio.create_task(self._send_forever(peer)),
        ]
        self.sync_soon(peer)
        peer.wake.set()

    async def dial(self, peer: Peer, address: Address) -> None:
        """An outbound peer or a feeler from the book: on success it moves to "tried" (Core:
        Good); a feeler is closed at once (Core: feeler connections)."""
        m = self.m
        try:
            if peer.direction == "feeler":
                await self.handshake(peer)
            else:
                await self.open(peer)
        except (PeerError, ProtocolError) as exc:
            log.debug("dial %s failed: %s", peer.url, exc)
            with m.lock:
                m.dialled.pop(peer.url, None)
            return
        with m.lock:
            m.book.good(address, time.time())
        if peer.direction == "feeler":
            with m.lock:
                m.dialled.pop(peer.url, None)

    async def retry(self, peer: Peer) -> None:
        """Dial a manual peer again; on failure wait twice as long before the next try."""
        try:
            await self.open(peer)
        except (PeerError, ProtocolError) as exc:
            log.debug("manual peer %s: %s", peer.url, exc)
            peer.unreachable(time.time())
        finally:
            peer.dialing = False

    async def ask_seed(self, url: str) -> None:
        """Ask a seed for addresses, then let it go (Core: seeds, then dropped)."""
        peer = Peer(url, "feeler")
        try:
            await self.handshake(peer)
            await self.ask_addresses(peer)
        except (PeerError, ProtocolError) as exc:
            log.warning("seed %s: %s", url, exc)

    def _lost(self, peer: Peer, why: object) -> None:
        was = peer.connected(time.time())
        log.info("lost peer %s: %s", peer.url, why)
        if was:  # it was there until now (Core: Connected, on a disconnect)
            with contextlib.suppress(AddressError), self.m.lock:
                self.m.book.connected(parse_address(peer.base), time.time())
        peer.unreachable(time.time())
        if peer.direction != "manual":
            self.m.drop(peer)
        else:
            self.m.soon(self.stop, peer)
        if was:
            self.m.emit("disconnected", peer)

    # -- what the peer has for us -----------------------------------------------------------------

    async def _drive(self, peer: Peer) -> None:
        """Ask for addresses, then long-poll the peer's news until the connection ends."""
        m = self.m
        assert m.client is not None
        try:
            asked = -ADDRESS_REFRESH
            while True:
                every = ADDRESS_REFRESH if m.outbound_full() else ADDRESS_REFRESH_SHORT
                if m.settings.discover and time.monotonic() - asked >= every:
                    asked = time.monotonic()
                    await self.ask_addresses(peer)
                news = await m.client.news(peer, min(NEWS_WAIT, every))
                await self._take_news(peer, news)
        except PeerError as exc:
            self._lost(peer, exc)
            if exc.code in ("bad-network", "bad-genesis"):  # never adopted: forgotten
                log.warning("dropping peer %s: %s", peer.url, exc)
                if m.forget(peer.url):
                    m.save_soon()
        except ProtocolError as exc:
            m.punish(peer, SCORE_GARBAGE, str(exc))
            self._lost(peer, exc)

    async def ask_addresses(self, peer: Peer) -> None:
        m = self.m
        assert m.client is not None
        urls = await m.client.addresses(peer)
        if len(urls) > MAX_ADDRESSES:
            raise ProtocolError(f"{peer.url} sent {len(urls)} addresses, more than {MAX_ADDRESSES}")
        m.learn(urls, group_of(peer))

    async def _take_news(self, peer: Peer, news: dict[str, Any]) -> None:
        m = self.m
        m.check_chain(news)  # it may have been started again on another chain
        peer.seen(news, time.time())
        if news["txs"]:
            await self.take_txs(peer, news["txs"])
        if news["addresses"]:
            m.inbound.take_addresses(peer, news["addresses"])
        self.sync_soon(peer)

    async def take_txs(self, peer: Peer, hexes: list[Any]) -> dict[str, Any]:
        """Transactions from a peer: each is validated; invalid ones are scored, all of one
        batch at once (one log line, however many it held)."""
        txs = relayed_txs(peer, hexes)
        errors = await self.m.node.acall(self.m.node.accept_txs, txs)
        return judge_txs(self.m, peer, hexes, txs, errors)

    # -- syncing, either way ----------------------------------------------------------------------

    def sync_soon(self, peer: Peer) -> None:
        """Sync with `peer` if one of us has more work: now, or after the current sync."""
        work = self.m.node.tip().chainwork
        if peer.chainwork == work or not peer.dialled:
            return
        if peer.syncing:
            peer.sync_again = True
            return
        peer.syncing = True
        self.m.spawn(self._sync(peer))

    async def _sync(self, peer: Peer) -> None:
        m = self.m
        assert m.client is not None
        try:
            while True:
                peer.sync_again = False
                try:
                    if peer.chainwork > m.node.tip().chainwork:
                        await sync_from(m.node, m.client, peer, m.punish)
                    else:
                        await self._sync_to(peer)
                except PeerError as exc:
                    log.info("sync with %s stopped: %s", peer.url, exc)
                    return
                except ProtocolError as exc:
                    m.punish(peer, SCORE_GARBAGE, str(exc))
                    return
                if not peer.sync_again:
                    return
        finally:
            peer.syncing = False

    async def _sync_to(self, peer: Peer) -> None:
        """Bring a peer with less work onto our chain: our headers after its locator, then the
        blocks it asks for (the dialler's half of the other side's headers-first sync)."""
        m = self.m
        assert m.client is not None
        tip = m.node.tip()
        if tip.height == 0 or peer.chainwork >= tip.chainwork:
            return
        locator = await m.client.locator(peer)
        while True:
            headers = await m.node.acall(m.node.active_headers, locator, MAX_HEADERS)
            if not headers:
                return
            wanted = await m.client.send_headers(peer, [h.raw for h in headers])
            for start in range(0, len(wanted), MAX_BLOCKS_PER_REQUEST):
                batch = wanted[start : start + MAX_BLOCKS_PER_REQUEST]
                raws = await m.node.acall(m.node.stored_blocks, batch)
                await m.client.send_blocks(peer, [raws[h] for h in batch if h in raws])
                for block_hash in batch:
                    peer.known_blocks.add(block_hash)
            if len(headers) < MAX_HEADERS:
                return
            locator = [headers[-1].hash]

    # -- what we have for the peer ----------------------------------------------------------------

    async def _send_forever(self, peer: Peer) -> None:
        """Push our tip, new transactions and addresses to one peer, whenever there is news."""
        m = self.m
        assert m.client is not None
        while True:
            await peer.wake.wait()
            peer.wake.clear()
            if not peer.connected(time.time()):
                peer.outbox.clear()
                continue
            try:
                await self._announce_tip(peer)
                while peer.outbox:
                    batch = [peer.outbox.popleft() for _ in range(min(TX_BATCH, len(peer.outbox)))]
                    await m.client.send_txs(peer, batch)
                if peer.addr_outbox:
                    urls = [peer.addr_outbox.popleft() for _ in range(len(peer.addr_outbox))]
                    await m.client.send_addresses(peer, urls)
            except PeerError as exc:
                if exc.code != "peer-unreachable":  # it refused what we sent: its call
                    log.info("%s refused an announcement: %s", peer.url, exc)
                    continue
                self._lost(peer, exc)
            except ProtocolError as exc:
                m.punish(peer, SCORE_GARBAGE, str(exc))

    async def _announce_tip(self, peer: Peer) -> None:
        m = self.m
        assert m.client is not None
        tip = m.node.tip()
        if tip.hash in peer.known_blocks or tip.height == 0 or peer.chainwork >= tip.chainwork:
            return
        raw = await m.node.acall(m.node.stored_block, tip.hash)
        if raw is None:
            return
        peer.known_blocks.add(tip.hash)
        answer = await m.client.send_block(peer, raw)
        if answer.get("status") in ("accepted", "duplicate"):
            peer.chainwork = max(peer.chainwork, tip.chainwork)
        else:  # it cannot place it: it is on another branch, or further behind
            self.sync_soon(peer)


def judge_txs(
    m: "PeerManager", peer: Peer, hexes: list[Any], txs: list[Tx], errors: list[RejectError | None]
) -> dict[str, Any]:
    """Score a batch of relayed transactions by what became of them; the relay's answer."""
    outcomes = [_scorable(e) for e in errors]
    codes = Counter(code for code in outcomes if code is not None)
    if len(txs) < len(hexes):
        codes["decode-failed"] = len(hexes) - len(txs)
    if outcomes.count(None):
        peer.last_tx = time.time()
    score = sum(n * scored(code, block=False) for code, n in codes.items())
    if codes:
        summary = ", ".join(f"{code} x{n}" for code, n in sorted(codes.items()))
        m.punish(peer, score, f"relayed {sum(codes.values())} bad transactions ({summary})")
    rejected = [
        {"txid": tx.txid[::-1].hex(), "code": code}
        for tx, code in zip(txs, outcomes, strict=True)
        if code is not None
    ]
    return {"accepted": outcomes.count(None), "rejected": rejected}


def relayed_txs(peer: Peer, hexes: list[Any]) -> list[Tx]:
    """The decodable ones of a relay's transactions, now known to the peer that sent them."""
    txs = []
    for text in hexes:
        with contextlib.suppress(ValueError, TypeError, DecodeError):  # counted: decode-failed
            txs.append(Tx.parse(bytes.fromhex(text)))
    for tx in txs:
        peer.known_txs.add(tx.txid)
    return txs


def _scorable(error: RejectError | None) -> str | None:
    """The code a relayed transaction is scored by; None when accepted or already known."""
    if error is None or error.code in ("txn-already-in-mempool", "txn-already-known"):
        return None
    return error.code


def group_of(peer: Peer) -> str:
    """The netgroup of the address a peer's requests come from (or that we dialled)."""
    try:
        return netgroup(parse_ip(peer.ip))
    except AddressError:
        return peer.url


async def _resolve(url: str) -> str:
    """The IP a URL's host names (the first the resolver gives; for 0.0.0.0 or ::, "this host",
    the loopback address, as the system itself would connect)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ip = parse_ip(host)
    except AddressError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, parts.port, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise PeerError(400, "peer-unreachable", f"{host}: {exc}") from None
        ip = parse_ip(str(infos[0][4][0]))
    if ip.is_unspecified:
        ip = parse_ip("::1" if ip.version == 6 else "127.0.0.1")
    return str(ip)


def _at_ip(url: str, ip: str) -> str:
    """A plain-HTTP URL sent to the IP its host resolved to, with that IP as its Host: the
    address we checked (bans, netgroups) is the one we reach. HTTPS keeps its name (TLS checks
    it)."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return url
    return Address("http", parse_ip(ip), parts.port or 80).url
