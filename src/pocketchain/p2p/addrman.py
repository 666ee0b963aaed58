"""The address book (Core: addrman.cpp): where peers may be found, in a "new" and a "tried" table.

"New" holds addresses we heard of and never reached; "tried" those we once shook hands with. Both
are fixed grids of buckets, and where an address goes is a keyed hash of it and of *who told us*
(the netgroup of the source), so one source, however many addresses it sends, can fill at most a
few dozen of the 1,024 new buckets, and nobody can predict where anything lands. An address that
answers moves to "tried"; outbound peers are drawn from both tables half and half, favouring the
ones that have not failed lately. Pure: the time and the randomness are passed in.
"""

import hashlib
import math
import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from .netaddr import Address, AddressError, parse_address

# Core: ADDRMAN_*
NEW_BUCKETS = 1024
TRIED_BUCKETS = 256
BUCKET_SIZE = 64
TRIED_BUCKETS_PER_GROUP = 8
NEW_BUCKETS_PER_SOURCE_GROUP = 64
NEW_BUCKETS_PER_ADDRESS = 8
HORIZON = 30 * 86_400  # an address not heard of for this long is terrible
RETRIES = 3  # attempts without a success before a new address is terrible
MAX_FAILURES = 10  # failures in MIN_FAIL before a once-good address is terrible
MIN_FAIL = 7 * 86_400
GETADDR_MAX_PCT = 23
GETADDR_MAX = 1000
GETADDR_MIN = 100  # a small book is given whole (Core: 23% even then, slow for a small network)
MAX_SIZE = (NEW_BUCKETS + TRIED_BUCKETS) * BUCKET_SIZE


@dataclass
class AddrInfo:
    """One address and what we know of it (Core: AddrInfo)."""

    address: Address
    source: str  # the netgroup of whoever told us
    time: float  # when it was last heard of as alive
    last_try: float = 0.0
    last_success: float = 0.0
    attempts: int = 0
    refs: int = 0  # new buckets holding it
    tried: bool = False

    def terrible(self, now: float) -> bool:
        """Not worth keeping or handing out (Core: AddrInfo::IsTerrible)."""
        if now - self.last_try <= 60:  # tried in the last minute: give it a chance
            return False
        if self.time > now + 600 or now - self.time > HORIZON:
            return True
        if self.last_success == 0 and self.attempts >= RETRIES:
            return True
        return now - self.last_success > MIN_FAIL and self.attempts >= MAX_FAILURES

    def chance(self, now: float) -> float:
        """Relative odds of being picked (Core: AddrInfo::GetChance)."""
        odds = 0.01 if now - self.last_try < 600 else 1.0
        return odds * 0.66 ** min(self.attempts, 8)


