"""A peer that sends 100,000 addresses is cut to the bound, and the book stays within its size:
one relay carries at most 1,000 (Core: MAX_ADDR_TO_SEND), and a peer's relays are rate-limited
(Core: the address token bucket)."""

from sender import Sender

from pocketchain.p2p.inbound import ADDR_BURST


def test_a_flood_of_addresses_is_cut_to_the_bound(nodes) -> None:
    node = nodes(host="127.0.0.1")
    sender = Sender(node, "127.0.0.88")
    http = sender.http
    key = sender.hello("http://127.0.0.88:1").json()["key"]
    urls = [f"http://10.{n % 250}.{n // 250 % 250}.{n // 62500 + 1}:5000" for n in range(100_000)]
    headers = {"X-Peer-Key": key}
    whole = http.post("/api/v1/peers/addresses", json={"addresses": urls}, headers=headers)
    assert whole.status_code in (400, 413)  # more than one relay may carry: refused whole
    answers = [
        http.post(
            "/api/v1/peers/addresses",
            json={"addresses": urls[start : start + 1000]},
            headers=headers,
        ).status_code
        for start in range(0, 100_000, 1000)
    ]
    assert set(answers) == {200}
    book = node.api("GET", "/network")
    assert 0 < book["addresses_new"] <= ADDR_BURST + 10  # the bucket, and a trickle since
