"""`make bench-compare`: pocketchain's figures next to the machine's limits, from one run.

The limits are what the libraries pocketchain stands on reach alone, measured here on this machine
in the same run: OpenSSL's SHA-256, libsecp256k1's BIP-340 verification through coincurve, SQLite
through the stdlib sqlite3 module, and an empty route on the same HTTP server as the node. The
pocketchain figures come from the bench modules' own run(), at their full sizes. Each figure is
set against the limit of the same work, its fraction of that limit printed, with `name: value`
lines of everything. bench_scaling.py and bench_longchain.py run too. Everything is written to
docs/performance.md with a description of the machine.
"""

import hashlib
import importlib.metadata
import math
import os
import platform
import random
import re
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).parent))

import httpx
from coincurve import PrivateKey, PublicKeyXOnly

import bench_api
import bench_chain
import bench_front
import bench_longchain
import bench_mine
import bench_scaling
import bench_validate
import funding
from pocketchain.consensus.tx import COIN, OutPoint
from pocketchain.mining.search import KERNEL
from procs import free_port

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
REPEATS = 3  # the in-process limits keep their best run: a limit is what the machine can do
SIGNATURES = 10_000
ROWS = 100_000
ROUTE_PASSES = 2  # timed passes over each empty route, the best kept

# -- the limits ------------------------------------------------------------------------------


def sha256_limit() -> dict[str, float]:
    """OpenSSL's SHA-256 on one core, and the mining attempts per second it allows.

    The columns of `openssl speed` are thousands of bytes per second hashing messages of 16 to
    16,384 bytes, one whole digest per message. The largest is the compression function's rate
    (64 bytes per compression, padding within 0.4 %); a digest of a 64-byte message is two
    compressions (the block, then the padding) plus the digest's setup and finish. An attempt
    from a midstate is two compressions too: the last 16 header bytes + padding, then the 32-byte
    digest + padding. So attempts/s = compressions/s / 2.
    """
    out = subprocess.run(
        ["openssl", "speed", "-evp", "sha256", "-seconds", "2"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sizes = [int(n) for n in re.findall(r"(\d+) bytes", out)]
    line = next(line for line in out.splitlines() if line.startswith("sha256"))
    rates = dict(zip(sizes, (float(v.rstrip("k")) * 1000 for v in line.split()[1:]), strict=True))
    compressions = rates[max(sizes)] / 64
    return {
        "limit_sha256_64B_digests_per_s": round(rates[64] / 64),
        "limit_sha256_compressions_per_s": round(compressions),
        "limit_mine_attempts_per_s": round(compressions / 2),
    }


def _best_rate(count: int, work: Callable[[], Any]) -> float:
    """`count` units of work per second, the best of REPEATS runs of `work`."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return count / best


def secp256k1_limit() -> dict[str, float]:
    """BIP-340 verifications per second on one core, the call consensus/keys.py makes."""
    items = []
    for n in range(SIGNATURES):
        key = PrivateKey((n + 1).to_bytes(32, "big"))
        digest = hashlib.sha256(n.to_bytes(8, "big")).digest()
        items.append((key.public_key_xonly.format(), key.sign_schnorr(digest, bytes(32)), digest))

    def verify_all() -> None:
        for pubkey, signature, digest in items:
            assert PublicKeyXOnly(pubkey).verify(signature, digest)

    return {"limit_secp256k1_verify_per_s": round(_best_rate(SIGNATURES, verify_all))}


def sqlite_limit() -> dict[str, float]:
    """Rows shaped like the UTXO set's (a 36-byte outpoint key, amount, key hash, height, flag) on
    a connection set up as chain/sqlite.py's: inserted with executemany in one transaction, looked
    up one by one, deleted with executemany in one transaction; ROWS of each, in random order."""
    rows = []
    for n in range(ROWS):
        txid = hashlib.sha256(n.to_bytes(8, "big")).digest()
        rows.append((txid + bytes(4), 10 * COIN, txid[:20], n, 0))
    keys = random.Random(0).sample([(row[0],) for row in rows], ROWS)  # another random order
    best = {"inserts": 0.0, "lookups": 0.0, "deletes": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(f"{tmp}/limit.db", isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(
            "CREATE TABLE coins (outpoint BLOB PRIMARY KEY, amount INTEGER NOT NULL,"
            " key_hash BLOB NOT NULL, height INTEGER NOT NULL, coinbase INTEGER NOT NULL)"
        )
        cur = conn.cursor()

        def inserts() -> None:
            cur.execute("BEGIN")
            cur.executemany("INSERT INTO coins VALUES (?, ?, ?, ?, ?)", rows)
            cur.execute("COMMIT")

        def lookups() -> None:
            for key in keys:
                cur.execute(
                    "SELECT amount, key_hash, height, coinbase FROM coins WHERE outpoint = ?", key
                )
                assert cur.fetchone() is not None

        def deletes() -> None:
            cur.execute("BEGIN")
            cur.executemany("DELETE FROM coins WHERE outpoint = ?", keys)
            cur.execute("COMMIT")

        for _ in range(REPEATS):  # each round leaves the table empty for the next
            for name, work in (("inserts", inserts), ("lookups", lookups), ("deletes", deletes)):
                start = time.perf_counter()
                work()
                best[name] = max(best[name], ROWS / (time.perf_counter() - start))
        conn.close()
    return {f"limit_sqlite_{name}_per_s": round(rate) for name, rate in best.items()}


# an empty route on the node's HTTP server settings (cli/run_node.py): uvicorn, one worker,
# httptools, uvloop, log level warning; as a FastAPI route, and as a bare ASGI app
_SERVER = """
import sys
import uvicorn
from fastapi import FastAPI, Response

app = FastAPI()

@app.post("/api/v1/txs", status_code=201)
async def submit() -> Response:
    return Response(b"{}", status_code=201, media_type="application/json")

async def bare(scope, receive, send):
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"application/json"), (b"content-length", b"2")]
    await send({"type": "http.response.start", "status": 201, "headers": headers})
    await send({"type": "http.response.body", "body": b"{}"})

