"""500 hellos cannot take a node over: from one address and many ports they are rate-limited; from
500 addresses of one /16 (on loopback each address is a netgroup of its own, the harder case) they
hold a bounded share of the inbound slots and none of the outbound ones, while the peers the
operator gave and the real nodes stay connected (Core: AttemptToEvictConnection)."""

import time

from framework import connected, wait_until
from sender import Sender

from pocketchain.p2p.inbound import HELLO_BURST, HELLO_RATE

FLOOD = 500
MAX_INBOUND = 24


def test_a_hello_flood_from_one_netgroup_takes_nothing_that_matters(nodes) -> None:
    target = nodes("--max-inbound", str(MAX_INBOUND), host="127.1.0.1")
    manual = nodes(host="127.2.0.1")
    target.connect(manual)
    real = [nodes("--peer", target.url, host=f"127.{10 + n}.0.1") for n in range(3)]
    for node in real:
        wait_until(lambda node=node: connected(node, target), 30, "a real node to connect")
    wait_until(
        lambda: (
            sum(p["direction"] == "inbound" and p["connected"] for p in target.api("GET", "/peers"))
            >= 3
        ),
        30,
        "the real nodes to be inbound",
    )
    codes = []
    for n in range(FLOOD):  # from 500 addresses of one /16, each a fresh connection
        ip = f"127.66.{n // 200}.{n % 200 + 1}"
        sender = Sender(target, ip)
        codes.append(sender.hello(f"http://{ip}:{n + 1000}", f"{n:016x}").status_code)
        sender.close()
    assert codes.count(200) > MAX_INBOUND  # the slots were contested, not just refused
    peers = target.api("GET", "/peers")
    inbound = [p for p in peers if p["direction"] == "inbound" and p["connected"]]
    flood = [p for p in inbound if p["ip"].startswith("127.66.")]
    assert len(inbound) <= MAX_INBOUND and len(flood) <= MAX_INBOUND - len(real)
    for node in real:  # still there, on both sides
        assert any(p["ip"] == node.host for p in inbound), node.host
        assert connected(node, target)
    assert connected(target, manual)
    outbound = [p for p in peers if p["direction"] in ("outbound", "manual")]
    assert not any(p["ip"] and p["ip"].startswith("127.66.") for p in outbound)
    target.mine(1)  # and the network still works: the real nodes hear of it
    wait_until(lambda: all(n.tip() == target.tip() for n in [*real, manual]), 30, "the block")


def test_hellos_from_one_address_and_many_ports_are_rate_limited(nodes) -> None:
    target = nodes(host="127.1.0.1")
    codes = []
    began = time.monotonic()
    for n in range(FLOOD):
        sender = Sender(target, "127.66.0.1")  # a fresh connection, so a fresh port, each time
        codes.append(sender.hello(f"http://127.66.0.1:{n + 1000}", f"{n:016x}").status_code)
        sender.close()
    took = time.monotonic() - began
    assert codes.count(200) <= HELLO_BURST + HELLO_RATE * took + 1  # the bucket, and no more
    assert set(codes) == {200, 429}
    inbound = [p for p in target.api("GET", "/peers") if p["direction"] == "inbound"]
    assert len(inbound) == codes.count(200)
