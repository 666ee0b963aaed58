"""How cost grows with the work: connect, sync and API submission of 1k, 10k and 100k transactions.

Each figure is measured once per size on a chain that starts empty and grows by that work, with
the other benches' own code at another size:

- connect: bench_chain's blocks of 1,000 signed 1-in/2-out transactions (their coins funded
  first) connected into a SQLite chainstate with full validation, after one warm-up block. Also
  the part of it spent in the database transaction that writes each block (`connect` of the
  store), and the cost in the last TAIL_BLOCKS blocks alone: what a transaction costs at the end
  of the chain, where a cost that grows with the chain shows first.
- sync: bench_p2p's headers-first sync, by a fresh node, of size/100 blocks of 100 transactions
  (plus the 102 blocks that fund them, counted as sync_tx_per_s counts them).
- api: bench_api's submission of `size` signed transactions through POST /api/v1/txs while the
  node mines them into its chain.

Each is reported in microseconds per transaction at each size, and as the ratio of that cost at
the largest size to the smallest. A ratio above MAX_RATIO means the cost grows faster than
linearly with the work: a WARNING line says so (not for the database write, a part of connect).
`python benchmarks/bench_scaling.py` prints the figures and a table (about 3 minutes, too long
for `make bench`); compare.py runs it too and puts the table in docs/performance.md.
"""

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bench_api
import bench_chain
import bench_p2p
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.records import BlockWrite, Status
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.params import REGTEST

SIZES = (1_000, 10_000, 100_000)
MAX_RATIO = 2.0  # per-transaction cost at the largest size over the smallest
TAIL_BLOCKS = 10
PARTS = {"connect_write"}  # part of another row's cost, shown to explain it: not judged


class _TimedStore(SqliteStore):
    """The SQLite store, keeping the seconds each block's write (one transaction) took."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.writes: list[float] = []

    def connect(self, w: BlockWrite, status: Status) -> None:
        start = time.perf_counter()
        super().connect(w, status)
        self.writes.append(time.perf_counter() - start)


def connect(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = _TimedStore(Path(tmp) / "scaling.db")
        chain = Chainstate(REGTEST, store)
        blocks = bench_chain.build_blocks(chain, size // bench_chain.TXS + 1)
        times = bench_chain.connect_times(chain, blocks)
        store.close()
    writes = store.writes[1:]  # after the warm-up block, like `times`
    per_block = bench_chain.TXS + 1  # with the coinbase, as connect_tx_per_s counts

    def us_per_tx(seconds: list[float]) -> float:
        return 1e6 * sum(seconds) / (len(seconds) * per_block)

    return {
        "connect": us_per_tx(times),
        "connect_write": us_per_tx(writes),
        "connect_tail": us_per_tx(times[-TAIL_BLOCKS:]),
    }


def sync(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        rate = bench_p2p.sync(Path(tmp), size // bench_p2p.TXS)["sync_tx_per_s"]
    return {"sync": 1e6 / rate}


def api(size: int) -> dict[str, float]:
    figures = bench_api.run(size)
    if figures["api_tx_submit_errors"]:
        print(f"WARNING: api at {size}: {figures['api_tx_submit_errors']} requests refused")
    return {"api": 1e6 / figures["api_tx_submit_per_s"]}


MEASURES: tuple[Callable[[int], dict[str, float]], ...] = (connect, sync, api)
DESCRIPTIONS = {
    "connect": "connect, whole run",
    "connect_write": "connect: of which the database write",
    "connect_tail": f"connect, last {TAIL_BLOCKS} blocks (fewer at 1k)",
    "sync": "sync from a peer",
    "api": "API submission while mining",
}


def _label(size: int) -> str:
    return f"{size // 1000}k"


def measure() -> dict[str, dict[int, float]]:
    """Microseconds per transaction: by figure, then by size."""
    costs: dict[str, dict[int, float]] = {}
    for measure_one in MEASURES:
        for size in SIZES:
            for name, us in measure_one(size).items():
                costs.setdefault(name, {})[size] = us
    return costs


def ratio(by_size: dict[int, float]) -> float:
    return by_size[SIZES[-1]] / by_size[SIZES[0]]


def figures(costs: dict[str, dict[int, float]]) -> dict[str, float]:
    """`name: value` figures: scaling_<figure>_us_per_tx_<size> and scaling_<figure>_ratio."""
    out: dict[str, float] = {}
    for name, by_size in costs.items():
        for size, us in by_size.items():
            out[f"scaling_{name}_us_per_tx_{_label(size)}"] = round(us, 1)
        out[f"scaling_{name}_ratio"] = round(ratio(by_size), 2)
    return out


def warnings(costs: dict[str, dict[int, float]]) -> list[str]:
    return [
        f"WARNING: {DESCRIPTIONS[name]} costs {ratio(by_size):.2f} times as much per tx at"
        f" {_label(SIZES[-1])} as at {_label(SIZES[0])}: it grows faster than linearly with the"
        " work"
        for name, by_size in costs.items()
        if name not in PARTS and ratio(by_size) > MAX_RATIO
    ]


def table(costs: dict[str, dict[int, float]]) -> str:
    """A Markdown table of the costs per transaction and their ratios."""
    sizes = " | ".join(f"{size:,} tx" for size in SIZES)
    lines = [
        f"| µs per transaction | {sizes} | {_label(SIZES[-1])} / {_label(SIZES[0])} |",
        "|---|" + "---:|" * (len(SIZES) + 1),
    ]
    for name, by_size in costs.items():
        cells = " | ".join(f"{by_size[size]:,.1f}" for size in SIZES)
        lines.append(f"| {DESCRIPTIONS[name]} | {cells} | {ratio(by_size):.2f} |")
    return "\n".join(lines)


def run() -> dict[str, float]:
    costs = measure()
    for line in warnings(costs):
        print(line)
    return figures(costs)


if __name__ == "__main__":
    costs = measure()
    for name, value in figures(costs).items():
        print(f"{name}: {value}")
    print(table(costs))
    for line in warnings(costs):
        print(line)
