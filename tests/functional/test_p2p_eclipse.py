"""500 hellos from one netgroup, from many addresses and ports, cannot take a node over: they hold
a bounded share of its inbound slots and none of its outbound ones, while the peers the operator
gave and the real nodes in other netgroups stay connected (Core: AttemptToEvictConnection)."""

from framework import connected, wait_until
from sender import Sender

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
