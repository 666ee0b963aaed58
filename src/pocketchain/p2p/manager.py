"""The peer manager: an asyncio loop on its own thread that keeps the node in a network of peers it
chose (Core: CConnman and net_processing's PeerManager).

- **Dialling.** Manual peers (the operator's) are dialled and redialled with backoff, and kept
  apart. Outbound peers are drawn from the address book up to `--max-outbound`, one per
  netgroup; when those slots are full a feeler now and then tests a new address. One dial at a
  time, DIAL_INTERVAL apart: nothing a peer says makes the node dial faster or elsewhere.
- **A dialled connection** is driven from here (connection.py): a long poll for the peer's news,
  pushes of ours, syncs both ways, and now and then a request for addresses.
- **Inbound peers** are those that said hello (inbound.py): they are answered, never called.
- **Misbehaviour** is scored per connection; a ban applies to the connection's IP (bans.py).
- The address book, the bans and the manual peers are saved in the store and outlive restarts.

Server threads call in (the peer routes); the loop owns dialling. Shared state is guarded by one
lock.
"""

import asyncio
import contextlib
import json
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx

from .._results import BlockEvent, Event, PeerChange, PeerEvent, TxEvent
from ..consensus.hashes import from_display, to_display
from .addrman import AddrMan
from .bans import BanList
from .client import PeerClient, ProtocolError
from .connection import Connections, group_of
from .inbound import Inbound
from .link import Condition, Links
from .netaddr import Address, AddressError, Forbidden, operator_url, parse_address, specific_ip
from .peer import Direction, Peer, PeerError
from .protocol import PeerNode

log = logging.getLogger("pocketchain.p2p")

CONNECT_TIMEOUT = 15.0
DIAL_INTERVAL = 0.5  # Core: ThreadOpenConnections waits 500 ms between dials
FEELER_INTERVAL = 120.0  # Core: FEELER_INTERVAL
SAVE_INTERVAL = 60.0
JANITOR_SECONDS = 2.0
# an address tried this recently is not dialled again (Core: 10 minutes, unless 30 picks found
# nothing else; here never, so that an address named to us is dialled at most once a minute)
RECENT_TRY = 60.0
SELECT_TRIES = 100  # picks from the book per dial (Core: 100)


@dataclass(frozen=True)
class PeerSettings:
    """How a node takes part in the network (the `pocketchain node` flags of CONTRACT §3)."""

    public_url: str | None = None  # where peers reach us; None: not on the network
    peers: tuple[str, ...] = ()  # manual peers
    seeds: tuple[str, ...] = ()  # asked for addresses once, then dropped
    max_outbound: int = 8
    max_inbound: int = 64
    discover: bool = True  # False: keep to the manual peers
    forbid: tuple[str, ...] = ()  # IP ranges never dialled, stored or relayed
    local_address: str | None = None  # the IP our requests leave from
    links: tuple[tuple[str, Condition], ...] = ()  # (peer host:port, its link's condition)


