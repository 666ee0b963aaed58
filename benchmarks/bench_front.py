"""embedded_submit_tx_per_s and client_submit_tx_per_s: signed transactions through the Python API.

Embedded: a regtest `pocketchain.Node` in this process (SQLite in a temporary directory, no HTTP)
takes TXS transactions (funding.py: signing is not counted) through `Node.submit`, one after
another from one thread. compare.py sets it against validate_tx_per_s, the full validation of the
same kind of transaction without any front door: what the door adds (the writer lock, the
mempool's policy and bookkeeping, the events, the snapshot) must cost under 15 %.

Client: a `pocketchain node` process mining continuously, as for api_tx_submit_per_s, takes
CLIENT_TXS transactions through `pocketchain.Client.submit`, one after another, as a script sends
them; then as many through bench_api's hand-written HTTP/1.1 over one connection, the same way
(`client_submit_raw_http_tx_per_s`). The two differ by what the client library costs;
api_tx_submit_per_s, with 24 connections at once, is what the node takes when many clients send.
"""

import tempfile
import time
from pathlib import Path

import pocketchain
from bench_api import START_TIMEOUT, STOP_TIMEOUT, TXS, WARMUP, run_loop, submit, tx_request
from funding import fund
from procs import NodeProc

CLIENT_TXS = 6_000  # one at a time: a few seconds


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


def client(txs: int = TXS) -> dict[str, float]:
    """The Client and a hand-written HTTP client, each one transaction at a time over one
    connection to a mining node: what a script does."""
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProc(Path(tmp))
        node.start(START_TIMEOUT)
        try:
            with pocketchain.Client(node.url, token=node.token) as chain:
                batch = fund(chain, 2 * (WARMUP + txs))
                node.api("POST", "/mining", admin=True, json={"enabled": True})
                through_client, raw = batch[: WARMUP + txs], batch[WARMUP + txs :]
                for tx in through_client[:WARMUP]:
                    chain.submit(tx)
                start = time.perf_counter()
                for tx in through_client[WARMUP:]:
                    chain.submit(tx)  # raises on a refusal: every one counts
                elapsed = time.perf_counter() - start
            requests = [tx_request(node.port, tx) for tx in raw]
            run_loop(submit(node.port, requests[:WARMUP], 1))
            answered, failed, errors, wall = run_loop(submit(node.port, requests[WARMUP:], 1))
            assert not failed, errors
            node.api("POST", "/mining", admin=True, json={"enabled": False}, timeout=STOP_TIMEOUT)
        finally:
            node.stop()
    return {
        "client_submit_tx_per_s": round(txs / elapsed),
        "client_submit_raw_http_tx_per_s": round(len(answered) / wall),
    }


def run() -> dict[str, float]:
    return {"embedded_submit_tx_per_s": round(embedded())} | client(CLIENT_TXS)


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
