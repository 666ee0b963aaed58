"""Signed transactions to submit in a benchmark, each spending its own confirmed output.

Works on any chain of the Python API (a `pocketchain.Node` in process or a `Client` of a node
process): mines 100 + FANOUTS blocks to the bench's key (more for big runs), spends the mature
coinbases in FANOUTS transactions of many outputs each (under the standard size, at the minimum
fee rate), mines them in, and signs one 1-in/1-out transaction per output paying twice the
minimum fee rate. Signing happens here, before any timing.
"""

import hashlib
import itertools
import math
from typing import Any

from pocketchain.consensus.block import Block
from pocketchain.consensus.keys import encode_address, key_hash, pubkey_from_secret
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from pocketchain.mempool.policy import DEFAULT_MIN_FEE_RATE, MAX_STANDARD_TX_SIZE

FANOUTS = 8  # coinbases split into the transactions' outputs (more for bigger runs)
FANOUT_OUTPUTS = 3_200  # at most, so that a fan-out stays under the standard size
FEE_RATE = 2 * DEFAULT_MIN_FEE_RATE  # of the measured transactions, base units per byte
SECRET = hashlib.sha256(b"pocketchain bench_api").digest()


def signed_tx(prevout: OutPoint, amount: int, outputs: int, kh: bytes, fee_rate: int) -> Tx:
    """A transaction spending `prevout` (worth `amount`) into `outputs` equal outputs to `kh`,
    paying `fee_rate` per byte (the size does not depend on the amounts)."""

    def build(fee: int) -> Tx:
        each = (amount - fee) // outputs
        outs = tuple(TxOut(each, kh) for _ in range(outputs))
        return sign_tx(Tx(TX_VERSION, (TxIn(prevout, b"", b""),), outs), (SECRET,), REGTEST.magic)

    size = build(0).size
    tx = build(fee_rate * size)
    assert tx.size == size <= MAX_STANDARD_TX_SIZE, tx.size
    return tx


def fund(chain: Any, count: int) -> list[Tx]:
    """`count` signed transactions ready to submit to `chain` (a regtest Node or Client)."""
    kh = key_hash(pubkey_from_secret(SECRET))
    fanout_count = max(FANOUTS, math.ceil(count / FANOUT_OUTPUTS))
    mined = chain.mine(REGTEST.coinbase_maturity + fanout_count, to=encode_address(REGTEST.hrp, kh))
    per_fanout = math.ceil(count / fanout_count)
    fanouts = []
    for block_hash in mined[:fanout_count]:
        coinbase = Block.parse(chain.raw_block(block_hash)).txs[0]
        assert coinbase.outputs[0].key_hash == kh
        prevout = OutPoint(coinbase.txid, 0)
        tx = signed_tx(prevout, coinbase.outputs[0].amount, per_fanout, kh, DEFAULT_MIN_FEE_RATE)
        chain.submit(tx)
        fanouts.append(tx)
    for _ in range(5 + fanout_count // 8):  # a block holds about 8 fan-outs; a few more tries
        if chain.status().mempool == 0:
            break
        chain.mine(1)
    assert chain.status().mempool == 0, "the fan-outs were not mined"
    outputs = ((f.txid, vout, out.amount) for f in fanouts for vout, out in enumerate(f.outputs))
    return [
        signed_tx(OutPoint(txid, vout), amount, 1, kh, FEE_RATE)
        for txid, vout, amount in itertools.islice(outputs, count)
    ]
