"""Thirty nodes, each given only the node before it (a line), find each other: every node fills
its outbound slots from what it learns, a block mined at one end reaches all of them, and when the
first node stops the rest stay connected."""

import time

from framework import TestNode, wait_until

NODES = 30
OUTBOUND = 8


def outbound(node: TestNode) -> int:
    peers = node.api("GET", "/peers")
    return sum(p["direction"] == "outbound" and p["connected"] for p in peers)


def neighbours(node: TestNode, by_ip: dict[str, TestNode]) -> set[TestNode]:
    peers = node.api("GET", "/peers")
    return {by_ip[p["ip"]] for p in peers if p["connected"] and p["ip"] in by_ip}


def reachable(start: TestNode, by_ip: dict[str, TestNode]) -> set[TestNode]:
    seen, todo = {start}, [start]
    while todo:
        for other in neighbours(todo.pop(), by_ip):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def test_a_line_of_thirty_nodes_becomes_a_network(nodes) -> None:
    line: list[TestNode] = []
    began = time.monotonic()
    for n in range(NODES):
        extra = ("--peer", line[-1].url) if line else ()
        line.append(nodes(*extra, host=f"127.{n + 1}.0.1"))  # a netgroup each
    wait_until(lambda: all(outbound(n) >= OUTBOUND for n in line), 120, "the outbound slots")
    print(f"{NODES} nodes with {OUTBOUND} outbound peers each {time.monotonic() - began:.1f} s in")
    by_ip = {n.host: n for n in line}
    assert reachable(line[0], by_ip) == set(line)
    line[-1].mine(1)
    wait_until(lambda: len({n.tip() for n in line}) == 1, 60, "the block to reach every node")
    assert line[0].stop() == 0
    rest = {n.host: n for n in line[1:]}
    wait_until(lambda: reachable(line[1], rest) == set(line[1:]), 60, "the rest to hold together")
    line[1].mine(1)
    wait_until(lambda: len({n.tip() for n in line[1:]}) == 1, 60, "a block after the stop")