uvicorn.run(
    app if sys.argv[1] == "fastapi" else bare,
    host="127.0.0.1",
    port=int(sys.argv[2]),
    http="httptools",
    loop="uvloop",
    log_level="warning",
    lifespan="off",
)
"""


def _route_rate(kind: str) -> float:
    """Requests per second answered 201 by an empty route of `kind`, driven by bench_api's client
    with its connections and request count, each request a real transaction's."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", _SERVER, kind, str(port)])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"the {kind} server did not start") from None
                time.sleep(0.05)
        kh = bytes(20)
        tx = funding.signed_tx(OutPoint(bytes(32), 0), 10 * COIN, 1, kh, funding.FEE_RATE)
        request = bench_api.tx_request(port, tx)
        connections = bench_api.CONNECTIONS
        bench_api.run_loop(bench_api.submit(port, [request] * bench_api.WARMUP, connections))
        best = 0.0
        for _ in range(ROUTE_PASSES):
            requests = [request] * bench_api.TXS
            answered, failed, errors, wall = bench_api.run_loop(
                bench_api.submit(port, requests, connections)
            )
            assert not failed, errors
            best = max(best, len(answered) / wall)
        return best
    finally:
        server.terminate()
        server.wait(20)


def http_limit() -> dict[str, float]:
    return {
        "limit_empty_fastapi_route_per_s": round(_route_rate("fastapi")),
        "limit_empty_asgi_app_per_s": round(_route_rate("asgi")),
    }


# -- the machine --------------------------------------------------------------------------


def _proc_field(path: str, name: str) -> str:
    for line in Path(path).read_text().splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return "?"


def machine() -> dict[str, str]:
    os_release = Path("/etc/os-release").read_text()
    os_name = re.search(r'PRETTY_NAME="([^"]*)"', os_release)
    command = subprocess.run(["openssl", "version"], capture_output=True, text=True, check=True)
    openssl = command.stdout.split(" (Library")[0].strip()
    if openssl == ssl.OPENSSL_VERSION:
        openssl += " (the command and Python's hashlib)"
    else:
        openssl += f" (the command); {ssl.OPENSSL_VERSION} (Python's hashlib)"
    flags = _proc_field("/proc/cpuinfo", "flags").split()
    ram_gib = int(_proc_field("/proc/meminfo", "MemTotal").split()[0]) / 2**20
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("coincurve", "fastapi", "uvicorn", "httptools", "uvloop")
    )
    return {
        "CPU": f"{_proc_field('/proc/cpuinfo', 'model name')}"
        f" ({_proc_field('/proc/cpuinfo', 'cpu MHz')} MHz,"
        f" SHA extensions: {'yes' if 'sha_ni' in flags else 'no'})",
        "cores": str(os.cpu_count()),
        "RAM": f"{ram_gib:.1f} GiB",
        "OS": f"{os_name.group(1) if os_name else '?'}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "OpenSSL": openssl,
        "libraries": versions,
    }


