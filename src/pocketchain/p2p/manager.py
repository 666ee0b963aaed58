"""The peer manager: an asyncio loop on its own thread that keeps the node in touch with its peers.

It shakes hands (checking network and genesis both ways), polls each peer's status, retries the
unreachable with backoff, announces our new tip and transactions to every connected peer (one
sender task per peer, so a slow peer delays no one else), syncs headers-first from a peer that has
more work or announced a block we cannot place, and scores and bans peers that send invalid data.
The HTTP routes call in from server threads; shared peer state is guarded by one lock.
"""

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Awaitable, Coroutine
from typing import Any

import httpx

from .._results import BlockEvent, Event, PeerChange, PeerEvent, TxEvent
from ..consensus.block import Block
from ..consensus.errors import DecodeError, RejectError
from ..consensus.hashes import from_display, to_display
from ..consensus.tx import Tx
from .client import PeerClient, ProtocolError
from .peer import SCORE_GARBAGE, Peer, PeerError, normalize_url, scored
from .protocol import PeerNode
from .sync import sync_from

log = logging.getLogger("pocketchain.p2p")

MAX_PEERS = 32
POLL_SECONDS = 2.0
CONNECT_TIMEOUT = 15.0
TX_BATCH = 500


class PeerManager:
    def __init__(
        self,
        node: PeerNode,
        public_url: str | None,
        peers: list[str],
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Peers of `node`, reached over sockets or over `transport` (tests: MockTransport)."""
        self.node = node
        self.transport = transport
        self.public_url = normalize_url(public_url) if public_url else None
        self.initial = peers
        self.peers: dict[str, Peer] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._tasks: dict[Peer, asyncio.Task[None]] = {}  # each peer's sender
        self._background: set[asyncio.Future[Any]] = set()
        self._new_txs: deque[bytes] = deque()
        self._flush_scheduled = False
        self.client: PeerClient | None = None

    # -- starting and stopping --------------------------------------------------------------------

    def start(self) -> None:
        """Run the loop on its own thread, with saved peers and `--peer` ones."""
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
        self.client = PeerClient(self.transport)
        saved = await self.node.acall(self._load_saved)
        for url, banned_until in saved + [(url, None) for url in self.initial]:
            try:
                self._add(normalize_url(url), banned_until)
            except PeerError as exc:
                log.warning("peer %s skipped: %s", url, exc)
        await self.node.acall(self._save)
        ready.set()
        poller = asyncio.create_task(self._poll_forever())
        await self._stopping.wait()
        tasks = [poller, *self._tasks.values(), *self._background]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.client.close()

    def _call(self, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        """Run a coroutine on the loop from another thread and wait for it."""
        if self._loop is None:
            coro.close()
            raise PeerError(400, "no-network", "this node has no public URL for peers")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    # -- the peer table ---------------------------------------------------------------------------

    def _add(self, url: str, banned_until: float | None = None) -> Peer:
        """The peer at `url`, added (with its sender task) if new. Any thread."""
        with self._lock:
            peer = self.peers.get(url)
            if peer is not None:
                return peer
            if len(self.peers) >= MAX_PEERS:
                raise PeerError(429, "too-many-peers", f"this node has {MAX_PEERS} peers already")
            peer = self.peers[url] = Peer(url, banned_until=banned_until)
        self._soon(self._start_sender, peer)
        return peer

    def _spawn(self, coro: Awaitable[Any]) -> None:
        """Await `coro` in the background on the loop, keeping a reference until it ends."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _soon(self, fn: Any, *args: Any) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(fn, *args)

    def _start_sender(self, peer: Peer) -> None:
        self._tasks[peer] = asyncio.create_task(self._send_forever(peer))
        peer.wake.set()

    def _stop_sender(self, peer: Peer) -> None:
        task = self._tasks.pop(peer, None)
        if task is not None:
            task.cancel()

    def _load_saved(self) -> list[tuple[str, float | None]]:
        raw = self.node.peer_book()
        return [(p["url"], p.get("banned_until")) for p in json.loads(raw)] if raw else []

    def _save(self) -> None:
        """Remember the peers (and bans) across restarts. As the writer."""
        now = time.time()
        with self._lock:
            rows = [
                {"url": p.url, "banned_until": p.banned_until if p.banned(now) else None}
                for p in self.peers.values()
            ]
        self.node.save_peer_book(json.dumps(rows).encode())

    def views(self) -> list[dict[str, Any]]:
        now = time.time()
        with self._lock:
            return [p.view(now) for p in self.peers.values()]

    def connected_count(self) -> int:
        now = time.time()
        with self._lock:
            return sum(p.connected(now) for p in self.peers.values())

    def synced(self) -> bool:
        """True when no connected peer is known to have more work than our tip."""
        now, work = time.time(), self.node.tip().chainwork
        with self._lock:
            return not any(p.connected(now) and p.chainwork > work for p in self.peers.values())

    def _emit(self, event: PeerChange, peer: Peer) -> None:
        self.node.publish(PeerEvent(event=event, **peer.view(time.time())))

    # -- what we say of ourselves -----------------------------------------------------------------

    def _ours(self) -> dict[str, Any]:
        tip = self.node.tip()
        return {
            "url": self.public_url,
            "network": self.node.params.name,
            "genesis": self.node.params.genesis.header.hash_hex,
            "height": tip.height,
            "tip": to_display(tip.hash),
            "chainwork": f"{tip.chainwork:064x}",
        }

    def _check_chain(self, theirs: dict[str, Any]) -> None:
        """Refuse a peer of another network or genesis (it is never adopted)."""
        ours = self._ours()
        if theirs.get("network") != ours["network"]:
            raise PeerError(
                400,
                "bad-network",
                f"the peer serves {theirs.get('network')!r}, not {ours['network']!r}",
            )
        if theirs.get("genesis") != ours["genesis"]:
            raise PeerError(400, "bad-genesis", "the peer's chain has another genesis block")

    # -- connecting: outbound ---------------------------------------------------------------------

    def _peer_url(self, text: str) -> str:
        """A peer's normalized URL; PeerError for a malformed one or this node's own."""
        url = normalize_url(text)
        if url == self.public_url:
            raise PeerError(400, "self-connection", "that URL is this node")
        return url

    def connect(self, url: str) -> dict[str, Any]:
        """POST /api/v1/peers: shake hands with `url` now; its view, or PeerError."""
        return dict(self._call(self._connect(self._peer_url(url)), CONNECT_TIMEOUT))

    async def _connect(self, url: str) -> dict[str, Any]:
        known = url in self.peers
        peer = self._add(url)
        try:
            await self._hello(peer)
        except (PeerError, ProtocolError) as exc:
            if not known:
                self._forget(peer)
            if isinstance(exc, ProtocolError):
                raise PeerError(400, "peer-unreachable", f"{url} is no pocketchain node") from None
            raise
        await self.node.acall(self._save)
        return peer.view(time.time())

    async def _hello(self, peer: Peer) -> None:
        """Handshake: tell the peer our URL and key, learn its key and chain."""
        assert self.client is not None
        answer = await self.client.hello(peer.url, self._ours() | {"key": peer.key_in})
        self._check_chain(answer)
        was = peer.connected(time.time())
        peer.key_out = str(answer["key"])
        peer.verified = True
        peer.seen(answer, time.time())
        self._now_connected(peer, was)
        self._maybe_sync(peer)
        peer.wake.set()

    def _now_connected(self, peer: Peer, was: bool) -> None:
        """A handshake or poll succeeded: if the peer was not connected, say so, wake its sender."""
        if not was:
            log.info("connected to %s (height %s)", peer.url, peer.height)
            self._emit("connected", peer)
            peer.wake.set()

    def remove(self, url: str) -> bool:
        """DELETE /api/v1/peers: forget a peer; False if unknown."""
        peer = self.peers.get(normalize_url(url))
        if peer is None:
            return False
        self._forget(peer)
        self.node.call(self._save)
        self._emit("removed", peer)
        return True

    def _forget(self, peer: Peer) -> None:
        with self._lock:
            self.peers.pop(peer.url, None)
        self._soon(self._stop_sender, peer)

    # -- connecting: inbound ----------------------------------------------------------------------

    def hello(self, theirs: dict[str, Any]) -> dict[str, Any]:
        """POST /api/v1/peers/hello: a node asks to be our peer; our side of the handshake."""
        self._check_chain(theirs)
        url = self._peer_url(str(theirs["url"]))
        peer = self.peers.get(url) or self._add(url)
        if peer.banned(time.time()):
            raise PeerError(403, "banned", "this peer is banned for misbehaving")
        peer.key_out = str(theirs["key"])
        peer.seen(theirs, time.time())
        peer.verified = False  # until its URL answers us: checked by the next poll, soon
        self._soon(self._poll_soon, peer)
        self.node.call(self._save)
        return self._ours() | {"key": peer.key_in}

    def _poll_soon(self, peer: Peer) -> None:
        self._spawn(self._poll(peer))

    # -- polling, retrying, syncing ---------------------------------------------------------------

    async def _poll_forever(self) -> None:
        assert self._stopping is not None
        while not self._stopping.is_set():
            now = time.time()
            for peer in list(self.peers.values()):
                peer.lift_expired_ban(now)
                if not peer.busy and not peer.banned(now) and now >= peer.next_try:
                    self._spawn(self._poll(peer))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), POLL_SECONDS)

    async def _poll(self, peer: Peer) -> None:
        """Handshake with a peer we have no key of, else read its status; sync if it is ahead."""
        assert self.client is not None
        if peer.busy:
            return
        peer.busy = True
        was = peer.connected(time.time())
        try:
            if peer.key_out is None:
                await self._hello(peer)
                return
            status = await self.client.status(peer.url)
            self._check_chain(status)
            peer.seen(status, time.time())
            peer.verified = True
            self._now_connected(peer, was)
            self._maybe_sync(peer)
        except PeerError as exc:
            if exc.code in ("bad-genesis", "bad-network"):
                log.warning("dropping peer %s: %s", peer.url, exc)
                self._forget(peer)
                await self.node.acall(self._save)
                return
            peer.unreachable(time.time())
            if was:
                log.info("lost peer %s: %s", peer.url, exc)
                self._emit("disconnected", peer)
        except ProtocolError as exc:
            self.punish(peer, SCORE_GARBAGE, str(exc))
        finally:
            peer.busy = False

    def _maybe_sync(self, peer: Peer) -> None:
        if peer.chainwork > self.node.tip().chainwork:
            self._sync_soon(peer)

    def _sync_soon(self, peer: Peer) -> None:
        """Start a sync from `peer`, or run one more after the current one. Loop thread."""
        if peer.syncing:
            peer.sync_again = True
            return
        peer.syncing = True
        self._spawn(self._sync(peer))

    async def _sync(self, peer: Peer) -> None:
        assert self.client is not None
        try:
            while True:
                peer.sync_again = False
                try:
                    await sync_from(self.node, self.client, peer, self.punish)
                except PeerError as exc:
                    log.info("sync from %s stopped: %s", peer.url, exc)
                    peer.unreachable(time.time())
                    return
                except ProtocolError as exc:
                    self.punish(peer, SCORE_GARBAGE, str(exc))
                    return
                if not peer.sync_again:
                    return
        finally:
            peer.syncing = False

    def punish(self, peer: Peer, score: int, reason: str) -> None:
        """Score a peer for misbehaving; ban it past the threshold (Core: Misbehaving)."""
        if score <= 0:
            return
        now = time.time()
        with self._lock:
            banned = peer.misbehave(score, now)
        log.warning("peer %s misbehaved (+%d = %d): %s", peer.url, score, peer.misbehavior, reason)
        if banned:
            log.warning("peer %s banned until %d", peer.url, peer.banned_until or 0)
            self._emit("banned", peer)
            self._soon(self._save_soon)

    def _save_soon(self) -> None:
        self._spawn(self.node.acall(self._save))

    # -- receiving from peers (server threads) ----------------------------------------------------

    def peer_by_key(self, key: str | None) -> Peer:
        """The peer that presents `key`; PeerError if none or banned."""
        with self._lock:
            peer = next((p for p in self.peers.values() if key and p.key_in == key), None)
        if peer is None:
            raise PeerError(401, "unknown-peer", "say hello first (POST /api/v1/peers/hello)")
        if peer.banned(time.time()):
            raise PeerError(403, "banned", "this peer is banned for misbehaving")
        return peer

    def receive_block(self, key: str | None, raw_hex: str) -> dict[str, str]:
        """A block a peer announced: validate, score, sync from it if we cannot place it."""
        peer = self.peer_by_key(key)
        try:
            block = Block.parse(bytes.fromhex(raw_hex))
        except (ValueError, DecodeError):
            self.punish(peer, SCORE_GARBAGE, "undecodable block")
            raise DecodeError("block is not a serialized block") from None
        peer.known_blocks.add(block.hash)
        try:
            result = self.node.call(self.node.accept_block, block, False)  # unrequested
        except RejectError as exc:
            self.punish(peer, scored(exc.code, block=True), f"invalid block: {exc.code}")
            raise
        if result.status == "orphan":
            self._soon(self._sync_soon, peer)
        return {"hash": block.header.hash_hex, "status": result.status}

    def receive_txs(self, key: str | None, hexes: list[str]) -> dict[str, Any]:
        """Transactions a peer relayed: each is validated; invalid ones are scored, all of one
        relay at once (one log line, however many it held)."""
        peer = self.peer_by_key(key)
        txs: list[Tx] = []
        for text in hexes:
            with contextlib.suppress(ValueError, DecodeError):  # counted below: decode-failed
                txs.append(Tx.parse(bytes.fromhex(text)))
        for tx in txs:
            peer.known_txs.add(tx.txid)
        outcomes = [_scorable(e) for e in self.node.call(self.node.accept_txs, txs)]
        codes = Counter(code for code in outcomes if code is not None)
        if len(txs) < len(hexes):
            codes["decode-failed"] = len(hexes) - len(txs)
        score = sum(n * scored(code, block=False) for code, n in codes.items())
        if codes:
            summary = ", ".join(f"{code} x{n}" for code, n in sorted(codes.items()))
            self.punish(peer, score, f"relayed {sum(codes.values())} bad transactions ({summary})")
        rejected = [
            {"txid": to_display(tx.txid), "code": code}
            for tx, code in zip(txs, outcomes, strict=True)
            if code is not None
        ]
        return {"accepted": outcomes.count(None), "rejected": rejected}

    # -- announcing -------------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        """A node event (any thread): new tips and transactions go out to peers."""
        if not self.peers or self._loop is None:
            return
        if isinstance(event, BlockEvent):
            self._soon(self._wake_all)
        elif isinstance(event, TxEvent):
            self._new_txs.append(from_display(event.txid))
            if not self._flush_scheduled:
                self._flush_scheduled = True
                self._soon(self._flush_soon)

    def _wake_all(self) -> None:
        for peer in self.peers.values():
            peer.wake.set()

    def _flush_soon(self) -> None:
        self._spawn(self._flush_txs())

    async def _flush_txs(self) -> None:
        """Hand new mempool transactions to each connected peer's outbox."""
        self._flush_scheduled = False
        txids = [self._new_txs.popleft() for _ in range(len(self._new_txs))]
        raws = await self.node.acall(self.node.raw_txs, txids)
        now = time.time()
        for peer in list(self.peers.values()):
            if peer.connected(now):
                peer.outbox.extend(raw for txid, raw in raws if txid not in peer.known_txs)
                peer.wake.set()

    async def _send_forever(self, peer: Peer) -> None:
        """Announce our tip and new transactions to one peer, whenever there is news."""
        assert self.client is not None
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
                    await self.client.send_txs(peer, batch)
            except PeerError as exc:
                if exc.code != "peer-unreachable":  # it refused what we sent: its call
                    log.info("%s refused an announcement: %s", peer.url, exc)
                    continue
                log.info("lost peer %s: %s", peer.url, exc)
                peer.unreachable(time.time())
                self._emit("disconnected", peer)
            except ProtocolError as exc:
                self.punish(peer, SCORE_GARBAGE, str(exc))

    async def _announce_tip(self, peer: Peer) -> None:
        assert self.client is not None
        tip = self.node.tip()
        if tip.hash in peer.known_blocks or tip.height == 0:
            return
        raw = await self.node.acall(self.node.stored_block, tip.hash)
        if raw is None:
            return
        peer.known_blocks.add(tip.hash)
        answer = await self.client.send_block(peer, raw)
        if answer.get("status") in ("accepted", "duplicate"):
            peer.tip, peer.height = to_display(tip.hash), tip.height


def _scorable(error: RejectError | None) -> str | None:
    """The code a relayed transaction is scored by; None when accepted or already known."""
    if error is None or error.code in ("txn-already-in-mempool", "txn-already-known"):
        return None
    return error.code
