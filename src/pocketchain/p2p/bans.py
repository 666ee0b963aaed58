"""Bans by address, and rate limits by address.

A ban names the IP the offending requests came from, not the URL the peer claimed to listen on,
so a new hello with a new URL does not lift it (Core: BanMan and the discouragement filter key on
the connection's address). Bans are kept across restarts until they expire.
"""

from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any

BAN_SECONDS = 600


@dataclass(frozen=True)
class Ban:
    ip: str
    until: float
    reason: str


class BanList:
    def __init__(self) -> None:
        self._bans: dict[str, Ban] = {}

    def ban(self, ip: str, reason: str, now: float, seconds: float = BAN_SECONDS) -> Ban:
        ban = self._bans[ip] = Ban(ip, now + seconds, reason)
        return ban

    def get(self, ip: str, now: float) -> Ban | None:
        """The ban in force on `ip`, if any (an expired one is dropped)."""
        ban = self._bans.get(ip)
        if ban is not None and now >= ban.until:
            del self._bans[ip]
            return None
        return ban

    def active(self, now: float) -> list[Ban]:
        return [ban for ip in list(self._bans) if (ban := self.get(ip, now)) is not None]

    def dump(self, now: float) -> list[dict[str, Any]]:
        return [asdict(ban) for ban in self.active(now)]

    @classmethod
    def load(cls, rows: list[dict[str, Any]]) -> "BanList":
        bans = cls()
        for row in rows:
            bans._bans[str(row["ip"])] = Ban(
                str(row["ip"]), float(row["until"]), str(row["reason"])
            )
        return bans


class RateLimit:
    """A token bucket per key: `rate` tokens a second up to `burst` (Core: the address
    processing bucket). Remembers the `keys` most recent keys only."""

    def __init__(self, rate: float, burst: float, keys: int = 10_000) -> None:
        self.rate, self.burst, self.keys = rate, burst, keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, now: float, count: float = 1) -> float:
        """Take up to `count` tokens from `key`'s bucket; how many it had."""
        tokens, then = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        taken = min(tokens, count)
        self._buckets[key] = (tokens - taken, now)
        if len(self._buckets) > self.keys:
            self._buckets.popitem(last=False)
        return taken
