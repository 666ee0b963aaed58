"""A chain that has run for years: opening, memory and sync of 10k, 100k and 1M empty blocks.

`main` makes a block a minute, 525,600 a year. The chains are regtest chains of empty blocks (a
coinbase each), built once through the chainstate with every rule checked and kept in
build/bench-chains/ (the 1M chain takes about ten minutes to build; `rm -r build/bench-chains`
builds them again). Figures:

- open_<n>_blocks_s: a Chainstate opened on the chain (a fresh process's work without imports);
- index_bytes_per_block_<n>: the Python memory the open block index holds, per block
  (tracemalloc);
- node_ready_1m_blocks_s: `pocketchain node` on the 1M chain, from the process's start to its
  first answer over HTTP (its status, `loading` while the block index loads);
  node_loaded_1m_blocks_s: to the first status that is not `loading` (every route answers);
- sync_100k_empty_blocks_s: a fresh node syncing the 100k chain from a peer, headers first;
  connect_100k_empty_blocks_s: connecting the same blocks locally into an empty chainstate, the
  part of that sync which is not the network.

`python benchmarks/bench_longchain.py` prints them (about 3 minutes once the chains are built);
compare.py runs it too and writes the table into docs/performance.md.
"""

import gc
import shutil
import tempfile
import time
from pathlib import Path

from bench_chain import empty_chain, index_bytes_per_block
from bench_p2p import timed_sync
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.params import REGTEST
from procs import NodeProc

SIZES = (10_000, 100_000, 1_000_000)
SYNCED = 100_000
CACHE = Path(__file__).resolve().parent.parent / "build" / "bench-chains"


def chain_file(blocks: int) -> Path:
    """The cached chain of `blocks` empty blocks, built on first use."""
    path = CACHE / f"regtest-empty-{blocks}.db"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        empty_chain(building, blocks)
        building.rename(path)  # only a whole chain ever has the cached name
        Path(f"{building}.lock").unlink(missing_ok=True)  # the store's lock, beside its file
    return path


def _copy(blocks: int, into: Path) -> Path:
    """A copy of the cached chain at `into`/regtest/chain.db, for a node to open and write."""
    network_dir = into / "regtest"
    network_dir.mkdir(parents=True)
    shutil.copy(chain_file(blocks), network_dir / "chain.db")
    return network_dir / "chain.db"


def open_figures(blocks: int) -> dict[str, float]:
    label = _label(blocks)
    with tempfile.TemporaryDirectory() as tmp:
        db = _copy(blocks, Path(tmp))
        gc.collect()
        start = time.perf_counter()
        chain = Chainstate(REGTEST, SqliteStore(db))
        seconds = time.perf_counter() - start
        assert chain.height == blocks
        chain.store.close()
        del chain
        per_block = index_bytes_per_block(db, blocks)
    return {
        f"open_{label}_blocks_s": round(seconds, 2),
        f"index_bytes_per_block_{label}": per_block,
    }


def node_ready(blocks: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        _copy(blocks, Path(tmp))
        node = NodeProc(Path(tmp))
        try:
            seconds = node.start(600)
            assert node.status()["height"] == blocks
        finally:
            node.stop()
    label = _label(blocks)
    return {
        f"node_ready_{label}_blocks_s": round(seconds, 2),
        f"node_loaded_{label}_blocks_s": round(node.loaded_s, 2),
    }


def sync(blocks: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        _copy(blocks, Path(tmp) / "a")
        a = NodeProc(Path(tmp) / "a", "--no-discover")
        b = NodeProc(Path(tmp) / "b", "--no-discover")
        _, seconds = timed_sync(a, b, 3600)
    return {f"sync_{_label(blocks)}_empty_blocks_s": round(seconds, 1)}


def connect_locally(blocks: int) -> dict[str, float]:
    """The same blocks read from the cached chain and connected into an empty chainstate."""
    source = Chainstate(REGTEST, SqliteStore(chain_file(blocks)))
    with tempfile.TemporaryDirectory() as tmp:
        chain = Chainstate(REGTEST, SqliteStore(Path(tmp) / "chain.db"))
        start = time.perf_counter()
        for entry in source.chain[1:]:
            block = source.get_block(entry.hash)
            assert block is not None
            chain.process_block(block)
        seconds = time.perf_counter() - start
        assert chain.tip.hash == source.tip.hash
        chain.store.close()
    source.store.close()
    return {f"connect_{_label(blocks)}_empty_blocks_s": round(seconds, 1)}


def _label(blocks: int) -> str:
    return f"{blocks // 1_000_000}m" if blocks >= 1_000_000 else f"{blocks // 1000}k"


def run() -> dict[str, float]:
    figures: dict[str, float] = {}
    for blocks in SIZES:
        figures |= open_figures(blocks)
    figures |= node_ready(SIZES[-1])
    figures |= sync(SYNCED) | connect_locally(SYNCED)
    return figures


def table(figures: dict[str, float]) -> str:
    """A Markdown table of the opening figures by chain length."""
    lines = [
        "| blocks | open the chainstate | index memory per block |",
        "|---:|---:|---:|",
    ]
    for blocks in SIZES:
        label = _label(blocks)
        lines.append(
            f"| {blocks:,} | {figures[f'open_{label}_blocks_s']} s"
            f" | {figures[f'index_bytes_per_block_{label}']:,} B |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    results = run()
    for name, value in results.items():
        print(f"{name}: {value}", flush=True)
    print(table(results))
