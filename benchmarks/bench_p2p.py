"""Peer figures: sync_blocks_per_s, sync_tx_per_s and relay_ms.

sync: node A holds 2,000 blocks of 100 signed transactions (plus the 102 blocks that fund them);
a fresh node B is told of A and syncs headers-first over HTTP. Timed from the handshake until B's
tip is A's (bench_scaling.py calls `sync` with other numbers of blocks). relay: three nodes in a
line A - B - C; a block mined on A, timed from asking A to mine it until C reports it as its tip;
the median of 20.
"""

import statistics
import tempfile
import time
from pathlib import Path

from bench_chain import FEE, _block_on
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.block import Block
from pocketchain.consensus.keys import key_hash, pubkey_from_secret
from pocketchain.consensus.params import GENESIS_TIME, REGTEST
from pocketchain.consensus.tx import TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from procs import NodeProc

BLOCKS = 2_000
TXS = 100
RELAYS = 20
SECRET = (7).to_bytes(32, "big")
KEY_HASH = key_hash(pubkey_from_secret(SECRET))


def _block(prev: Block, height: int, txs: tuple[Tx, ...]) -> Block:
    return _block_on(prev, height, txs, pay_to=KEY_HASH)


def _spend(prevout: OutPoint, amount: int, outputs: int) -> Tx:
    each = (amount - FEE) // outputs
    outs = tuple(TxOut(each, KEY_HASH) for _ in range(outputs))
    return sign_tx(Tx(TX_VERSION, (TxIn(prevout, b"", b""),), outs), (SECRET,), REGTEST.magic)


def build_chain(network_dir: Path, blocks: int = BLOCKS) -> int:
    """A regtest chain in `network_dir`: 101 blocks, a fan-out to 100 lanes, then `blocks` blocks
    in which each lane spends its previous output. Returns the number of transactions."""
    network_dir.mkdir(parents=True)
    chain = Chainstate(REGTEST, SqliteStore(network_dir / "chain.db"))
    now = GENESIS_TIME + 10_000_000
    prev = REGTEST.genesis
    for height in range(1, 102):
        prev = _block(prev, height, ())
        chain.process_block(prev, now)
    first = chain.get_block(chain.chain[1].hash)
    assert first is not None
    coinbase = first.txs[0]
    fan = _spend(OutPoint(coinbase.txid, 0), coinbase.outputs[0].amount, TXS)
    prev = _block(prev, 102, (fan,))
    chain.process_block(prev, now)
    lanes = [(OutPoint(fan.txid, i), fan.outputs[i].amount) for i in range(TXS)]
    count = 103
    for height in range(103, 103 + blocks):
        txs = tuple(_spend(op, amount, 1) for op, amount in lanes)
        lanes = [(OutPoint(tx.txid, 0), tx.outputs[0].amount) for tx in txs]
        prev = _block(prev, height, txs)
        chain.process_block(prev, now)
        count += len(txs) + 1
    assert chain.height == 102 + blocks
    chain.store.close()
    return count


def timed_sync(a: NodeProc, b: NodeProc, limit: float = 600) -> tuple[int, float]:
    """Start A (its chain in place) and a fresh B, tell B of A, and wait for B to reach A's tip:
    (A's height, seconds from the handshake until then). Both are stopped at the end."""
    try:
        a.start(limit)
        b.start()
        height = a.status()["height"]
        start = time.perf_counter()
        b.api("POST", "/peers", admin=True, json={"url": a.url})
        while b.status()["height"] < height:
            if time.perf_counter() - start > limit:
                raise RuntimeError(f"sync did not finish in {limit:g} s")
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        assert b.status()["tip"] == a.status()["tip"]
    finally:
        a.stop()
        b.stop()
    return height, seconds


def sync(tmp: Path, blocks: int = BLOCKS) -> dict[str, float]:
    txs = build_chain(tmp / "a" / "regtest", blocks)
    height, seconds = timed_sync(NodeProc(tmp / "a"), NodeProc(tmp / "b"))
    return {
        "sync_blocks_per_s": round(height / seconds),
        "sync_tx_per_s": round(txs / seconds),
    }


def relay(tmp: Path) -> dict[str, float]:
    a = NodeProc(tmp / "ra", "--no-discover")  # a line, kept a line
    a.start()
    b = NodeProc(tmp / "rb", "--no-discover", "--peer", a.url)
    b.start()
    c = NodeProc(tmp / "rc", "--no-discover", "--peer", b.url)
    c.start()
    try:
        while c.status()["peers"] < 1 or b.status()["peers"] < 2:
            time.sleep(0.05)
        times = []
        for _ in range(RELAYS):
            start = time.perf_counter()
            block = a.api("POST", "/mine", admin=True, json={"blocks": 1})["hashes"][0]
            while c.status()["tip"] != block:
                if time.perf_counter() - start > 30:
                    raise RuntimeError("a block did not reach C in 30 s")
                time.sleep(0.002)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        for node in (a, b, c):
            node.stop()
    return {"relay_ms": round(statistics.median(times), 1)}


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        return sync(Path(tmp)) | relay(Path(tmp))


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
