"""Continuous mining: `node --mine` and `POST /api/v1/mining` start and stop it."""

import time

from coins import address
from framework import TestNode


def wait_for_height(node: TestNode, height: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while (current := node.height()) < height:
        assert time.monotonic() < deadline, f"height {current} after {timeout} s"
        time.sleep(0.1)
    return current


def test_node_mine_flag_and_mining_route(nodes) -> None:
    node: TestNode = nodes("--mine", "--mine-to", address(7))
    wait_for_height(node, 3)
    assert node.status()["mining"] is True
    block = node.api("GET", "/blocks/height/1")
    assert block["txs"][0]["outputs"][0]["address"] == address(7)

    stop = {"enabled": False}
    assert node.api("POST", "/mining", admin=True, json=stop) == {"mining": False, "miners": 1}
    stopped = node.height()
    time.sleep(0.5)
    assert node.height() == stopped
    assert node.status()["mining"] is False

    start = {"enabled": True, "address": address(8), "miners": 2}
    assert node.api("POST", "/mining", admin=True, json=start) == {"mining": True, "miners": 2}
    wait_for_height(node, stopped + 2)
    assert node.api("GET", f"/blocks/{node.tip()}")["txs"][0]["outputs"][0]["address"] == address(8)
    assert node.stop() == 0  # a clean stop while mining
