"""Continuous mining: `node --mine` and `POST /api/v1/mining` start and stop it."""

import subprocess
import time

from coins import address
from framework import EXE, TestNode


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


def test_mine_command_prints_every_hash(nodes) -> None:
    """`pocketchain mine` says first what a block costs, then prints each hash in order and,
    off a terminal, a line on stderr as each block comes (a bar on a terminal); the admin token
    comes from the node's data directory."""
    node: TestNode = nodes()
    argv = [str(EXE), "mine", "--blocks", "25", "--to", address(3), "--network", "regtest"]
    argv += ["--node", node.url, "--data-dir", str(node.data_dir)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0
    said = out.stderr.splitlines()
    assert said[0].startswith("mining 25 blocks: about 2 attempts each")  # regtest's easy target
    assert "the node has not mined yet" in said[0]
    assert [line.split(" (")[0] for line in said[1:]] == [f"mined {n} of 25" for n in range(1, 26)]
    hashes = out.stdout.split()
    assert hashes == [node.api("GET", f"/blocks/height/{h}")["hash"] for h in range(1, 26)]
    assert node.api("GET", "/addresses/" + address(3))["tx_count"] == 25
    again = subprocess.run([*argv[:3], "1", *argv[4:]], capture_output=True, text=True, check=True)
    assert "H/s about" in again.stderr.splitlines()[0]  # now its speed is known
