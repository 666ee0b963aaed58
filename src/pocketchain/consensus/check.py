"""Context-free checks: what a transaction or block must satisfy on its own.

Core: CheckTransaction, CheckBlockHeader and CheckBlock in validation.cpp / tx_check.cpp.
"""

from .block import Block, BlockHeader
from .errors import RejectError
from .params import MAX_BLOCK_SIZE, MAX_MONEY, ChainParams
from .pow import check_proof_of_work
from .tx import NULL_OUTPOINT, Tx


def check_transaction(tx: Tx) -> None:
    """Core: CheckTransaction."""
    if not tx.inputs:
        raise RejectError("bad-txns-vin-empty", "transaction has no inputs")
    if not tx.outputs:
        raise RejectError("bad-txns-vout-empty", "transaction has no outputs")
    if tx.size > MAX_BLOCK_SIZE:
        raise RejectError("bad-txns-oversize", "transaction is larger than a block")
    total = 0
    for out in tx.outputs:
        if out.amount < 0:
            raise RejectError("bad-txns-vout-negative", "an output amount is negative")
        if out.amount > MAX_MONEY:
            raise RejectError("bad-txns-vout-toolarge", "an output amount exceeds the money supply")
        total += out.amount
        if total > MAX_MONEY:
            raise RejectError("bad-txns-txouttotal-toolarge", "outputs exceed the money supply")
    if len({txin.prevout for txin in tx.inputs}) != len(tx.inputs):
        raise RejectError("bad-txns-inputs-duplicate", "an outpoint is spent twice")
    if tx.is_coinbase:
        coinbase_in = tx.inputs[0]
        if not 4 <= len(coinbase_in.signature) <= 100:  # Core: bad-cb-length (2..100 bytes)
            raise RejectError(
                "bad-cb-length", "coinbase height and extra nonce must be 4-100 bytes"
            )
        if coinbase_in.pubkey:
            raise RejectError("bad-cb-pubkey", "a coinbase input carries no public key")
    elif any(txin.prevout == NULL_OUTPOINT for txin in tx.inputs):
        raise RejectError("bad-txns-prevout-null", "an input spends the null outpoint")


def check_block_header(header: BlockHeader, params: ChainParams) -> None:
    """Core: CheckBlockHeader: the hash meets the target its bits claim."""
    if not check_proof_of_work(header.hash, header.bits, params.pow_limit):
        raise RejectError("high-hash", "proof of work failed")


def check_block(block: Block, params: ChainParams) -> None:
    """Core: CheckBlock: header, merkle root, size, one coinbase first, every transaction."""
    check_block_header(block.header, params)
    root, mutated = block.compute_merkle_root()
    if root != block.header.merkle_root:
        raise RejectError("bad-txnmrklroot", "merkle root mismatch")
    if mutated:  # CVE-2012-2459: duplicated transactions give the same merkle root
        raise RejectError("bad-txns-duplicate", "duplicate transaction")
    if not block.txs or block.size > MAX_BLOCK_SIZE:
        raise RejectError("bad-blk-length", "block is empty or too large")
    if not block.txs[0].is_coinbase:
        raise RejectError("bad-cb-missing", "first transaction is not a coinbase")
    if any(tx.is_coinbase for tx in block.txs[1:]):
        raise RejectError("bad-cb-multiple", "more than one coinbase")
    for tx in block.txs:
        check_transaction(tx)
