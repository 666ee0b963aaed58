"""Which inbound peer makes room for a newcomer when the inbound slots are full (Core:
node/eviction.cpp, SelectNodeToEvict).

Peers an attacker cannot cheaply imitate are protected first: a few from netgroups picked by a
keyed hash (the attacker cannot predict which), the best-answering ones, the ones that last gave us
a valid transaction or block, and half of the rest by how long they have been connected. Of those
left, the youngest peer of the netgroup with the most connections goes. Pure.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

PROTECT_BY_NETGROUP = 4
PROTECT_BY_PING = 8
PROTECT_BY_TX = 4
PROTECT_BY_BLOCK = 4


@dataclass(frozen=True)
class Candidate:
    """An inbound peer, as eviction sees it (Core: NodeEvictionCandidate)."""

    id: int
    connected: float  # when its handshake was done
    min_ping: float  # its best answer time in seconds (inf when never measured)
    last_block: float  # when it last gave us a valid new block (0: never)
    last_tx: float  # when it last gave us a valid new transaction (0: never)
    netgroup: str


def keyed_netgroup(key: bytes, netgroup: str) -> int:
    """Core: CConnman::CalculateKeyedNetGroup."""
    return int.from_bytes(hashlib.sha256(key + netgroup.encode()).digest()[:8], "little")


def _protect(candidates: list[Candidate], key: Callable[[Candidate], object], count: int) -> None:
    """Remove the `count` candidates that sort last by `key` (Core: EraseLastKElements)."""
    candidates.sort(key=key)  # type: ignore[arg-type]
    del candidates[max(0, len(candidates) - count) :]


def select_to_evict(candidates: list[Candidate], key: bytes) -> Candidate | None:
    """The inbound peer to disconnect, or None when every one is protected (then the newcomer
    is refused instead)."""
    left = list(candidates)
    _protect(left, lambda c: keyed_netgroup(key, c.netgroup), PROTECT_BY_NETGROUP)
    _protect(left, lambda c: -c.min_ping, PROTECT_BY_PING)  # lowest ping last
    _protect(left, lambda c: (c.last_tx, -c.connected), PROTECT_BY_TX)
    _protect(left, lambda c: (c.last_block, -c.connected), PROTECT_BY_BLOCK)
    _protect(left, lambda c: -c.connected, len(left) // 2)  # the longest connected half
    if not left:
        return None
    groups: dict[str, list[Candidate]] = {}
    for candidate in left:
        groups.setdefault(candidate.netgroup, []).append(candidate)
    # the netgroup with the most connections; of equals, the one with the youngest peer
    crowd = max(groups.values(), key=lambda g: (len(g), max(c.connected for c in g)))
    return max(crowd, key=lambda c: c.connected)
