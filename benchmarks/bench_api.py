"""api_tx_submit_per_s, api_tx_submit_p50_ms, api_tx_submit_p99_ms: signed transactions taken by
one node through POST /api/v1/txs from a concurrent loopback client while the node mines.

A real `pocketchain node --network regtest --miners 1` process runs on a free loopback port with a
temporary data directory. The bench funds one 1-in/1-out transaction per submission through the
node (funding.py: signing is not counted). Then the node mines continuously (its miner worker on
the other core) and CONNECTIONS keep-alive connections submit every transaction, one request at a
time each. Only 201 answers count as accepted (`api_tx_submit_errors` counts the others and must
be 0); the figure is accepted transactions over the wall time of the submission phase, and the
latencies are those of single requests (sent to fully answered).

The client is raw asyncio streams writing HTTP/1.1 by hand, so that it costs little of the 2 cores
it shares with the node; compare.py drives an empty route with it (`tx_request`, `submit`,
`run_loop`) and bench_scaling.py calls `run(txs)` at other sizes. Also reported, over the
submission phase: the blocks mined, the CPU of the node's own process (threads summed; the
nonce-search worker process is not in it) and of the client, each as a percentage of one core.
"""

import asyncio
import math
import tempfile
import time
from pathlib import Path
from typing import Any

from funding import fund
from pocketchain import Client
from pocketchain.consensus.tx import Tx
from procs import NodeProc

TXS = 24_000  # measured transactions
WARMUP = 500  # submitted first over the same connections, not counted
CONNECTIONS = 24
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
REQUEST_TIMEOUT = 30.0  # opening a connection
RUN_TIMEOUT = 300.0  # the whole submission phase


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime, stime in clock ticks (USER_HZ)


def tx_request(port: int, tx: Tx) -> bytes:
    """A ready-to-send HTTP/1.1 request submitting `tx` to the loopback server on `port`."""
    body = b'{"hex":"' + tx.raw.hex().encode() + b'"}'
    return (
        b"POST /api/v1/txs HTTP/1.1\r\nHost: 127.0.0.1:" + str(port).encode() + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


def _setup(node: NodeProc, count: int) -> list[bytes]:
    """`count` signed transactions, each spending its own confirmed output of the bench's key
    (funding.py), as ready-to-send HTTP/1.1 requests."""
    with Client(node.url, token=node.token) as chain:
        return [tx_request(node.port, tx) for tx in fund(chain, count)]


async def submit(
    port: int, requests: list[bytes], connections: int
) -> tuple[list[float], int, list[bytes], float]:
    """Send every request over `connections` keep-alive connections, one at a time on each.

    Returns the latencies of the 201 answers (seconds), how many were not 201, the first few
    bodies of those, and the wall time from the first request to the last answer.
    """
    streams = [
        await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), REQUEST_TIMEOUT)
        for _ in range(connections)
    ]
    latencies: list[float] = []
    errors: list[bytes] = []
    failed = 0
    todo = iter(requests)

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal failed
        for request in todo:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length)
            elapsed = time.perf_counter() - start
            if head[9:12] == b"201":
                latencies.append(elapsed)
            else:
                failed += 1
                if len(errors) < 3:
                    errors.append(head.split(b"\r\n", 1)[0] + b" " + body)

    start = time.perf_counter()
    try:
        await asyncio.wait_for(asyncio.gather(*(one(r, w) for r, w in streams)), RUN_TIMEOUT)
    finally:
        wall = time.perf_counter() - start
        for _, writer in streams:
            writer.close()
    return latencies, failed, errors, wall


def run_loop(coro: Any) -> Any:
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:
        return asyncio.run(coro)


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return math.nan
    return sorted_values[min(len(sorted_values) - 1, math.ceil(p * len(sorted_values)) - 1)]


def run(txs: int = TXS) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProc(Path(tmp))
        node.start(START_TIMEOUT)
        try:
            requests = _setup(node, WARMUP + txs)
            node.api("POST", "/mining", admin=True, json={"enabled": True})
            _, warm_failed, warm_errors, _ = run_loop(
                submit(node.port, requests[:WARMUP], CONNECTIONS)
            )
            if warm_failed:
                print(f"bench_api: warm-up: {warm_failed} not 201, first: {warm_errors[0]!r}")
            height = node.api("GET", "/status")["height"]
            node_cpu = _cpu_seconds(node.proc.pid)
            client_cpu = time.process_time()
            latencies, failed, errors, wall = run_loop(
                submit(node.port, requests[WARMUP:], CONNECTIONS)
            )
            client_cpu = time.process_time() - client_cpu
            node_cpu = _cpu_seconds(node.proc.pid) - node_cpu
            status = node.api("GET", "/status")
            node.api("POST", "/mining", admin=True, json={"enabled": False}, timeout=STOP_TIMEOUT)
        finally:
            node.stop()
    if failed:
        print(f"bench_api: {failed} answers were not 201; first: {errors[0]!r}")
    latencies.sort()
    return {
        "api_tx_submit_per_s": round(len(latencies) / wall),
        "api_tx_submit_p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
        "api_tx_submit_p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        "api_tx_submit_errors": failed,
        "api_tx_submit_blocks_mined": status["height"] - height,
        "api_tx_submit_node_cpu_pct": round(100 * node_cpu / wall),
        "api_tx_submit_client_cpu_pct": round(100 * client_cpu / wall),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
