"""What a node knows of one peer, and how misbehaviour is scored (Core: net_processing's Peer).

A peer is a base URL. The handshake gives each side a key issued by the other: a peer presents the
key we issued (`key_in`) in the X-Peer-Key header when it sends us blocks and transactions, and we
present the key it issued (`key_out`) when we send to it. Data from a banned peer is ignored.
"""

import asyncio
import secrets
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..consensus.errors import ApiError

BAN_THRESHOLD = 100  # Core: DISCOURAGEMENT_THRESHOLD
BAN_SECONDS = 600
MAX_BACKOFF = 60.0  # seconds between attempts to reach an unreachable peer, at most
KNOWN_LIMIT = 20_000  # blocks or txs remembered per peer as already known to it
OUTBOX_LIMIT = 20_000  # transactions waiting to be announced to one peer

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


class PeerError(ApiError):
    """A peer operation refused with an HTTP status and a stable code."""


def normalize_url(text: str) -> str:
    """`http://host:port` with no trailing slash; raises PeerError for anything else."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise PeerError(400, "bad-url", f"{text!r} is not a peer's base URL (http://host:port)")
    try:
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        raise PeerError(400, "bad-url", f"{text!r} has a bad port") from None
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


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


@dataclass(eq=False)
class Peer:
    url: str
    key_in: str = field(default_factory=lambda: secrets.token_hex(16))
    key_out: str | None = None  # None until the handshake is done
    verified: bool = False  # its URL answered with our network and genesis
    height: int | None = None
    tip: str | None = None
    chainwork: int = 0
    last_seen: float | None = None
    misbehavior: int = 0
    banned_until: float | None = None
    failures: int = 0
    next_try: float = 0.0
    known_blocks: KnownSet = field(default_factory=KnownSet)
    known_txs: KnownSet = field(default_factory=KnownSet)
    outbox: deque[bytes] = field(default_factory=lambda: deque(maxlen=OUTBOX_LIMIT))
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    busy: bool = False  # a handshake or status poll is under way
    syncing: bool = False
    sync_again: bool = False

    def banned(self, now: float) -> bool:
        return self.banned_until is not None and now < self.banned_until

    def connected(self, now: float) -> bool:
        """Handshake done both ways, reachable, not banned: we talk to it."""
        return (
            self.key_out is not None
            and self.verified
            and self.failures == 0
            and not self.banned(now)
        )

    def seen(self, status: dict[str, Any], now: float) -> None:
        """Record what the peer said of its chain (a status or hello answer)."""
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

    def misbehave(self, score: int, now: float) -> bool:
        """Add to the score; True when this bans the peer (Core: Misbehaving)."""
        if self.banned(now) or score <= 0:
            return False
        self.misbehavior += score
        if self.misbehavior >= BAN_THRESHOLD:
            self.banned_until = now + BAN_SECONDS
            return True
        return False

    def lift_expired_ban(self, now: float) -> None:
        if self.banned_until is not None and now >= self.banned_until:
            self.banned_until = None
            self.misbehavior = 0

    def view(self, now: float) -> dict[str, Any]:
        return {
            "url": self.url,
            "height": self.height,
            "tip": self.tip,
            "last_seen": self.last_seen,
            "banned_until": self.banned_until if self.banned(now) else None,
            "misbehavior": self.misbehavior,
            "connected": self.connected(now),
            "failures": self.failures,
        }
