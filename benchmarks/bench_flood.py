"""flood_api_p50_ms, flood_api_p99_ms: how fast a node answers GET /api/v1/status while one peer
floods it with 10,000 bad messages; the target is a p99 under 100 ms.

A real `pocketchain node --network regtest --miners 1` process; a client shakes hands with it as
a peer, then sends the fault suite's mix of malformed, oversized and invalid messages
(tests/functional/flood.py) over 16 connections, from a process of its own. The peer is banned
after its first few messages; everything after is refused. Meanwhile one keep-alive client asks
for the status again and again; the latencies are those of the requests sent while the flood ran.
Also reported: the flood's messages per second, and `flood_api_errors` (status requests that
failed plus messages answered 5xx; must be 0).
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "functional"))

from flood import flood_polled, invalid_blocks, percentiles

from procs import NodeProc, free_port

MESSAGES = 10_000
CONNECTIONS = 16
REQUEST_TIMEOUT = 10.0  # one status request (a hang, not a figure)
SEED = 7


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProc(Path(tmp))
        node.start()
        try:
            node.api("POST", "/mine", admin=True, json={"blocks": 2})
            status = node.status()
            hello = {  # a peer at an address nobody answers: its key works all the same
                key: status[key] for key in ("network", "genesis", "height", "tip", "chainwork")
            } | {"url": f"http://127.0.0.1:{free_port()}", "key": "k" * 32}
            key = node.api("POST", "/peers/hello", json=hello)["key"]
            blocks = invalid_blocks(node.api("GET", f"/blocks/{status['tip']}"))
            flooded, polled = flood_polled(
                node.url, REQUEST_TIMEOUT, key, MESSAGES, SEED, blocks, CONNECTIONS
            )
        finally:
            node.stop()
    p50, p99 = percentiles(polled.latencies)
    server_errors = sum(status >= 500 for _, _, status, _ in flooded.results)
    return {
        "flood_api_p50_ms": round(p50, 1),
        "flood_api_p99_ms": round(p99, 1),
        "flood_api_errors": len(polled.failures) + server_errors,
        "flood_msgs_per_s": round(MESSAGES / (flooded.ended - flooded.started)),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
