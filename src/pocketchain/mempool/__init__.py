"""The memory pool: unconfirmed transactions, admitted by consensus plus relay policy."""

from .policy import (
    DEFAULT_MIN_FEE_RATE,
    MAX_DATA_SIZE,
    MAX_STANDARD_TX_SIZE,
    check_standard,
)
from .pool import (
    DEFAULT_ANCESTOR_LIMIT,
    DEFAULT_DESCENDANT_LIMIT,
    DEFAULT_MAX_BYTES,
    CoinSource,
    Mempool,
    MempoolEntry,
)

__all__ = [
    "DEFAULT_ANCESTOR_LIMIT",
    "DEFAULT_DESCENDANT_LIMIT",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MIN_FEE_RATE",
    "MAX_DATA_SIZE",
    "MAX_STANDARD_TX_SIZE",
    "CoinSource",
    "Mempool",
    "MempoolEntry",
    "check_standard",
]
