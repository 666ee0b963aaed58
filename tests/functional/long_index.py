"""A regtest chain whose block index takes a node seconds to load: a few connected blocks, then
hundreds of thousands of headers without their blocks (a sync cut short), written straight to
the store. Each header is real: it builds on the one before and meets its target."""

import shutil
import struct
from pathlib import Path

from miner import mine
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.records import IndexRow, Status
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.hashes import sha256d
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.pow import block_work, compact_to_target

BLOCKS = 3  # connected: the stored tip's height
BATCH = 20_000


def build(path: Path, headers: int) -> None:
    """The chain at `path`: BLOCKS connected blocks, then `headers` headers-only on the tip."""
    chain = Chainstate(REGTEST, SqliteStore(path))
    mine(chain, BLOCKS)
    tip, bits = chain.tip, REGTEST.genesis.header.bits
    target = compact_to_target(bits)[0]
    prev, height, work, time = tip.hash, tip.height, tip.chainwork, tip.header.time
    rows: list[IndexRow] = []
    for _ in range(headers):
        height, work, time = height + 1, work + block_work(bits), time + 60
        nonce = 0
        while True:
            raw = struct.pack("<I32s32sIII", 1, prev, bytes(32), time, bits, nonce)
            block_hash = sha256d(raw)
            if int.from_bytes(block_hash, "little") <= target:  # Core: CheckProofOfWork
                break
            nonce += 1
        prev = block_hash
        rows.append(IndexRow(prev, raw, height, work.to_bytes(32, "big"), Status(0), 0))
        if len(rows) == BATCH:
            chain.store.add_headers(rows)
            rows = []
    chain.store.add_headers(rows)
    chain.store.close()


def copy_into(source: Path, data_dir: Path) -> None:
    """A node's data directory holding a copy of the chain at `source`."""
    (data_dir / "regtest").mkdir(parents=True)
    shutil.copy(source, data_dir / "regtest" / "chain.db")