class AddrMan:
    def __init__(self, key: bytes | None = None, rng: random.Random | None = None) -> None:
        self.rng = rng or random.SystemRandom()
        self.key = key if key is not None else self.rng.randbytes(32)
        self.info: dict[Address, AddrInfo] = {}
        self.new: dict[tuple[int, int], Address] = {}  # (bucket, position) -> address
        self.tried: dict[tuple[int, int], Address] = {}

    def __len__(self) -> int:
        return len(self.info)

    def __contains__(self, address: object) -> bool:
        return address in self.info

    # -- where an address goes --------------------------------------------------------------------

    def _hash(self, *parts: object) -> int:
        data = b"|".join(str(part).encode() for part in parts)
        return int.from_bytes(hashlib.sha256(self.key + data).digest()[:8], "little")

    def _new_bucket(self, address: Address, source: str) -> int:
        """Core: AddrInfo::GetNewBucket: a source group reaches only 64 of the buckets."""
        spread = self._hash(address.netgroup, source) % NEW_BUCKETS_PER_SOURCE_GROUP
        return self._hash(source, spread) % NEW_BUCKETS

    def _tried_bucket(self, address: Address) -> int:
        """Core: AddrInfo::GetTriedBucket: a netgroup reaches only 8 of the buckets."""
        spread = self._hash(address) % TRIED_BUCKETS_PER_GROUP
        return self._hash(address.netgroup, spread) % TRIED_BUCKETS

    def _position(self, new: bool, bucket: int, address: Address) -> int:
        """Core: AddrInfo::GetBucketPosition."""
        return self._hash("N" if new else "K", bucket, address) % BUCKET_SIZE

    # -- learning ---------------------------------------------------------------------------------

    def add(self, addresses: Iterable[Address], source: str, now: float, penalty: float = 0) -> int:
        """Addresses heard from a peer of netgroup `source` (its own: no penalty; relayed ones:
        a couple of hours); how many are new to the book (Core: AddrManImpl::Add_)."""
        return sum(self._add_one(a, source, now, penalty) for a in addresses)

    def _add_one(self, address: Address, source: str, now: float, penalty: float) -> bool:
        info = self.info.get(address)
        heard = now - penalty
        if info is not None:
            info.time = max(info.time, heard)
            if info.tried or info.refs >= NEW_BUCKETS_PER_ADDRESS:
                return False
            # each further bucket is half as likely (Core: "stochastic test")
            if self.rng.randrange(1 << info.refs) != 0:
                return False
        slot = self._new_bucket(address, source)
        slot_pos = (slot, self._position(True, slot, address))
        holder = self.new.get(slot_pos)
        if holder == address:
            return False
        if holder is not None:
            held = self.info[holder]
            # a slot is taken over only from a terrible entry or one held elsewhere too
            if not (held.terrible(now) or (held.refs > 1 and (info is None or info.refs == 0))):
                return False
            self._drop_from_new(slot_pos)
        if info is None:
            info = self.info[address] = AddrInfo(address, source, heard)
        self.new[slot_pos] = address
        info.refs += 1
        return info.refs == 1

    def _drop_from_new(self, slot_pos: tuple[int, int]) -> None:
        address = self.new.pop(slot_pos)
        info = self.info[address]
        info.refs -= 1
        if info.refs == 0 and not info.tried:
            del self.info[address]

    # -- what became of a dial --------------------------------------------------------------------

    def attempt(self, address: Address, now: float) -> None:
        """We dialled it (Core: Attempt)."""
        info = self.info.get(address)
        if info is not None:
            info.last_try = now
            info.attempts += 1

    def good(self, address: Address, now: float) -> None:
        """It answered a handshake: move it to "tried" (Core: Good_ / MakeTried). An address
        already in that slot goes back to "new" (Core since 0.21 first tests the old one)."""
        info = self.info.get(address)
        if info is None:
            info = self.info[address] = AddrInfo(address, address.netgroup, now)
        info.last_success = info.last_try = info.time = now
        info.attempts = 0
        if info.tried:
            return
        for slot_pos in [s for s, a in self.new.items() if a == address]:
            self._drop_from_new(slot_pos)
        self.info[address] = info  # dropping its last new reference deleted it
        bucket = self._tried_bucket(address)
        slot_pos = (bucket, self._position(False, bucket, address))
        old = self.tried.get(slot_pos)
        if old is not None:
            self.info[old].tried = False
            self._add_one(old, self.info[old].source, now, 0)
            if self.info[old].refs == 0:
                del self.info[old]
        self.tried[slot_pos] = address
        info.tried = True
        info.refs = 0

    def connected(self, address: Address, now: float) -> None:
        """We were in touch with it until now (Core: Connected: its time moves on at most every
        20 minutes)."""
        info = self.info.get(address)
        if info is not None and now - info.time > 1200:
            info.time = now

    def forget(self, address: Address) -> None:
        """Drop it from both tables (a banned or forbidden address, or this node itself)."""
        info = self.info.pop(address, None)
        if info is None:
            return
        for table in (self.new, self.tried):
            for slot_pos in [s for s, a in table.items() if a == address]:
                del table[slot_pos]

    # -- choosing ---------------------------------------------------------------------------------

    def select(self, now: float, new_only: bool = False) -> Address | None:
        """An address to dial: from "tried" or "new" with even odds, each picked with its chance
        (Core: AddrManImpl::Select_: the bar falls by 1.2 each round, so a pick always comes)."""
        use_tried = bool(self.tried) and not new_only and (not self.new or self.rng.random() < 0.5)
        table = self.tried if use_tried else self.new
        if not table:
            return None
        candidates = list(table.values())
        factor = 1.0
        while True:
            info = self.info[self.rng.choice(candidates)]
            if self.rng.random() < factor * info.chance(now):
                return info.address
            factor *= 1.2

    def sample(self, now: float) -> list[Address]:
        """Addresses to tell a peer that asks (Core: GetAddr_): 23% of the book (at least 100)
        at most 1,000, in random order, none terrible."""
        share = max(GETADDR_MIN, math.ceil(len(self.info) * GETADDR_MAX_PCT / 100))
        count = min(GETADDR_MAX, share)
        picked = self.rng.sample(list(self.info.values()), len(self.info))
        return [info.address for info in picked if not info.terrible(now)][:count]

    def counts(self) -> dict[str, int]:
        return {"new": sum(not i.tried for i in self.info.values()), "tried": len(self.tried)}

    # -- kept across restarts ---------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        rows = []
        for info in self.info.values():
            row = asdict(info) | {"address": info.address.url}
            del row["refs"]
            rows.append(row)
        return {"key": self.key.hex(), "addresses": rows}

    @classmethod
    def load(cls, data: dict[str, Any], rng: random.Random | None = None) -> "AddrMan":
        """The book `dump` gave; entries are put back where the key places them (a new address
        in the one bucket of its first source)."""
        book = cls(bytes.fromhex(data["key"]), rng)
        for row in data.get("addresses", []):
            try:
                address = parse_address(row["address"])
            except AddressError:
                continue
            fields = {k: row[k] for k in ("time", "last_try", "last_success", "attempts")}
            if row.get("tried"):
                book.good(address, float(row["last_success"]))
            else:
                book._add_one(address, str(row["source"]), float(row["time"]), 0)
            if address in book.info:
                for name, value in fields.items():
                    setattr(book.info[address], name, value)
        return book
