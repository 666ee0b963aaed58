"""validate_tx_per_s: full validation of 1,000-transaction blocks against an in-memory UTXO view.

Each block holds 1,000 signed 1-in/2-out transactions. Timed per block: parse the raw bytes, the
context-free checks (proof of work, merkle root, every transaction), the contextual checks and
connect_block (inputs, amounts, maturity, signatures). One core, one process.
"""

import time

from pocketchain.consensus.block import Block
from pocketchain.consensus.check import check_block
from pocketchain.consensus.connect import Coin, connect_block
from pocketchain.consensus.contextual import contextual_check_block
from pocketchain.consensus.keys import key_hash, pubkey_from_secret
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve

TXS_PER_BLOCK = 1_000
BLOCKS = 3
HEIGHT = 1_000
FEE = 1_000


def _secret(n: int) -> bytes:
    return (n + 1).to_bytes(32, "big")


def build_blocks() -> tuple[dict[OutPoint, Coin], list[bytes]]:
    """A UTXO view and raw blocks whose transactions spend it, each coin of its own key."""
    view: dict[OutPoint, Coin] = {}
    raws = []
    for b in range(BLOCKS):
        txs = []
        for i in range(TXS_PER_BLOCK):
            secret = _secret(b * TXS_PER_BLOCK + i)
            kh = key_hash(pubkey_from_secret(secret))
            prevout = OutPoint(bytes([b, i % 256, i // 256]) * 8 + bytes(8), 0)
            view[prevout] = Coin(10 * COIN, kh, 1, False)
            outs = (TxOut(4 * COIN, kh), TxOut(6 * COIN - FEE, kh))
            txs.append(
                sign_tx(Tx(TX_VERSION, (TxIn(prevout, b"", b""),), outs), (secret,), REGTEST.magic)
            )
        block = assemble_block(
            REGTEST, bytes(32), HEIGHT, 0, 0x207FFFFF, tuple(txs), FEE * TXS_PER_BLOCK, bytes(20)
        )
        header = solve(block.header)
        assert header is not None
        raws.append(Block(header, block.txs).raw)
    return view, raws


def validate(raw: bytes, view: dict[OutPoint, Coin]) -> None:
    block = Block.parse(raw)
    check_block(block, REGTEST)
    contextual_check_block(block, HEIGHT)
    connect_block(block, HEIGHT, view, REGTEST)


def run() -> dict[str, float]:
    view, raws = build_blocks()
    validate(raws[0], view)  # warm-up
    start = time.perf_counter()
    for raw in raws:
        validate(raw, view)
    elapsed = time.perf_counter() - start
    return {"validate_tx_per_s": round(BLOCKS * (TXS_PER_BLOCK + 1) / elapsed)}


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
