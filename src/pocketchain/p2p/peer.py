"""What a node knows of one connection to a peer, and how misbehaviour is scored (Core:
net_processing's Peer and CNode).

A connection has a direction. We dial *outbound* peers (chosen from the address book), *manual*
ones (the operator's `--peer` and POST /api/v1/peers) and short-lived *feelers*; *inbound* peers
dialled us. Every request on a connection is sent by the side that dialled: it pushes its news
(blocks, transactions, addresses) with POSTs and long-polls the other side for its own
(GET /api/v1/peers/news), so a node never sends a request to an address it did not choose. The
side that was dialled issues a key in its hello answer; the dialler presents it (X-Peer-Key).
"""

import asyncio
import math
import secrets
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Literal

from .netaddr import PeerError

__all__ = ["KnownSet", "Peer", "PeerError", "scored"]

BAN_THRESHOLD = 100  # Core: DISCOURAGEMENT_THRESHOLD
MAX_BACKOFF = 60.0  # seconds between attempts to reach an unreachable peer, at most
KNOWN_LIMIT = 20_000  # blocks or txs remembered per peer as already known to it
OUTBOX_LIMIT = 20_000  # transactions waiting to be announced to one peer
ADDR_OUTBOX_LIMIT = 1_000  # addresses waiting to be relayed to one peer

SCORE_GARBAGE = 20  # undecodable data
SCORE_INVALID_TX = 20  # a transaction that breaks a consensus rule
SCORE_INVALID = 100  # an invalid header or block (Core: punished at once)

# rejections that an honest peer may cause (races, timing, local policy): never scored
NOT_PUNISHED = {
    "time-too-new",  # Core: BLOCK_TIME_FUTURE is not punished
    "too-little-chainwork",  # Core: BLOCK_HEADER_LOW_WORK is not punished
    "bad-txns-inputs-missingorspent",
    "bad-txns-premature-spend-of-coinbase",
}


def scored(code: str, block: bool) -> int:
    """The misbehaviour a rejection with `code` earns (0 for what honest peers may send)."""
    if code in NOT_PUNISHED:
        return 0
    if code == "decode-failed":
        return SCORE_GARBAGE
    if block:
        return SCORE_INVALID
    return SCORE_INVALID_TX if code.startswith("bad-") else 0


class KnownSet:
    """The last `limit` hashes a peer is known to have (Core: m_tx_inventory_known_filter)."""

    def __init__(self, limit: int = KNOWN_LIMIT) -> None:
        self.limit = limit
        self._items: OrderedDict[bytes, None] = OrderedDict()

    def add(self, item: bytes) -> None:
        self._items[item] = None
        if len(self._items) > self.limit:
            self._items.popitem(last=False)

    def __contains__(self, item: object) -> bool:
        return item in self._items


Direction = Literal["outbound", "manual", "feeler", "inbound"]
INBOUND_TIMEOUT = 60.0  # an inbound peer that sends nothing for this long is gone


@dataclass(eq=False)
class Peer:
    url: str  # the URL we dial, or the one an inbound peer says it listens on
    direction: Direction
    ip: str = ""  # the address its requests come from, or the one we dialled
    dial_url: str = ""  # `url` with its host resolved to `ip` (plain HTTP): what we send to
    key: str | None = None  # inbound: the key we issued it; else the one it issued us
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))  # our hello's (dialled)
    connected_since: float | None = None
    height: int | None = None
    tip: str | None = None
    chainwork: int = 0
    last_seen: float | None = None
    misbehavior: int = 0
    failures: int = 0
    next_try: float = 0.0
    last_block: float = 0.0  # when it last gave us a new valid block (eviction protects it)
    last_tx: float = 0.0
    min_ping: float = math.inf  # its quickest answer, in seconds
    known_blocks: KnownSet = field(default_factory=KnownSet)
    known_txs: KnownSet = field(default_factory=KnownSet)
    outbox: deque[bytes] = field(default_factory=lambda: deque(maxlen=OUTBOX_LIMIT))
    addr_outbox: deque[str] = field(default_factory=lambda: deque(maxlen=ADDR_OUTBOX_LIMIT))
    wake: asyncio.Event = field(default_factory=asyncio.Event)  # news to push (dialled)
    told_tip: str | None = None  # inbound: the tip its last news answer carried
    wanted: set[bytes] = field(default_factory=set)  # inbound: blocks we asked it to push
    answered_at: float | None = None  # inbound: when its last news answer went (monotonic)
    dialing: bool = False  # a dial of this manual peer is under way
    syncing: bool = False
    sync_again: bool = False

    @property
    def base(self) -> str:
        """The base URL requests to this peer go to."""
        return self.dial_url or self.url

    @property
    def dialled(self) -> bool:
        return self.direction != "inbound"

    def connected(self, now: float) -> bool:
        """Handshake done, and in touch: we talk to it."""
        if self.key is None or self.connected_since is None or self.failures:
            return False
        return self.dialled or not self.quiet(now)

    def quiet(self, now: float) -> bool:
        """An inbound peer that sent nothing for a while: gone."""
        return self.last_seen is None or now - self.last_seen >= INBOUND_TIMEOUT

    def seen(self, status: dict[str, Any], now: float) -> None:
        """Record what the peer said of its chain (a hello or news answer)."""
        self.height = int(status["height"])
        self.tip = str(status["tip"])
        self.chainwork = int(str(status["chainwork"]), 16)
        self.last_seen = now
        self.failures = 0
        self.next_try = 0.0

    def unreachable(self, now: float) -> None:
        """An attempt failed: try again later, waiting twice as long each time."""
        self.failures += 1
        self.next_try = now + min(MAX_BACKOFF, 0.5 * 2**self.failures)

    def misbehave(self, score: int) -> bool:
        """Add to the score; True when it reaches the ban threshold (Core: Misbehaving)."""
        if score <= 0:
            return False
        self.misbehavior += score
        return self.misbehavior >= BAN_THRESHOLD

    def view(self, now: float, banned_until: float | None) -> dict[str, Any]:
        return {
            "url": self.url,
            "height": self.height,
            "tip": self.tip,
            "last_seen": self.last_seen,
            "banned_until": banned_until,
            "misbehavior": self.misbehavior,
            "connected": self.connected(now),
            "failures": self.failures,
            "direction": self.direction,
            "ip": self.ip or None,
            "connected_since": self.connected_since,
        }
