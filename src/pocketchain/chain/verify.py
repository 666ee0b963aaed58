"""`pocketchain chain verify`: re-validate the stored active chain from genesis.

Every block is checked again as if it had just arrived (proof of work, merkle root, bits, times,
every transaction and signature) against a UTXO set rebuilt in memory, which must equal the stored
one at the end. Nothing is written.
"""

from collections.abc import Callable
from typing import NamedTuple

from ..consensus.block import Block
from ..consensus.check import check_block
from ..consensus.connect import Coin, connect_block
from ..consensus.errors import PocketchainError, RejectError
from ..consensus.params import ChainParams
from ..consensus.tx import OutPoint
from .index import ActiveChain, BlockTree, check_in_context
from .interfaces import Store


class VerifyError(PocketchainError):
    def __init__(self, height: int, block_hash: str, reason: str) -> None:
        super().__init__(f"block {height} ({block_hash}) is bad: {reason}")
        self.height = height
        self.block_hash = block_hash
        self.reason = reason


class VerifyResult(NamedTuple):
    height: int
    tip: bytes
    coins: int
    transactions: int


def verify_chain(
    store: Store, params: ChainParams, progress: Callable[[int, int], None] | None = None
) -> VerifyResult:
    """Re-validate every block of the active chain; VerifyError names the first bad one."""
    if store.get_meta("genesis") != params.genesis_hash:
        raise PocketchainError(f"the database does not hold a {params.name} chain")
    entries = BlockTree()
    entries.load(store.load_index())
    tip_hash = store.get_meta("tip")
    if tip_hash is None or tip_hash not in entries:
        raise VerifyError(-1, "?", "the stored tip is not in the block index")
    chain = ActiveChain(entries[tip_hash])
    coins: dict[OutPoint, Coin] = {}
    tx_count = 0
    for entry in chain[1:]:
        where = (entry.height, entry.header.hash_hex)
        raw = store.get_block(entry.hash)
        if raw is None:
            raise VerifyError(*where, "block data is missing")
        try:
            block = Block.parse(raw)
            if block.hash != entry.hash:
                raise RejectError("bad-index", "stored block does not match its index entry")
            assert entry.prev is not None
            check_block(block, params)
            # time-too-new is about arrival, not history: "now" is the block's own time
            check_in_context(block, entry.prev, block.header.time, params)
            changes = connect_block(block, entry.height, coins, params)
        except RejectError as exc:
            raise VerifyError(*where, f"{exc.code}: {exc.message}") from None
        for outpoint, _ in changes.spent:
            del coins[outpoint]
        coins.update(changes.created)
        tx_count += len(block.txs)
        if progress:
            progress(entry.height, len(chain) - 1)
    stored = dict(store.iter_coins())
    if stored != coins:
        missing = len(coins.keys() - stored.keys())
        extra = len(stored.keys() - coins.keys())
        raise VerifyError(
            chain[-1].height,
            chain[-1].header.hash_hex,
            f"stored UTXO set differs: {missing} coins missing, {extra} unexpected, "
            f"{sum(1 for k in coins.keys() & stored.keys() if coins[k] != stored[k])} changed",
        )
    return VerifyResult(chain[-1].height, chain[-1].hash, len(coins), tx_count)
