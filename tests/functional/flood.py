"""A flood of bad messages from one peer, and the node's status latency meanwhile: shared by
the fault suite (test_faults_flood.py) and the benchmark (benchmarks/bench_flood.py).

`flood_polled` sends the messages from a process of its own (so the client shares no GIL with
the one timing the node) while this process asks for GET /api/v1/status again and again.
"""

import asyncio
import json
import multiprocessing
import random
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any, NamedTuple

import httpx

from pocketchain.consensus.block import Block
from pocketchain.consensus.hashes import from_display
from pocketchain.consensus.keys import key_hash, pubkey_from_secret
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.pow import compact_to_target
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve

MIB = 1024 * 1024
OVER_LIMIT = 4 * MIB + 1  # one byte past the node's body limit
# (kind, weight); "auth" kinds are well-formed requests whose content the peer routes judge, so
# they count against the peer until it is banned, and are refused (403) after
FLOOD_KINDS = [
    ("not-json", 20),  # a body that is not JSON at all
    ("wrong-shape", 20),  # JSON, but not the shape of the route's body
    ("too-many-txs", 5),  # more transactions than a relay may carry
    ("bad-hex", 20),  # auth: not hexadecimal
    ("bad-hex-txs", 15),  # auth: transactions that are not hexadecimal
    ("not-a-block", 10),  # auth: hex, but not a serialized block
    ("invalid-block", 5),  # auth: a block that breaks a consensus rule
    ("over-limit", 3),  # a body announced larger than the limit
    ("over-limit-sent", 2),  # a body sent in chunks until it passes the limit
]
REGTEST_BITS = 0x207FFFFF
AUTH_KINDS = {"bad-hex", "bad-hex-txs", "not-a-block", "invalid-block"}
PAY_TO = key_hash(pubkey_from_secret((1).to_bytes(32, "big")))  # the bad blocks' coinbase


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p99) of latencies in seconds, in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000


def invalid_blocks(tip: dict[str, Any]) -> list[str]:
    """Blocks on `tip` (a GET /blocks/{hash} answer) that each break one rule, in hex: a
    coinbase that claims too much (bad-cb-amount), a header that misses its target (high-hash)
    and transactions that do not match the merkle root (bad-txnmrklroot)."""
    height, prev, when = tip["height"] + 1, from_display(tip["hash"]), tip["time"] + 1
    greedy = assemble_block(REGTEST, prev, height, when, REGTEST_BITS, (), 1, PAY_TO, b"f")
    honest = assemble_block(REGTEST, prev, height, when, REGTEST_BITS, (), 0, PAY_TO, b"h")
    greedy_header, honest_header = solve(greedy.header), solve(honest.header)
    assert greedy_header is not None and honest_header is not None
    target = compact_to_target(REGTEST_BITS)[0]
    missed = next(
        header
        for nonce in range(1_000)
        if int.from_bytes((header := replace(honest.header, nonce=nonce)).hash, "little") > target
    )
    bad = [
        Block(greedy_header, greedy.txs),
        Block(missed, honest.txs),
        Block(honest_header, greedy.txs),
    ]
    return [block.raw.hex() for block in bad]


def _request(path: str, key: str, body: bytes, length: int | None = None) -> bytes:
    """A POST of a JSON `body` announced as `length` bytes (by default its own length)."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    head += f"X-Peer-Key: {key}\r\nContent-Length: {len(body) if length is None else length}\r\n"
    return head.encode() + b"\r\n" + body


def flood_message(kind: str, key: str, blocks: list[str], rng: random.Random) -> bytes:
    """One HTTP request of `kind` (see FLOOD_KINDS), ready to send."""
    blocks_path, txs_path = "/api/v1/peers/blocks", "/api/v1/peers/txs"
    noise = rng.randbytes(rng.randint(1, 200))
    match kind:
        case "not-json":
            return _request(rng.choice((blocks_path, txs_path)), key, b"{" + noise)
        case "wrong-shape":
            body = rng.choice((b'{"hex": 12}', b'{"txs": "00"}', b"[1, 2]", b'{"hex": null}'))
            return _request(rng.choice((blocks_path, txs_path)), key, body)
        case "too-many-txs":
            return _request(txs_path, key, json.dumps({"txs": ["00"] * 1_001}).encode())
        case "bad-hex":
            return _request(blocks_path, key, json.dumps({"hex": "zz" + noise.hex()}).encode())
        case "bad-hex-txs":
            return _request(txs_path, key, json.dumps({"txs": ["0g", noise.hex()]}).encode())
        case "not-a-block":
            return _request(blocks_path, key, json.dumps({"hex": noise.hex()}).encode())
        case "invalid-block":
            return _request(blocks_path, key, json.dumps({"hex": rng.choice(blocks)}).encode())
        case "over-limit":  # only the announcement: the node refuses before reading a byte
            return _request(blocks_path, key, b"", length=5 * MIB)
    raise ValueError(kind)


async def _answer(reader: asyncio.StreamReader) -> tuple[int, str, bool]:
    """(status, error code or "", whether the server closes the connection) of one response."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, close = 0, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
        elif name.lower() == b"connection":
            close = value.strip().lower() == b"close"
    body = await reader.readexactly(length)
    code = ""
    if status >= 400:
        code = str(json.loads(body)["error"]["code"])
    return status, code, close


