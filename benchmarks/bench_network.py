"""An open network's figures: discovery_converge_s, block_reach_30_nodes_p95_ms, idle_node_rss_mb.

Thirty nodes in a line, each on a netgroup of its own (127.N.0.1) and given only the node before
it. discovery_converge_s: from starting the first until every node has its 8 outbound peers.
block_reach_30_nodes_p95_ms: a block mined on one node, until all 30 report it as their tip (the
p95 of 20 blocks, mined on nodes in turn). idle_node_rss_mb: the resident memory of a node in that
network that mines nothing.
"""

import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from procs import NodeProc

NODES = 30
OUTBOUND = 8
BLOCKS = 20
CONVERGE_LIMIT = 300.0


def outbound(node: NodeProc) -> int:
    peers = node.api("GET", "/peers")
    return sum(p["direction"] == "outbound" and p["connected"] for p in peers)


def rss_mb(node: NodeProc) -> float:
    assert node.proc is not None
    status = Path(f"/proc/{node.proc.pid}/status").read_text()
    (line,) = [row for row in status.splitlines() if row.startswith("VmRSS:")]
    return int(line.split()[1]) / 1024


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(8) as pool:
        line: list[NodeProc] = []
        try:
            began = time.perf_counter()
            for n in range(NODES):
                extra = ("--peer", line[-1].url) if line else ()
                node = NodeProc(Path(tmp) / f"n{n}", *extra, host=f"127.{n + 1}.0.1")
                node.start()
                line.append(node)
            while min(pool.map(outbound, line)) < OUTBOUND:
                if time.perf_counter() - began > CONVERGE_LIMIT:
                    raise RuntimeError(f"no convergence in {CONVERGE_LIMIT:g} s")
                time.sleep(0.2)
            converged = time.perf_counter() - began
            idle = rss_mb(line[NODES // 2])
            reach = []
            for n in range(BLOCKS):
                miner = line[n * 7 % NODES]
                start = time.perf_counter()
                block = miner.api("POST", "/mine", admin=True, json={"blocks": 1})["hashes"][0]
                while any(tip != block for tip in pool.map(lambda p: p.status()["tip"], line)):
                    if time.perf_counter() - start > 60:
                        raise RuntimeError("a block did not reach every node in 60 s")
                reach.append((time.perf_counter() - start) * 1000)
        finally:
            for node in line:
                node.stop()
    return {
        "discovery_converge_s": round(converged, 1),
        "block_reach_30_nodes_p95_ms": round(statistics.quantiles(reach, n=20)[18], 1),
        "idle_node_rss_mb": round(idle, 1),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
