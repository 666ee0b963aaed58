"""Relay policy: what this node keeps and relays on top of the consensus rules.

A transaction that breaks policy may still be valid in a block; the mempool just does not take it.
Core: policy/policy.cpp (IsStandardTx) and the policy constants in policy/policy.h.
"""

from ..consensus.errors import RejectError
from ..consensus.tx import TX_VERSION, Tx

MAX_DATA_SIZE = 512  # Core: MAX_OP_RETURN_RELAY (83 bytes there; a post here may be longer)
MAX_STANDARD_TX_SIZE = 100_000  # Core: MAX_STANDARD_TX_WEIGHT (400,000 weight units = 100 kvB)
DEFAULT_MIN_FEE_RATE = 1  # Core: DEFAULT_MIN_RELAY_TX_FEE (1,000 sat/kvB), base units per byte


def check_standard(tx: Tx) -> None:
    """Raise RejectError unless `tx` is standard (Core: IsStandardTx and the coinbase check)."""
    if tx.is_coinbase:  # Core: PreChecks, "coinbase": a coinbase only ever comes in a block
        raise RejectError("coinbase", "a coinbase is not accepted as a loose transaction")
    if tx.version != TX_VERSION:  # Core: IsStandardTx, "version"
        raise RejectError("version", f"transaction version {tx.version} is not {TX_VERSION}")
    if tx.size > MAX_STANDARD_TX_SIZE:  # Core: IsStandardTx, "tx-size"
        raise RejectError("tx-size", f"transaction is {tx.size} bytes, over {MAX_STANDARD_TX_SIZE}")
    if len(tx.data) > MAX_DATA_SIZE:  # Core: IsStandardTx, "datacarrier" (OP_RETURN size)
        raise RejectError(
            "datacarrier-size", f"data field is {len(tx.data)} bytes, over {MAX_DATA_SIZE}"
        )
    try:  # a post is text: the data field must be UTF-8 (no Core counterpart)
        tx.data.decode("utf-8")
    except UnicodeDecodeError:
        raise RejectError("datacarrier-utf8", "data field is not valid UTF-8") from None
