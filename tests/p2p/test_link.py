"""Link conditions: each request to a peer and its answer cross the link, each crossing takes
the latency, and a lost crossing comes again after a doubling retransmission timeout."""

import random
import time

import httpx
import pytest

import aio
from pocketchain.p2p.client import PeerClient
from pocketchain.p2p.link import RTO_MIN, Condition, LinkError, Links, endpoint, parse_link


class Rigged(random.Random):
    """Draws the values it is given, in order."""

    def __init__(self, draws: list[float]) -> None:
        super().__init__()
        self.draws = list(draws)

    def random(self) -> float:
        return self.draws.pop(0)


def test_a_crossing_takes_the_latency_and_each_loss_a_doubling_timeout() -> None:
    link = Condition(latency_ms=80, loss=0.5)
    assert link.crossing(Rigged([0.9])) == pytest.approx(0.08)  # not lost
    assert link.crossing(Rigged([0.1, 0.2, 0.7])) == pytest.approx(0.08 + RTO_MIN + 2 * RTO_MIN)
    assert Condition(30).crossing(Rigged([])) == pytest.approx(0.03)  # no loss: no draw


def test_loss_adds_its_expected_delay() -> None:
    rng, link = random.Random(7), Condition(0, 0.1)
    mean = sum(link.crossing(rng) for _ in range(20_000)) / 20_000
    # E = RTO * sum_k 0.1^k 0.9 (2^k - 1) = RTO * (0.9 / (1 - 0.2) - 1)
    assert mean == pytest.approx(RTO_MIN * (0.9 / 0.8 - 1), rel=0.1)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("127.0.0.1:5001=80", "URL=LATENCY_MS"),
        ("http://127.0.0.1:5001", "URL=LATENCY_MS"),
        ("http://127.0.0.1:5001=fast", "numbers"),
        ("http://127.0.0.1:5001=80,0.1,3", "more than"),
        ("http://127.0.0.1:5001=-5", "latency"),
        ("http://127.0.0.1:5001=5,0.95", "loss rate"),
    ],
)
def test_bad_link_texts(text: str, says: str) -> None:
    with pytest.raises(LinkError, match=says):
        parse_link(text)


def test_a_good_link_text() -> None:
    assert parse_link("http://127.0.0.1:5001=80,0.01") == ("127.0.0.1:5001", Condition(80, 0.01))
    assert endpoint("http://127.0.0.2:5001/api/v1/peers/news?wait=5") == "127.0.0.2:5001"


def test_requests_to_a_slow_peer_wait_both_ways() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"addresses": []})

    slow, fast = "http://127.0.0.1:5001", "http://127.0.0.1:5002"
    links = Links({endpoint(slow): Condition(latency_ms=150)})
    client = PeerClient(httpx.MockTransport(answer), links=links)

    async def timed(url: str) -> float:
        start = time.monotonic()
        await client._request("GET", f"{url}/api/v1/peers/addresses")
        return time.monotonic() - start

    async def main() -> tuple[float, float]:
        try:
            return await timed(slow), await timed(fast)
        finally:
            await client.close()

    to_slow, _ = aio.run(main())
    assert to_slow >= 0.3  # out and back: two crossings of 150 ms
    assert links.conditions.get(endpoint(fast)) is None  # a peer not named crosses at once