# -- figures against limits -------------------------------------------------------------------


class Comparison(NamedTuple):
    key: str  # names its `reached_<key>` line
    figure: str  # the pocketchain figure, as `make bench` names it
    unit: str
    value: float  # pocketchain, units per second
    limit: float  # the same units per second from the libraries alone
    made_of: str  # what the limit is

    @property
    def reached(self) -> float:
        return self.value / self.limit

    @property
    def us(self) -> float:
        return 1e6 / self.value

    @property
    def limit_us(self) -> float:
        return 1e6 / self.limit


def _per_s(*rates: float) -> float:
    """Units per second when one unit costs one operation at each of `rates` (per second)."""
    return 1 / sum(1 / rate for rate in rates)


def compare(values: dict[str, float]) -> list[Comparison]:
    """Each pocketchain figure of `values` against the limit of the same work."""
    verify = values["limit_secp256k1_verify_per_s"]
    per_block = bench_validate.TXS_PER_BLOCK  # one signature each; the coinbase has none
    signatures = values["validate_tx_per_s"] * per_block / (per_block + 1)
    insert, delete = values["limit_sqlite_inserts_per_s"], values["limit_sqlite_deletes_per_s"]
    rows = _per_s(values["limit_sqlite_lookups_per_s"], delete, *[insert] * 4)
    api = values["api_tx_submit_per_s"]
    return [
        Comparison(
            "mine",
            "mine_attempts_per_s",
            "attempts/s",
            values["mine_attempts_per_s"],
            values["limit_mine_attempts_per_s"],
            "OpenSSL SHA-256, 2 compressions per attempt",
        ),
        Comparison(
            "validate",
            "validate_tx_per_s",
            "signatures/s",
            signatures,
            verify,
            "libsecp256k1 BIP-340 verify (coincurve)",
        ),
        Comparison(
            "connect",
            "connect_tx_per_s",
            "tx/s",
            values["connect_tx_per_s"],
            _per_s(verify, rows),
            "1 verify + SQLite: 1 lookup, 1 delete, 4 inserts",
        ),
        Comparison(
            "api_fastapi",
            "api_tx_submit_per_s",
            "tx/s",
            api,
            values["limit_empty_fastapi_route_per_s"],
            "empty FastAPI route on uvicorn (requests/s)",
        ),
        Comparison(
            "api",
            "api_tx_submit_per_s",
            "tx/s",
            api,
            _per_s(values["limit_empty_asgi_app_per_s"], verify),
            "empty bare ASGI app on uvicorn + 1 verify",
        ),
        Comparison(
            "embedded",
            "embedded_submit_tx_per_s",
            "tx/s",
            values["embedded_submit_tx_per_s"],
            values["validate_tx_per_s"],
            "validate_tx_per_s: the same validation without the front door",
        ),
        Comparison(
            "client",
            "client_submit_tx_per_s",
            "tx/s",
            values["client_submit_tx_per_s"],
            values["client_submit_raw_http_tx_per_s"],
            "hand-written HTTP/1.1, one request at a time, same node",
        ),
    ]


def _si(value: float) -> str:
    return f"{value / 1e6:.2f} M" if value >= 1e6 else f"{value:,.0f}"


def _us(value: float) -> str:
    """Three significant digits."""
    return f"{value:.{max(0, 2 - math.floor(math.log10(value)))}f}"


def table(rows: list[Comparison]) -> str:
    lines = [
        "| pocketchain figure | pocketchain | limit | the limit is | reached"
        " | µs per unit: pocketchain / limit |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| `{r.figure}` | {_si(r.value)} {r.unit} | {_si(r.limit)} {r.unit} | {r.made_of}"
            f" | {r.reached:.1%} | {_us(r.us)} / {_us(r.limit_us)} |"
        )
    return "\n".join(lines)


class Step(NamedTuple):
    name: str
    seconds: float
    load_before: float  # 1-minute load average
    load_after: float


