"""A regtest chain whose block index takes a node seconds to load: a few connected blocks, then
hundreds of thousands of headers without their blocks (a sync cut short), written straight to
the store. Each header is real: it builds on the one before and meets its target."""

import shutil
from pathlib import Path

from miner import mine
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.records import IndexRow, Status
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.block import BlockHeader
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.pow import block_work
from pocketchain.mining.search import solve

BLOCKS = 3  # connected: the stored tip's height
BATCH = 20_000


def build(path: Path, headers: int) -> None:
    """The chain at `path`: BLOCKS connected blocks, then `headers` headers-only on the tip."""
    chain = Chainstate(REGTEST, SqliteStore(path))
    mine(chain, BLOCKS)
    tip, bits = chain.tip, REGTEST.genesis.header.bits
    prev, height, work, time = tip.hash, tip.height, tip.chainwork, tip.header.time
    rows: list[IndexRow] = []
    for _ in range(headers):
        height, work, time = height + 1, work + block_work(bits), time + 60
        header = solve(BlockHeader(1, prev, bytes(32), time, bits, 0))
        assert header is not None
        prev = header.hash
        rows.append(IndexRow(prev, header.raw, height, work.to_bytes(32, "big"), Status(0), 0))
        if len(rows) == BATCH:
            chain.store.add_headers(rows)
            rows = []
    chain.store.add_headers(rows)
    chain.store.close()


def copy_into(source: Path, data_dir: Path) -> None:
    """A node's data directory holding a copy of the chain at `source`."""
    (data_dir / "regtest").mkdir(parents=True)
    shutil.copy(source, data_dir / "regtest" / "chain.db")
