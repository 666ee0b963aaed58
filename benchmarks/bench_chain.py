"""Chainstate figures on SQLite: connect_tx_per_s, reorg_10_blocks_ms, startup_10k_blocks_s.

connect: blocks of 1,000 signed 1-in/2-out transactions processed by the chainstate (full
validation, one database transaction per block). The coins they spend are put in the UTXO set
first, as if an earlier block had made them; the first block is a warm-up and the others are
timed. reorg: a competing branch of 11 such blocks replaces 10 (disconnect 10 with undo data,
connect 11), timed on the block that triggers it. bench_scaling.py reuses `build_blocks` and
`connect_times` for longer chains.
"""

import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.block import Block
from pocketchain.consensus.connect import Coin
from pocketchain.consensus.keys import key_hash, pubkey_from_secret
from pocketchain.consensus.params import GENESIS_TIME, REGTEST
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve
from procs import NodeProc

TXS = 1_000
BLOCKS = 6
FEE = 1_000
REORG_DEPTH = 10
STARTUP_BLOCKS = 10_000
NOW = GENESIS_TIME + 10_000_000


def _block_on(
    prev: Block, height: int, txs: tuple[Tx, ...], tag: bytes = b"", pay_to: bytes = bytes(20)
) -> Block:
    block = assemble_block(
        REGTEST,
        prev.hash,
        height,
        prev.header.time + 1,
        0x207FFFFF,
        txs,
        FEE * len(txs),
        pay_to,
        tag,
    )
    header = solve(block.header)
    assert header is not None
    return Block(header, block.txs)


def _funded_txs(chain: Chainstate, count: int, salt: int, branches: int = 1) -> list[list[Tx]]:
    """For each branch, `count` signed transactions spending the same coins, which are added
    to the UTXO set for them; the branches' transactions conflict with each other."""
    coins = []
    txs: list[list[Tx]] = [[] for _ in range(branches)]
    for i in range(count):
        secret = (salt * 1_000_000 + i + 1).to_bytes(32, "big")
        kh = key_hash(pubkey_from_secret(secret))
        prevout = OutPoint(salt.to_bytes(4, "big") + i.to_bytes(28, "big"), 0)
        coins.append((prevout, Coin(10 * COIN, kh, 1, False)))
        for branch in range(branches):
            outs = (TxOut(4 * COIN + branch, kh), TxOut(6 * COIN - FEE - branch, kh))
            unsigned = Tx(TX_VERSION, (TxIn(prevout, b"", b""),), outs)
            txs[branch].append(sign_tx(unsigned, (secret,), REGTEST.magic))
    with chain.store.transaction() as cur:
        chain.store._insert_coins(cur, coins)
    return txs


def build_blocks(chain: Chainstate, count: int, txs: int = TXS) -> list[Block]:
    """`count` blocks on genesis of `txs` transactions each, their coins funded in `chain`."""
    blocks = [REGTEST.genesis]
    for b in range(count):
        funded = tuple(_funded_txs(chain, txs, b + 1)[0])
        blocks.append(_block_on(blocks[-1], b + 1, funded))
    return blocks[1:]


def connect_times(chain: Chainstate, blocks: list[Block]) -> list[float]:
    """Connect `blocks` in order, the first as a warm-up; the seconds each of the others took."""
    chain.process_block(blocks[0], NOW)
    times = []
    for block in blocks[1:]:
        start = time.perf_counter()
        chain.process_block(block, NOW)
        times.append(time.perf_counter() - start)
    return times


def connect_and_reorg(tmp: Path) -> dict[str, float]:
    chain = Chainstate(REGTEST, SqliteStore(tmp / "connect.db"))
    blocks = build_blocks(chain, BLOCKS)
    times = connect_times(chain, blocks)
    connect = len(times) * (TXS + 1) / sum(times)

    # two branches from the tip: 10 blocks, then a competing 11 spending the same coins
    fork = blocks[-1]
    height = fork_height = BLOCKS
    a, b = [fork], [fork]
    for n in range(REORG_DEPTH + 1):
        txs_a, txs_b = _funded_txs(chain, TXS, BLOCKS + 1 + n, branches=2)
        height = fork_height + n + 1
        if n < REORG_DEPTH:
            a.append(_block_on(a[-1], height, tuple(txs_a)))
        b.append(_block_on(b[-1], height, tuple(txs_b), b"b"))
    for block in a[1:] + b[1:-1]:
        chain.process_block(block, NOW)
    assert chain.tip.hash == a[-1].hash
    start = time.perf_counter()
    result = chain.process_block(b[-1], NOW)
    reorg_ms = (time.perf_counter() - start) * 1000
    assert len(result.disconnected) == REORG_DEPTH and len(result.connected) == REORG_DEPTH + 1
    chain.store.close()
    return {"connect_tx_per_s": round(connect), "reorg_10_blocks_ms": round(reorg_ms)}


def empty_chain(db: Path, blocks: int) -> None:
    """A regtest chain of `blocks` blocks with a coinbase each, stored in the SQLite file `db`."""
    chain = Chainstate(REGTEST, SqliteStore(db))
    prev = REGTEST.genesis
    for height in range(1, blocks + 1):
        prev = _block_on(prev, height, ())
        chain.process_block(prev, NOW)
    chain.store.close()


def startup(tmp: Path) -> dict[str, float]:
    """Time to open a chainstate of 10,000 blocks (a fresh process's work, without imports), and
    the memory its block index holds per block once open (Python's allocations, tracemalloc)."""
    empty_chain(tmp / "startup.db", STARTUP_BLOCKS)
    start = time.perf_counter()
    reopened = Chainstate(REGTEST, SqliteStore(tmp / "startup.db"))
    seconds = time.perf_counter() - start
    assert reopened.height == STARTUP_BLOCKS
    reopened.store.close()
    del reopened
    return {
        "startup_10k_blocks_s": round(seconds, 3),
        "index_bytes_per_block": index_bytes_per_block(tmp / "startup.db", STARTUP_BLOCKS),
        "node_ready_10k_blocks_s": _node_ready(tmp),
    }


def index_bytes_per_block(db: Path, blocks: int) -> int:
    """The Python memory a chainstate opened on `db` holds, per block (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    chain = Chainstate(REGTEST, SqliteStore(db))
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    chain.store.close()
    return round(held / (blocks + 1))


def _node_ready(tmp: Path) -> float:
    """Seconds from starting `pocketchain node` on that chain to its first answer over HTTP."""
    network_dir = tmp / "node" / "regtest"
    network_dir.mkdir(parents=True)
    (tmp / "startup.db").rename(network_dir / "chain.db")
    node = NodeProc(tmp / "node")
    try:
        seconds = node.start(30)
        assert node.status()["height"] == STARTUP_BLOCKS
    finally:
        node.stop()
    return round(seconds, 3)


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        return connect_and_reorg(Path(tmp)) | startup(Path(tmp))


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