class PeerManager:
    def __init__(
        self,
        node: PeerNode,
        settings: PeerSettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Peers of `node`, reached over sockets or over `transport` (tests: MockTransport)."""
        self.node = node
        self.settings = settings
        self.transport = transport
        self.public_url = operator_url(settings.public_url) if settings.public_url else None
        self.forbidden = Forbidden(settings.forbid)
        self.book = AddrMan()
        self.bans = BanList()
        self.rng = random.SystemRandom()
        self.manual: dict[str, Peer] = {}  # by URL, connected or not
        self.dialled: dict[str, Peer] = {}  # outbound and feelers, by URL
        self.selves: set[str] = set()  # URLs that turned out to be this node
        self.nonces: set[str] = set()  # of our hellos in flight: a hello with one is ours
        self.lock = threading.RLock()
        self.inbound = Inbound(self)
        self.connections = Connections(self)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._background: set[asyncio.Future[Any]] = set()
        self._new_txs: deque[bytes] = deque()
        self._flush_scheduled = False
        self._next_feeler = time.time() + FEELER_INTERVAL  # the first a while after the start
        self.client: PeerClient | None = None

    # -- starting and stopping --------------------------------------------------------------------

    def start(self) -> None:
        """Run the loop on its own thread, with the saved book and the given peers."""
        if self.public_url is None or self._thread is not None:
            return  # no URL to tell peers (not on the network), or already started
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="p2p", daemon=True)
        self._thread.start()
        ready.wait(10)
        self.node.listeners.append(self._on_event)

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._stop_soon)
        self._thread.join(10)

    def _stop_soon(self) -> None:
        assert self._stopping is not None
        self._stopping.set()

    def _run(self, ready: threading.Event) -> None:
        asyncio.run(self._main(ready))

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self.client = PeerClient(
            self.transport,
            specific_ip(self.settings.local_address),
            Links(dict(self.settings.links)),
        )
        self._load(await self.node.acall(self.node.saved_peers))
        for url in self.settings.peers:
            try:
                self._manual_peer(operator_url(url))
            except AddressError as exc:
                log.warning("peer %s skipped: %s", url, exc)
        await self.node.acall(self._save)
        ready.set()
        if self.settings.discover:
            for url in self.settings.seeds + self.node.params.seeds:
                self.spawn(self.connections.ask_seed(url))
        loops = [asyncio.create_task(self._dial_forever()), asyncio.create_task(self._janitor())]
        await self._stopping.wait()
        tasks = [*loops, *self.connections.tasks(), *self._background]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.node.acall(self._save)
        await self.client.close()

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        """Run a coroutine on the loop from another thread and wait for it."""
        if self._loop is None:
            coro.close()
            raise PeerError(400, "no-network", "this node has no public URL for peers")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def spawn(self, coro: Awaitable[Any]) -> None:
        """Await `coro` in the background on the loop, keeping a reference until it ends."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def soon(self, fn: Any, *args: Any) -> None:
        """Run `fn(*args)` on the loop (from any thread)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(fn, *args)

    # -- kept across restarts ---------------------------------------------------------------------

    def _load(self, raw: bytes | None) -> None:
        saved = json.loads(raw) if raw else {}
        if isinstance(saved, list):  # the first format: every peer heard of, as a list
            self.learn([row["url"] for row in saved], None)
            return
        if "book" in saved:
            self.book = AddrMan.load(saved["book"])
        self.bans = BanList.load(saved.get("bans", []))
        for url in saved.get("manual", []):
            self._manual_peer(url)

    def _save(self) -> None:
        """Write the book, the bans and the manual peers. As the writer."""
        with self.lock:
            data = {
                "manual": list(self.manual),
                "bans": self.bans.dump(time.time()),
                "book": self.book.dump(),
            }
        self.node.save_peers(json.dumps(data).encode())

    def save_soon(self) -> None:
        """Save from the loop (any thread)."""
        self.soon(self._save_on_loop)

    def _save_on_loop(self) -> None:
        self.spawn(self.node.acall(self._save))

    # -- the address book -------------------------------------------------------------------------

    def learn(self, urls: list[str], source: str | None, penalty: float = 0) -> list[Address]:
        """Put the well-formed, allowed ones of `urls` in the book (told by a peer of netgroup
        `source`; None: each is its own source); those new to it."""
        now, fresh = time.time(), []
        for url in urls:
            try:
                address = parse_address(url)
            except AddressError:
                continue
            if not self.allowed(address, now):
                continue
            with self.lock:
                if self.book.add([address], source or address.netgroup, now, penalty):
                    fresh.append(address)
        return fresh

    def allowed(self, address: Address, now: float) -> bool:
        """Not forbidden, not banned, not this node: may be stored, relayed and dialled."""
        return (
            address not in self.forbidden
            and self.bans.get(str(address.ip), now) is None
            and address.url not in self.selves
            and address.url != self.public_url
        )

    def relay(self, addresses: list[Address], source: Peer | None) -> None:
        """Tell two connected peers (not the one that told us) of fresh addresses (Core:
        RelayAddress)."""
        now = time.time()
        with self.lock:
            peers = [p for p in self.all_peers() if p is not source and p.connected(now)]
        for peer in self.rng.sample(peers, min(2, len(peers))):
            peer.addr_outbox.extend(a.url for a in addresses)
            self.wake(peer)

    # -- the peer table ---------------------------------------------------------------------------

    def all_peers(self) -> list[Peer]:
        with self.lock:
            return [*self.manual.values(), *self.dialled.values(), *self.inbound.peers.values()]

    def _manual_peer(self, url: str) -> Peer:
        with self.lock:
            peer = self.manual.get(url)
            if peer is None:
                peer = self.manual[url] = Peer(url, "manual")
            return peer

    def banned_until(self, peer: Peer, now: float) -> float | None:
        ban = self.bans.get(peer.ip, now) if peer.ip else None
        return ban.until if ban is not None else None

    def view(self, peer: Peer) -> dict[str, Any]:
        now = time.time()
        return peer.view(now, self.banned_until(peer, now))

    def views(self) -> list[dict[str, Any]]:
        return [self.view(p) for p in self.all_peers() if p.direction != "feeler"]

    def connected_count(self) -> int:
        now = time.time()
        return sum(p.connected(now) for p in self.all_peers() if p.direction != "feeler")

    def synced(self) -> bool:
        """True when no peer we dialled is known to have more work than our tip (what a peer
        that dialled us claims is its word only: it sends us its blocks itself)."""
        now, work = time.time(), self.node.tip().chainwork
        return not any(
            p.dialled and p.connected(now) and p.chainwork > work for p in self.all_peers()
        )

    def info(self) -> dict[str, Any]:
        """GET /api/v1/network: the connections by direction, the book, the bans."""
        now = time.time()
        peers = [p for p in self.all_peers() if p.connected(now)]
        with self.lock:
            counts = self.book.counts()
            bans = [vars(ban) for ban in self.bans.active(now)]
        return {
            "outbound": sum(p.direction == "outbound" for p in peers),
            "manual": sum(p.direction == "manual" for p in peers),
            "inbound": sum(p.direction == "inbound" for p in peers),
            "max_outbound": self.settings.max_outbound,
            "max_inbound": self.settings.max_inbound,
            "discover": self.settings.discover,
            "addresses_new": counts["new"],
            "addresses_tried": counts["tried"],
            "bans": bans,
        }

    def emit(self, event: PeerChange, peer: Peer) -> None:
        self.node.publish(PeerEvent(event=event, **self.view(peer)))

    def wake(self, peer: Peer) -> None:
        """There is news for `peer`: its sender pushes it, or its long poll is answered."""
        if peer.dialled:
            self.soon(peer.wake.set)
        else:
            self.inbound.notify(peer)

    # -- what we say of ourselves -----------------------------------------------------------------

    def ours(self) -> dict[str, Any]:
        tip = self.node.tip()
        return {
            "url": self.public_url,
            "network": self.node.params.name,
            "genesis": self.node.params.genesis.header.hash_hex,
            "height": tip.height,
            "tip": to_display(tip.hash),
            "chainwork": f"{tip.chainwork:064x}",
        }

    def check_chain(self, theirs: dict[str, Any]) -> None:
        """Refuse a peer of another network or genesis (it is never adopted)."""
        ours = self.ours()
        if theirs.get("network") != ours["network"]:
            raise PeerError(
                400,
                "bad-network",
                f"the peer serves {theirs.get('network')!r}, not {ours['network']!r}",
            )
        if theirs.get("genesis") != ours["genesis"]:
            raise PeerError(400, "bad-genesis", "the peer's chain has another genesis block")

    # -- the operator's peers ---------------------------------------------------------------------

    def connect(self, url: str) -> dict[str, Any]:
        """POST /api/v1/peers: shake hands with `url` now and keep it as a manual peer; its
        view, or PeerError."""
        return dict(self.call(self._connect(operator_url(url)), CONNECT_TIMEOUT))

    async def _connect(self, url: str) -> dict[str, Any]:
        known = url in self.manual
        peer = self._manual_peer(url)
        await self.node.acall(self._save)  # before the handshake starts a sync on the writer
        if not peer.connected(time.time()):
            try:
                await self.connections.open(peer)
            except (PeerError, ProtocolError) as exc:
                if not known:
                    with self.lock:
                        self.manual.pop(url, None)
                    self.spawn(self.node.acall(self._save))
                if isinstance(exc, ProtocolError):
                    raise PeerError(
                        400, "peer-unreachable", f"{url} is no pocketchain node"
                    ) from None
                raise
        return self.view(peer)

    def remove(self, url: str) -> bool:
        """DELETE /api/v1/peers: forget a peer, whichever way it is connected; False if unknown."""
        found = self.forget(url)
        if found:
            self.node.call(self._save)
        return found

    def forget(self, url: str) -> bool:
        """End every connection with the peer at `url` and drop it from the manual peers;
        False if there was none. Any thread."""
        try:
            url = operator_url(url)
        except AddressError:
            return False
        with self.lock:
            found = [p for p in self.all_peers() if p.url == url]
            self.manual.pop(url, None)
            with contextlib.suppress(AddressError):
                self.book.forget(parse_address(url))
        for peer in found:
            self.drop(peer)
            self.emit("removed", peer)
        return bool(found)

    def drop(self, peer: Peer) -> None:
        """End a connection (a manual peer is redialled later unless removed). Any thread."""
        with self.lock:
            if peer.direction in ("outbound", "feeler"):
                self.dialled.pop(peer.url, None)
            elif peer.direction == "inbound" and peer.key is not None:
                self.inbound.peers.pop(peer.key, None)
        self.soon(self.connections.stop, peer)

    # -- misbehaviour -----------------------------------------------------------------------------

    def punish(self, peer: Peer, score: int, reason: str) -> None:
        """Score a connection for misbehaving; past the threshold, ban its IP and drop it (Core:
        Misbehaving, then MaybeDiscourageAndDisconnect)."""
        if score <= 0:
            return
        now = time.time()
        with self.lock:
            if self.banned_until(peer, now) is not None:
                return
            banned = peer.misbehave(score)
            until = self.bans.ban(peer.ip, reason, now).until if banned else None
        log.warning("peer %s misbehaved (+%d = %d): %s", peer.url, score, peer.misbehavior, reason)
        if banned:
            log.warning("peer %s (%s) banned until %d", peer.url, peer.ip, until)
            peer.failures += 1
            self.emit("banned", peer)
            with self.lock:
                same_ip = [p for p in self.all_peers() if p.ip == peer.ip and p is not peer]
            for other in same_ip:
                self.drop(other)
            if peer.dialled:
                self.drop(peer)
            self.save_soon()

    # -- dialling ---------------------------------------------------------------------------------

    async def _dial_forever(self) -> None:
        """One dial at a time: a manual peer that is due, else an outbound slot to fill from the
        book (Core: ThreadOpenConnections), else now and then a feeler."""
        assert self._stopping is not None
        while not self._stopping.is_set():
            self._dial_next()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), DIAL_INTERVAL)

    def _dial_next(self) -> None:
        now = time.time()
        with self.lock:
            due = [
                p
                for p in self.manual.values()
                if not p.connected(now) and not p.dialing and now >= p.next_try
            ]
        for peer in due:
            if self.bans.get(peer.ip, now) is None:
                peer.dialing = True
                self.spawn(self.connections.retry(peer))
                return
        if not self.settings.discover:
            return
        if not self.outbound_full():
            address = self._pick(now, new_only=False)
            kind: Direction = "outbound"
        elif now >= self._next_feeler:
            self._next_feeler = now + self.rng.expovariate(1 / FEELER_INTERVAL)
            address = self._pick(now, new_only=True)
            kind = "feeler"
        else:
            return
        if address is not None:
            with self.lock:
                self.book.attempt(address, now)
                peer = self.dialled[address.url] = Peer(address.url, kind, ip=str(address.ip))
            self.spawn(self.connections.dial(peer, address))

    def outbound_full(self) -> bool:
        with self.lock:
            outbound = [p for p in self.dialled.values() if p.direction == "outbound"]
        return len(outbound) >= self.settings.max_outbound

    def _pick(self, now: float, new_only: bool) -> Address | None:
        """An address from the book to dial: allowed, in a netgroup none of our dialled peers is
        in, not tried in the last minutes (Core: ThreadOpenConnections's checks)."""
        with self.lock:
            taken = {url for p in self.all_peers() if p.dialled for url in (p.url, p.base)}
            groups = {group_of(p) for p in self.all_peers() if p.dialled}
            for _ in range(SELECT_TRIES):
                address = self.book.select(now, new_only)
                if address is None:
                    return None
                info = self.book.info[address]
                if address.url in taken or address.netgroup in groups:
                    continue
                if not self.allowed(address, now):
                    continue
                if now - info.last_try < RECENT_TRY:
                    continue
                return address
        return None

    async def _janitor(self) -> None:
        """Drop inbound peers gone quiet; save the book now and then."""
        assert self._stopping is not None
        saved = time.monotonic()
        while not self._stopping.is_set():
            self.inbound.drop_quiet()
            if time.monotonic() - saved > SAVE_INTERVAL:
                saved = time.monotonic()
                await self.node.acall(self._save)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), JANITOR_SECONDS)

    # -- announcing -------------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        """A node event (any thread): new tips and transactions go out to peers."""
        if self._loop is None:
            return
        if isinstance(event, BlockEvent):
            for peer in self.all_peers():
                self.wake(peer)
        elif isinstance(event, TxEvent):
            self._new_txs.append(from_display(event.txid))
            if not self._flush_scheduled:
                self._flush_scheduled = True
                self.soon(self._flush_soon)

    def _flush_soon(self) -> None:
        self.spawn(self._flush_txs())

    async def _flush_txs(self) -> None:
        """Hand new mempool transactions to each connected peer's outbox."""
        self._flush_scheduled = False
        txids = [self._new_txs.popleft() for _ in range(len(self._new_txs))]
        raws = await self.node.acall(self.node.raw_txs, txids)
        now = time.time()
        for peer in self.all_peers():
            if peer.connected(now) and peer.direction != "feeler":
                peer.outbox.extend(raw for txid, raw in raws if txid not in peer.known_txs)
                self.wake(peer)