def _bullets(items: list[str]) -> str:
    return "\n".join(
        textwrap.fill(item, 100, initial_indent="- ", subsequent_indent="  ") for item in items
    )


def reading(rows: list[Comparison], values: dict[str, float]) -> str:
    """Where each gap goes, in a few sentences built from the figures of this run."""
    mine, _, connect, api_fastapi, api, embedded, client = rows
    sig_us = 1e6 / values["limit_secp256k1_verify_per_s"]
    validate_tx_us = 1e6 / values["validate_tx_per_s"]
    rows_us = connect.limit_us - sig_us
    asgi_us = api.limit_us - sig_us
    return _bullets(
        [
            f"**Mining** reaches {mine.reached:.1%} of what OpenSSL's compression function allows:"
            f" an attempt costs {_us(mine.us)} µs with the {KERNEL} nonce search against"
            f" {_us(mine.limit_us)} µs for its two compressions at OpenSSL's speed. The"
            f" pure-Python search, the readable reference and the fallback where no compiler"
            f" built the C one, costs {_us(1e6 / values['mine_attempts_per_s_python'])} µs: an"
            " attempt there is six calls into hashlib and one into struct, each allocating a"
            " Python object and most an OpenSSL digest context. Mining runs one worker process"
            f" per core ({values['mine_scaling_2_workers']}x with two), so the fraction holds for"
            " the machine.",
            f"**Validation** spends {_us(sig_us)} µs of a transaction's {_us(validate_tx_us)} µs"
            f" on its signature ({sig_us / validate_tx_us:.0%}) at libsecp256k1's own speed; the"
            f" other {_us(validate_tx_us - sig_us)} µs are Python: parsing, the txid and sighash,"
            " the context-free and contextual checks and the UTXO view.",
            f"**Connecting** a transaction costs {_us(connect.us)} µs against"
            f" {_us(connect.limit_us)} µs for its signature and its rows at SQLite's own speed"
            f" ({_us(rows_us)} µs: it looks up and deletes the coin it spends and inserts 4 rows,"
            " its 2 coins, its transaction index row and its address index row). The other"
            f" {_us(connect.us - connect.limit_us)} µs are Python (the checks of validation,"
            " building the write: undo data and index rows, the UTXO cache) and what the limit"
            " leaves out: 5 secondary-index entries per transaction (coins by key hash: 2 added"
            " and 1 removed; transactions and address rows by height) and each block's data and"
            " undo data. The store fetches the spent coins 500 to a query, cheaper than the"
            " limit's lookups one at a time.",
            f"**Submission** through the API costs {_us(api.us)} µs of wall time per accepted"
            f" transaction, with the node's process at"
            f" {values['api_tx_submit_node_cpu_pct']:.0f} % of a core; a request to an empty"
            f" FastAPI route costs {_us(api_fastapi.limit_us)} µs. The node's hot route does not"
            " go through FastAPI: its fast lane is a bare ASGI handler, and an empty one costs"
            f" {_us(asgi_us)} µs. Against that plus a signature ({_us(api.limit_us)} µs), the gap"
            " is the node's own work in the same process: parsing and mempool admission (the"
            " validation above, the mempool's bookkeeping) as the writer and the handoffs"
            f" to and from it, and connecting the {values['api_tx_submit_blocks_mined']:.0f}"
            f" blocks mined meanwhile, whose rows alone cost {_us(rows_us)} µs per transaction at"
            " SQLite's own speed. The miner's process holds the other core, which the empty"
            " routes shared only with the client.",
            f"**The Python API.** `Node.submit` in the caller's process reaches"
            f" {embedded.reached:.0%} of plain validation ({_us(embedded.us)} against"
            f" {_us(embedded.limit_us)} µs per transaction): it skips the parsing and the block's"
            " checks and adds the writer lock, the mempool's policy and bookkeeping and the event."
            f" `Client.submit` costs {_us(client.us)} µs a transaction one at a time, against"
            f" {_us(client.limit_us)} µs for the same requests written by hand: the difference is"
            " httpx and the client's own work; many clients at once are what"
            " `api_tx_submit_per_s` measures.",
        ]
    )


