"""Link conditions a node applies to its own peer connections: a latency and a loss rate per peer,
so a lab network gets slow and lossy links without root or `tc`.

All traffic of a link crosses it inside the dialling node's requests: a push crosses once on its
way out, an answer (a long-polled piece of news, fetched blocks) once on its way back. Each
crossing takes the link's latency. A crossing is lost at the link's loss rate and, as over TCP, is
sent again after a retransmission timeout that doubles each time (Linux: TCP_RTO_MIN, 200 ms), so
loss shows as delay, as `tc netem loss` does to a TCP connection.
"""

import asyncio
import random
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..consensus.errors import PocketchainError

RTO_MIN = 0.2  # seconds before a lost crossing is sent again, doubled each time
MAX_LATENCY_MS = 60_000.0
MAX_LOSS = 0.9


class LinkError(PocketchainError, ValueError):
    """A link condition that is not `URL=LATENCY_MS[,LOSS]` with sane numbers."""


@dataclass(frozen=True)
class Condition:
    latency_ms: float = 0.0
    loss: float = 0.0  # the chance that one crossing is lost

    def __post_init__(self) -> None:
        if not 0 <= self.latency_ms <= MAX_LATENCY_MS:
            raise LinkError(f"a latency is 0 to {MAX_LATENCY_MS:g} ms, not {self.latency_ms:g}")
        if not 0 <= self.loss <= MAX_LOSS:
            raise LinkError(f"a loss rate is 0 to {MAX_LOSS:g}, not {self.loss:g}")

    def crossing(self, rng: random.Random) -> float:
        """Seconds one crossing of the link takes, retransmissions included."""
        seconds, rto = self.latency_ms / 1000, RTO_MIN
        while self.loss and rng.random() < self.loss:
            seconds, rto = seconds + rto, rto * 2
        return seconds


def endpoint(url: str) -> str:
    """The host:port a link condition is kept under."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 80}"


def parse_link(text: str) -> tuple[str, Condition]:
    """`http://127.0.0.1:5001=80,0.01` as (endpoint, Condition(80, 0.01))."""
    url, sep, numbers = text.rpartition("=")
    if not sep or not url.startswith("http"):
        raise LinkError(f"{text!r} is not URL=LATENCY_MS[,LOSS], e.g. http://127.0.0.1:5001=80")
    try:
        values = [float(part) for part in numbers.split(",")]
    except ValueError:
        raise LinkError(f"{text!r}: the latency and loss are numbers") from None
    if len(values) > 2:
        raise LinkError(f"{text!r} has more than a latency and a loss rate")
    return endpoint(url), Condition(*values)


class Links:
    """The conditions of this node's links, by peer endpoint; a peer not named crosses at once."""

    def __init__(self, conditions: dict[str, Condition] | None = None) -> None:
        self.conditions = dict(conditions or {})
        self.rng = random.Random()

    async def cross(self, url: str) -> None:
        condition = self.conditions.get(endpoint(url))
        if condition is not None:
            await asyncio.sleep(condition.crossing(self.rng))
