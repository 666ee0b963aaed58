"""The lab's figures: scenario_selfish_mining_1000_blocks_s and lab_10_nodes_rss_mb.

scenario_selfish_mining_1000_blocks_s: `pocketchain scenario run selfish-mining` with 1,000
blocks (alpha 0.33, gamma 0), start to end (the bound is 5 minutes). lab_10_nodes_rss_mb: the
memory of a 10-node `pocketchain devnet --file` network (the devnet process, its ten nodes and
their miner workers; proportional set sizes, so shared pages count once), mining in the
exponential mode, RUN_S seconds after it started.
"""

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from procs import free_port

NODES = 10
RUN_S = 30.0
START_LIMIT = 180.0
NETWORK = (
    """
topology = "random:3"
[defaults]
latency_ms = 20
block_interval = 5
"""
    + "[[nodes]]\n" * NODES
)


def selfish_mining_s() -> float:
    start = time.perf_counter()
    args = ["selfish-mining", "--param", "blocks=1000", "--param", "alpha=0.33", "--json"]
    subprocess.run([sys.executable, "-m", "pocketchain", "scenario", "run", *args], check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def tree_rss_mb(root: int) -> float:
    """The memory of `root` and every process below it: the sum of their proportional set
    sizes (PSS), so that pages the miner workers share with their forkserver count once."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            rollup = (entry / "smaps_rollup").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        rss[pid] = next(
            (int(row.split()[1]) for row in rollup.splitlines() if row.startswith("Pss:")), 0
        )
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(rss.get(pid, 0) for pid in tree) / 1024


def lab_rss_mb() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        net = Path(tmp) / "net.toml"
        net.write_text(NETWORK)
        base = free_port()
        for _ in range(100):  # ten ports in a row, all free
            if all(_free(base + i) for i in range(NODES)):
                break
            base = free_port()
        args = ["devnet", "--file", str(net), "--port", str(base), "--data-dir", f"{tmp}/data"]
        devnet = subprocess.Popen([sys.executable, "-m", "pocketchain", *args],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            state = Path(tmp) / "data" / "devnet.json"
            began = time.monotonic()
            while not state.exists():
                if time.monotonic() - began > START_LIMIT or devnet.poll() is not None:
                    raise RuntimeError("the 10-node devnet did not start")
                time.sleep(0.5)
            time.sleep(RUN_S)  # a steady state to measure, not a wait for a condition
            height = httpx.get(f"http://127.0.0.1:{base}/api/v1/status").json()["height"]
            if height < 1:
                raise RuntimeError("the lab network mined nothing")
            return tree_rss_mb(devnet.pid)
        finally:
            devnet.terminate()
            devnet.wait(60)


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run() -> dict[str, float]:
    return {
        "scenario_selfish_mining_1000_blocks_s": round(selfish_mining_s(), 1),
        "lab_10_nodes_rss_mb": round(lab_rss_mb(), 1),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