def scaling_reading(costs: dict[str, dict[int, float]]) -> str:
    """Where connect's cost goes as the chain grows, from the figures of this run."""
    first, last = bench_scaling.SIZES[0], bench_scaling.SIZES[-1]
    total, write = costs["connect"], costs["connect_write"]
    text = (
        f"Connecting costs {_us(total[first])} µs per transaction over {first:,} transactions"
        f" and {_us(total[last])} µs over {last:,}: the database write (one SQLite transaction"
        f" per block) is {_us(write[first])} and {_us(write[last])} µs of it, the rest"
        f" {_us(total[first] - write[first])} and {_us(total[last] - write[last])} µs."
    )
    if write[last] > 1.5 * write[first]:
        text += (
            " The write grows because outpoints and txids are hashes: a block's rows land on"
            " pages spread over whole tables, so the bigger the tables, the more distinct pages"
            " each block dirties, writes to the WAL and copies back at checkpoints. That growth"
            " slows down as the tables grow, approaching one dirtied page per row written, rather"
            " than growing in proportion to the chain."
        )
    return textwrap.fill(text, 100)


def document(
    started: datetime,
    about: dict[str, str],
    rows: list[Comparison],
    values: dict[str, float],
    costs: dict[str, dict[int, float]],
    warnings: list[str],
    steps: list[Step],
) -> str:
    machine_rows = "\n".join(f"| {key} | {value} |" for key, value in about.items())
    step_rows = "\n".join(
        f"| {st.name} | {st.seconds:.0f} | {st.load_before:.2f} | {st.load_after:.2f} |"
        for st in steps
    )
    total = sum(st.seconds for st in steps)
    if warnings:
        verdict = "**Warning:** " + " ".join(w.removeprefix("WARNING: ") + "." for w in warnings)
    else:
        verdict = (
            "No figure grows faster than linearly with the work: the cost per transaction stays"
            " roughly flat from 1k to 100k transactions (the ratio of the two is below"
            f" {bench_scaling.MAX_RATIO:g} for every figure; bench_scaling.py prints a WARNING"
            " line when one is not)."
        )
    verdict += (
        " At 1k the fixed costs of a run (starting nodes, the first blocks, the handshake) are"
        " shared by few transactions, so a ratio below 1 is expected there."
    )
    how = _bullets(
        [
            "**SHA-256**: `openssl speed -evp sha256 -seconds 2`, one core. Its columns are bytes"
            " per second hashing messages of 16 to 16,384 bytes, one whole digest per message."
            " SHA-256 compresses 64-byte blocks, so the 16,384-byte column divided by 64 is the"
            f" compression rate ({values['limit_sha256_compressions_per_s']:,} /s; the padding"
            " block adds 0.4 %). One attempt from a midstate is 2 compressions (the last 16 header"
            " bytes and the padding, then the 32-byte digest and its padding): **attempts/s ="
            " compressions/s / 2**. The 64-byte column is"
            f" {values['limit_sha256_64B_digests_per_s']:,}"
            " digests/s of 64-byte messages, and each of those is already 2 compressions (the"
            " block, then the padding) plus a digest's setup: halving it again would count every"
            " compression twice, and would charge the setup of a one-shot digest that a midstate"
            " search does not pay.",
            f"**Signatures**: {SIGNATURES:,} BIP-340 signatures by as many keys, each verified"
            " with `PublicKeyXOnly(pubkey).verify(signature, digest)` as consensus/keys.py does,"
            f" one core, best of {REPEATS}. `validate_tx_per_s` counts 1,001 transactions per"
            " block, 1,000 of them with one input and so one signature; its signatures per second"
            " are shown.",
            f"**SQLite**: {ROWS:,} rows shaped like a coin (36-byte outpoint key, amount, key"
            " hash, height, flag) on a connection set up as chain/sqlite.py's (WAL,"
            " `synchronous=FULL`): inserted with one executemany in one transaction, looked up one"
            " by one, deleted with one executemany in one transaction, in random key order, best"
            f" of {REPEATS}. A connected transaction of `connect_tx_per_s` (1 input, 2 outputs,"
            " paying the key it spends from) costs 1 lookup and 1 delete of the coin it spends and"
            " 4 inserted rows (2 coins, its transaction index row, its address index row); the"
            " limit charges it those rows and its signature, one after the other.",
            "**HTTP**: an empty FastAPI route on uvicorn with the node's settings (one worker,"
            " httptools, uvloop, log level warning), driven by bench_api's client (the same"
            f" {bench_api.CONNECTIONS} keep-alive connections and {bench_api.TXS:,} requests,"
            f" each with a real transaction's body), best of {ROUTE_PASSES} passes; also an empty"
            " bare ASGI app on the same server. The limit of a submission is one such request"
            " plus one signature. While the routes are measured no miner runs; during"
            " `api_tx_submit_per_s` the node's miner process holds a core.",
        ]
    )
    limit_lines = "\n".join(f"{k}: {v}" for k, v in values.items() if k.startswith("limit_"))
    return f"""\
# Performance: pocketchain against the machine's limits

Written by `make bench-compare` (benchmarks/compare.py) from one run on {started:%Y-%m-%d %H:%M}
UTC; run it again to refresh this page. Each pocketchain figure (the `make bench` figures of the
README) is set against the limit of the same work: what the libraries pocketchain stands on reach
alone, measured on the same machine in the same run.

## The machine

| | |
|---|---|
{machine_rows}

Other work may share the machine: the 1-minute load average at the start and the end of each step
is in [the run](#the-run) below (2 cores: above 2, some work waited for a core, and a figure
measured then is low).

## Figures against the limits

{table(rows)}

How the limits are measured:

{how}

Limits measured:

```
{limit_lines}
```

## Reading it

{reading(rows, values)}

## Scaling with the chain

benchmarks/bench_scaling.py (run by `make bench-compare`, or alone with
`python benchmarks/bench_scaling.py`; too long for `make bench`) measures connect, sync and API
submission at 1k, 10k and 100k transactions, each on a chain that starts empty and grows by that
work (connect and sync in blocks of 1,000 and 100 transactions), once per size. Cost per
transaction:

{bench_scaling.table(costs)}

{textwrap.fill(verdict, 100)}

{scaling_reading(costs)}

## A chain that has run for years

benchmarks/bench_longchain.py (run by `make bench-compare`, or alone; the chains are built once
and kept in build/bench-chains/) opens regtest chains of empty blocks, a coinbase each: `main`
makes 525,600 blocks a year.

{bench_longchain.table(values)}

{textwrap.fill(longchain_text(values), 100)}

## The run

| step | seconds | load average at start | at end |
|---|---:|---:|---:|
{step_rows}
| total | {total:.0f} | | |
"""


