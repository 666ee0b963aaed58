"""`pocketchain devnet`: three mining nodes that find each other, demo wallets that pay and
post (--demo), and a clean Ctrl-C."""

import json
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from devnets import admin, free_ports, kill_leftovers, processes_using, three_nodes
from framework import EXE

pytestmark = pytest.mark.functional


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    assert eventually(check, timeout), f"{what}: not after {timeout} s"


def eventually(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def test_devnet_starts_three_mining_nodes_that_agree_and_stop_on_ctrl_c(tmp_path: Path) -> None:
    base = free_ports(3)
    data_dir = tmp_path / "devnet-data"
    urls = [f"http://127.0.0.1:{base + i}" for i in range(3)]
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    args = [str(EXE), "devnet", "--nodes", "3", "--port", str(base), "--data-dir", str(data_dir)]
    with open(out_file, "wb") as out, open(err_file, "wb") as err:
        devnet = subprocess.Popen(args, stdout=out, stderr=err)
    http = httpx.Client(timeout=5)

    def output() -> str:
        assert devnet.poll() is None, f"devnet exited: {err_file.read_text()}"
        return out_file.read_text()

    def statuses() -> list[dict]:
        return [http.get(f"{url}/api/v1/status").json() for url in urls]

    try:
        wait_until(lambda: all(f"{url}/" in output() for url in urls), 120, "the three URLs")
        assert f"web UI and API: {urls[0]}/" in output()
        assert (data_dir / "devnet" / "admin.token").exists()  # node 0 is the default node
        assert (data_dir / "devnet-node2" / "devnet" / "node.log").exists()
        first = statuses()
        assert [s["network"] for s in first] == ["devnet"] * 3

        def all_mined() -> bool:
            return all(s["height"] > f["height"] for s, f in zip(statuses(), first, strict=True))

        wait_until(all_mined, 60, "every node mines")

        def agree() -> bool:
            now = statuses()
            return len({s["tip"] for s in now}) == 1 and now[0]["height"] >= 3

        agreed = eventually(agree, 90)  # needs the peer network; asserted after the stop
        wait_until(lambda: "height " in output(), 30, "a status line")

        children = processes_using(data_dir)
        assert len(children) >= 3
        devnet.send_signal(signal.SIGINT)
        assert devnet.wait(30) == 0
        assert processes_using(data_dir) & children == set()
        assert agreed, f"no common tip at height >= 3 after 90 s: {out_file.read_text()}"
    finally:
        kill_leftovers(devnet, data_dir)
        http.close()


def test_devnet_refuses_a_port_in_use(tmp_path: Path) -> None:
    base = free_ports(3)
    data_dir = tmp_path / "devnet-data"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", base + 1))
        busy.listen()
        args = [str(EXE), "devnet", "--port", str(base), "--data-dir", str(data_dir)]
        out = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert str(base + 1) in lines[0]
    assert processes_using(data_dir) == set()


def test_devnet_demo_wallets_pay_each_other_and_post(tmp_path: Path) -> None:
    base = free_ports(2)
    data_dir = tmp_path / "devnet-data"
    url = f"http://127.0.0.1:{base}/api/v1"
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    args = [str(EXE), "devnet", "--nodes", "2", "--demo", "--port", str(base)]
    with open(out_file, "wb") as out, open(err_file, "wb") as err:
        devnet = subprocess.Popen([*args, "--data-dir", str(data_dir)], stdout=out, stderr=err)
    http = httpx.Client(timeout=5)
    blocks: dict[str, dict] = {}  # every block seen, by hash

    def running() -> bool:
        assert devnet.poll() is None, f"devnet exited: {err_file.read_text()}"
        return True

    def posts() -> list[dict]:
        return http.get(f"{url}/posts").json()["posts"] if running() else []

    def payment_in_a_block() -> bool:
        """A transaction of the active chain that is no coinbase, no post and pays no mining
        key: a payment between demo wallets (a faucet payout's change goes to the mining key)."""
        running()
        active = http.get(f"{url}/blocks", params={"limit": 500}).json()["blocks"]
        for summary in active:
            if summary["hash"] not in blocks:
                blocks[summary["hash"]] = http.get(f"{url}/blocks/{summary['hash']}").json()
        txs = [tx for summary in active for tx in blocks[summary["hash"]]["txs"]]
        miners = {
            out["address"] for tx in txs if "coinbase" in tx["inputs"][0] for out in tx["outputs"]
        }
        return any(
            "coinbase" not in tx["inputs"][0]
            and tx["data"] is None
            and not any(out["address"] in miners for out in tx["outputs"])
            for tx in txs
        )

    try:
        wait_until(lambda: running() and "demo wallets" in out_file.read_text(), 60, "the demo")
        wait_until(lambda: bool(posts()), 90, "a demo post")
        wait_until(payment_in_a_block, 90, "a demo payment in a block")
        log = (data_dir / "devnet" / "demo.log").read_text()
        assert " pays " in log and " posts " in log
        line = re.compile(r"demo wallets: \d+ payments?, \d+ posts?$", re.MULTILINE)
        wait_until(lambda: bool(line.search(out_file.read_text())), 30, "the demo's status line")
        assert "Traceback" not in err_file.read_text()

        children = processes_using(data_dir)
        assert len(children) >= 2
        devnet.send_signal(signal.SIGINT)
        assert devnet.wait(30) == 0
        assert processes_using(data_dir) & children == set()
    finally:
        kill_leftovers(devnet, data_dir)
        http.close()


def test_devnet_keeps_to_its_topology(tmp_path: Path) -> None:
    with three_nodes(tmp_path, "--topology", "line") as (urls, data_dir, http):

        def peers(n: int) -> set[str]:
            answer = http.get(f"{urls[n]}/api/v1/peers").json()
            return {p["url"] for p in answer if p["connected"]}

        def linked() -> bool:
            try:
                return (
                    peers(0) == {urls[1]}
                    and peers(1) == set(urls) - {urls[1]}
                    and peers(2) == {urls[1]}
                )
            except httpx.HTTPError:
                return False

        wait_until(linked, 120, "0 - 1 - 2 in a line")
        answer = http.post(f"{urls[0]}/api/v1/mine", json={"blocks": 1}, headers=admin(data_dir, 0))
        mined = answer.json()["hashes"][0]
        tip = lambda: http.get(f"{urls[2]}/api/v1/status").json()["tip"]  # noqa: E731
        wait_until(lambda: tip() == mined, 30, "node 0's block to reach node 2 through node 1")
        assert peers(0) == {urls[1]}  # and still no link from 0 to 2


def test_devnet_split_heal_and_status_from_another_terminal(tmp_path: Path) -> None:
    with three_nodes(tmp_path) as (urls, data_dir, http):

        def control(*words: str) -> str:
            command = [str(EXE), "devnet", *words, "--data-dir", str(data_dir)]
            out = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
            assert out.returncode == 0, out.stderr
            return out.stdout

        def peers(n: int) -> int:
            return int(http.get(f"{urls[n]}/api/v1/status").json()["peers"])

        def mine(n: int, blocks: int) -> str:
            answer = http.post(
                f"{urls[n]}/api/v1/mine", json={"blocks": blocks}, headers=admin(data_dir, n)
            )
            return str(answer.json()["hashes"][-1])

        def tips() -> set[str]:
            return {http.get(f"{url}/api/v1/status").json()["tip"] for url in urls}

        wait_until((data_dir / "devnet.json").exists, 120, "the devnet to start")
        wait_until(lambda: [peers(n) for n in range(3)] == [2, 2, 2], 60, "a mesh")
        assert "cut 2 links: 0-2 1-2" in control("split", "0,1", "2")
        wait_until(lambda: peers(2) == 0, 30, "node 2 cut off")
        mine(0, 2)
        lone = mine(2, 4)  # more work on node 2's side
        status = json.loads(control("status", "--json"))
        assert status["cut"] == [[0, 2], [1, 2]] and status["nodes"][2]["tip"] == lone
        assert status["nodes"][0]["tip"] != lone  # nothing crossed the split
        assert "healed 2 links" in control("heal")
        wait_until(lambda: tips() == {lone}, 60, "the heavier side to win everywhere")
        assert json.loads(control("status", "--json"))["cut"] == []
    assert not (data_dir / "devnet.json").exists()  # gone with the devnet


NETWORK_FILE = """
[defaults]
block_interval = 3600   # the paced miners stay quiet: the test mines on demand

[[nodes]]
name = "near"
share = 0.75

[[nodes]]
name = "far"
share = 0.25

[[nodes]]
name = "relay"
mining = false

[[links]]
between = ["near", "far"]
latency_ms = 400

[[links]]
between = ["near", "relay"]
"""


def test_devnet_from_a_network_file_keeps_its_shares_and_latencies(tmp_path: Path) -> None:
    net_file = tmp_path / "net.toml"
    net_file.write_text(NETWORK_FILE)
    base = free_ports(3)
    data_dir = tmp_path / "devnet-data"
    args = [str(EXE), "devnet", "--file", str(net_file), "--port", str(base)]
    out_file = tmp_path / "out.txt"
    with open(out_file, "wb") as out:
        devnet = subprocess.Popen([*args, "--data-dir", str(data_dir)], stdout=out)
    urls = [f"http://127.0.0.1:{base + i}" for i in range(3)]
    http = httpx.Client(timeout=5)
    try:
        wait_until((data_dir / "devnet.json").exists, 120, "the devnet to start")
        assert "exponential mode (shares near 75%, far 25%)" in out_file.read_text()
        command = [str(EXE), "devnet", "status", "--json", "--data-dir", str(data_dir)]
        status = json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
        assert status["mode"] == "exponential"
        assert [n["share"] for n in status["nodes"]] == [0.75, 0.25, None]
        assert [n["mining"] for n in status["nodes"]] == [True, True, False]
        assert status["links"] == [
            {"between": [0, 1], "latency_ms": 400.0, "loss": 0.0},
            {"between": [0, 2], "latency_ms": 0.0, "loss": 0.0},
        ]
        log = (data_dir / "devnet-node1" / "devnet" / "node.log").read_text()
        assert "a block every 14400 s on average" in log  # 3600 s / 0.25

        def peers(n: int) -> int:
            return int(http.get(f"{urls[n]}/api/v1/status").json()["peers"])

        wait_until(lambda: [peers(n) for n in range(3)] == [2, 1, 1], 60, "the two links")
        start = time.monotonic()
        answer = http.post(f"{urls[0]}/api/v1/mine", json={"blocks": 1}, headers=admin(data_dir, 0))
        mined = answer.json()["hashes"][0]
        tip = lambda n: http.get(f"{urls[n]}/api/v1/status").json()["tip"]  # noqa: E731
        wait_until(lambda: tip(2) == mined and tip(1) == mined, 30, "the block everywhere")
        # node 1 dialled node 0 over the slow link: the block crossed it at least twice (news
        # out and back), 800 ms in all, whatever else the machine was doing
        assert time.monotonic() - start >= 0.8
    finally:
        devnet.send_signal(signal.SIGINT)
        devnet.wait(30)
        kill_leftovers(devnet, data_dir)
        http.close()


def test_devnet_names_what_is_wrong_in_a_network_file(tmp_path: Path) -> None:
    net_file = tmp_path / "net.toml"
    net_file.write_text("[[nodes]]\nshare = 0.5\n[[nodes]]\nshare = 0.7\n")
    data_dir = tmp_path / "devnet-data"
    args = [str(EXE), "devnet", "--file", str(net_file), "--data-dir", str(data_dir)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"error: {net_file}: the shares add up to 1.2, more than 1"
    ]
    both = subprocess.run([*args, "--nodes", "4"], capture_output=True, text=True, check=False)
    assert both.returncode == 1 and "leave out --nodes and --topology" in both.stderr
    assert processes_using(data_dir) == set()