async def _send_over_limit(writer: asyncio.StreamWriter, key: str) -> None:
    """A chunked body (no length announced) that grows past the limit."""
    head = f"POST /api/v1/peers/blocks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Peer-Key: {key}\r\n"
    head += "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    writer.write(head.encode())
    chunk = b'{"hex": "' + b"00" * (256 * 1024)
    sent = 0
    while sent < OVER_LIMIT:
        writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        await writer.drain()
        sent += len(chunk)


async def _flood(
    host: str, port: int, key: str, count: int, seed: int, blocks: list[str], connections: int
) -> list[tuple[int, str, int, str]]:
    rng = random.Random(seed)
    kinds = rng.choices([k for k, _ in FLOOD_KINDS], [w for _, w in FLOOD_KINDS], k=count)
    todo = iter(enumerate(kinds))
    results: list[tuple[int, str, int, str]] = []  # (index, kind, status, code); 0: closed

    async def one() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for index, kind in todo:
                close = True
                try:
                    if kind == "over-limit-sent":
                        await _send_over_limit(writer, key)
                    else:
                        writer.write(flood_message(kind, key, blocks, rng))
                        await writer.drain()
                    status, code, close = await _answer(reader)
                except (ConnectionError, asyncio.IncompleteReadError):
                    if kind != "over-limit-sent":  # only a body past the limit may be cut off
                        raise
                    status, code = 0, ""
                results.append((index, kind, status, code))
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    await asyncio.wait_for(asyncio.gather(*(one() for _ in range(connections))), 600)
    return sorted(results)


class Flooded(NamedTuple):
    started: float  # time.monotonic() (the same clock in every process)
    ended: float
    results: list[tuple[int, str, int, str]]  # (index, kind, status, error code), by index


def flood(
    url: str, key: str, count: int, seed: int, blocks: list[str], connections: int = 16
) -> Flooded:
    """Send `count` bad messages (FLOOD_KINDS, mixed at random) as the peer holding `key`, over
    `connections` connections at once; how each was answered (status 0: the node closed the
    connection on a body past its limit).

    Run it in a process of its own (see `flood_polled`), so that the client does not share a
    GIL with whoever times the node meanwhile."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    results = asyncio.run(_flood(host, int(port), key, count, seed, blocks, connections))
    return Flooded(started, time.monotonic(), results)


class Polled(NamedTuple):
    latencies: list[float]  # seconds, of the status requests sent while the flood ran
    failures: list[str]  # requests that failed or took over the bound, whenever sent


def flood_polled(url: str, bound: float, *args: Any) -> tuple[Flooded, Polled]:
    """`flood(url, *args)` in a process of its own while this one asks for GET /api/v1/status
    again and again, each request failing past `bound` seconds."""
    latencies, failures = [], []
    spawn = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(1, mp_context=spawn) as pool,
        httpx.Client(base_url=url, timeout=bound) as http,
    ):
        sending = pool.submit(flood, url, *args)
        while not sending.done():
            start = time.monotonic()
            try:
                answer = http.get("/api/v1/status")
            except httpx.HTTPError as exc:
                failures.append(repr(exc))
                continue
            latencies.append((start, time.monotonic() - start))
            if answer.status_code != 200:
                failures.append(f"{answer.status_code}: {answer.text}")
            time.sleep(0.005)
        flooded = sending.result()
    during = [t for start, t in latencies if flooded.started <= start <= flooded.ended]
    return flooded, Polled(during, failures)