def longchain_text(values: dict[str, float]) -> str:
    return (
        "A node started on the 1,000,000-block chain answered its first HTTP request (its"
        f" status, `loading`) {values['node_ready_1m_blocks_s']} s after its process started,"
        f" and every route {values['node_loaded_1m_blocks_s']} s after, once its block index"
        " was loaded. A fresh node synced"
        " the 100,000-block chain from a peer, headers first, in"
        f" {values['sync_100k_empty_blocks_s']} s; connecting the same blocks locally into an"
        " empty chainstate, each read back from the stored chain first, took"
        f" {values['connect_100k_empty_blocks_s']} s."
    )


# -- the run --------------------------------------------------------------------------------


def _load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    started = datetime.now(UTC)
    about = machine()
    steps: list[Step] = []
    values: dict[str, float] = {}

    def step(name: str, work: Callable[[], dict[str, float]]) -> None:
        load, start = _load(), time.perf_counter()
        result = work()
        steps.append(Step(name, time.perf_counter() - start, load, _load()))
        for key, value in result.items():
            print(f"{key}: {value}", flush=True)
        values.update(result)

    step("OpenSSL SHA-256", sha256_limit)
    step("libsecp256k1 verify", secp256k1_limit)
    step("SQLite rows", sqlite_limit)
    step("empty routes", http_limit)
    for module in (bench_validate, bench_mine, bench_chain, bench_api, bench_front):
        step(module.__name__, module.run)
    costs: dict[str, dict[int, float]] = {}

    def scaling() -> dict[str, float]:
        costs.update(bench_scaling.measure())
        return bench_scaling.figures(costs)

    step("bench_scaling", scaling)
    step("bench_longchain", bench_longchain.run)
    rows = compare(values)
    for r in rows:
        print(f"reached_{r.key}: {r.reached:.3f}")
    print(table(rows))
    warnings = bench_scaling.warnings(costs)
    for line in warnings:
        print(line)
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(document(started, about, rows, values, costs, warnings, steps))
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
