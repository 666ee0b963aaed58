"""Judging a block by every rule without storing it (Core: TestBlockValidity), for the Tamper
page: a block edited by hand, checked in the place its header names.

Core tests a block on the tip only. Here a block may also stand in for a block of the active
chain (the same parent): its spends are then judged against exactly the coins the original
spent, read from the original's undo data. A prevout the original did not spend is missing.
"""

from ..consensus.block import Block
from ..consensus.check import check_block
from ..consensus.connect import Coin, connect_block
from ..consensus.errors import NotFound, RejectError
from ..consensus.tx import OutPoint
from .chainstate import Chainstate
from .index import Entry, check_in_context
from .records import decode_undo


def dry_run(chain: Chainstate, block: Block, now: int) -> int:
    """The block's height if it meets every rule on top of its parent; RejectError with the
    first rule it breaks, in Core's order (CheckBlock, then the contextual checks, then the
    spends); NotFound when its parent is on a side branch. Nothing is stored."""
    check_block(block, chain.params)
    parent = chain.entries.get(block.header.prev)
    if parent is None:  # Core: "prev-blk-not-found" in AcceptBlockHeader
        raise RejectError("prev-blk-not-found", "the block's parent is not known")
    if parent.failed:
        raise RejectError("bad-prevblk", "previous block is invalid")
    check_in_context(block, parent, now, chain.params)
    height = parent.height + 1
    connect_block(block, height, _coins_at(chain, parent, block), chain.params)
    return height


def _coins_at(chain: Chainstate, parent: Entry, block: Block) -> dict[OutPoint, Coin]:
    """The coins the block's inputs may spend: the UTXO set on the tip, else exactly what the
    active block in the same place spent (its undo data)."""
    inputs = [txin.prevout for tx in block.txs[1:] for txin in tx.inputs]
    if parent == chain.tip:
        return chain.coins.fetch(inputs)
    if not chain.in_active_chain(parent):
        raise NotFound("spends are judged on the tip or in place of a block of the active chain")
    undo = chain.store.get_undo(chain.chain[parent.height + 1].hash)
    assert undo is not None, "an active block has its undo data"
    return dict(decode_undo(undo))
