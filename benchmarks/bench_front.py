"""embedded_submit_tx_per_s and client_submit_tx_per_s: signed transactions through the Python API.

Embedded: a regtest `pocketchain.Node` in this process (SQLite in a temporary directory, no HTTP)
takes TXS transactions (funding.py: signing is not counted) through `Node.submit`, one after
another from one thread. compare.py sets it against validate_tx_per_s, the full validation of the
same kind of transaction without any front door: what the door adds (the hop to the writer
thread, the mempool's policy and bookkeeping, the events, the snapshot) must cost under 15 %.

Client: a `pocketchain node` process mining continuously, as for api_tx_submit_per_s, takes the
same number through `pocketchain.AsyncClient.submit` from CONNECTIONS concurrent tasks sharing one
client; set against api_tx_submit_per_s (a hand-written HTTP client), it is the client library's
cost. Only accepted transactions count; `client_submit_tx_errors` must be 0.
"""

import asyncio
import tempfile
import time
from pathlib import Path

import pocketchain
from bench_api import CONNECTIONS, START_TIMEOUT, STOP_TIMEOUT, TXS, WARMUP, run_loop
from funding import fund
from pocketchain.consensus.tx import Tx
from procs import NodeProc


def embedded(txs: int = TXS) -> float:
    with pocketchain.Node(miners=1) as node:
        batch = fund(node, WARMUP + txs)
        for tx in batch[:WARMUP]:
            node.submit(tx)
        start = time.perf_counter()
        for tx in batch[WARMUP:]:
            node.submit(tx)
        elapsed = time.perf_counter() - start
        assert node.status().mempool == WARMUP + txs
    return txs / elapsed


async def _submit_all(client: pocketchain.AsyncClient, batch: list[Tx]) -> tuple[int, float]:
    """Submit `batch` from CONNECTIONS tasks; (how many were refused, wall seconds)."""
    todo = iter(batch)
    refused = 0

    async def one() -> None:
        nonlocal refused
        for tx in todo:
            try:
                await client.submit(tx)
            except pocketchain.PocketchainError:
                refused += 1

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(CONNECTIONS)))
    return refused, time.perf_counter() - start


def client(txs: int = TXS) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProc(Path(tmp))
        node.start(START_TIMEOUT)
        try:
            with pocketchain.Client(node.url, token=node.token) as chain:
                batch = fund(chain, WARMUP + txs)
                chain_mining = node.api("POST", "/mining", admin=True, json={"enabled": True})
                assert chain_mining["mining"]

            async def measure() -> tuple[int, float]:
                async with pocketchain.AsyncClient(node.url) as c:
                    await _submit_all(c, batch[:WARMUP])
                    return await _submit_all(c, batch[WARMUP:])

            refused, wall = run_loop(measure())
            node.api("POST", "/mining", admin=True, json={"enabled": False}, timeout=STOP_TIMEOUT)
        finally:
            node.stop()
    return (txs - refused) / wall, refused


def run() -> dict[str, float]:
    per_s, refused = client()
    return {
        "embedded_submit_tx_per_s": round(embedded()),
        "client_submit_tx_per_s": round(per_s),
        "client_submit_tx_errors": refused,
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
