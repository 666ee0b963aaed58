"""Putting a block together: coinbase first, then the chosen transactions, then the header."""

from ..consensus.block import Block, BlockHeader
from ..consensus.merkle import merkle_root
from ..consensus.params import MAX_BLOCK_SIZE, ChainParams, block_subsidy
from ..consensus.tx import Tx, TxOut, coinbase_tx

BLOCK_VERSION = 1
COINBASE_RESERVE = 1_000  # bytes of a block kept for the header and the coinbase
TEMPLATE_BYTES = MAX_BLOCK_SIZE - COINBASE_RESERVE  # what a template's transactions may fill


def assemble_block(
    params: ChainParams,
    prev: bytes,
    height: int,
    time: int,
    bits: int,
    txs: tuple[Tx, ...],
    fees: int,
    pay_to: bytes,
    extra_nonce: bytes = b"",
) -> Block:
    """An unsolved block (nonce 0) whose coinbase pays subsidy + fees to the key hash `pay_to`."""
    reward = block_subsidy(height, params) + fees
    coinbase = coinbase_tx(height, (TxOut(reward, pay_to),), extra_nonce)
    all_txs = (coinbase, *txs)
    root, _ = merkle_root([tx.txid for tx in all_txs])
    return Block(BlockHeader(BLOCK_VERSION, prev, root, time, bits, 0), all_txs)
