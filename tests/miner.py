"""Regtest blocks for the chain tests, mined on any block of the tree."""

from typing import NamedTuple

from builders import kh
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.index import Entry
from pocketchain.consensus.block import Block, BlockHeader
from pocketchain.consensus.params import GENESIS_TIME, REGTEST
from pocketchain.consensus.tx import Tx
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve

NOW = GENESIS_TIME + 10_000_000  # "now" for every check: far after every test block


class Unseen(NamedTuple):
    """A block the chain has not seen, as `make_block` needs its parent: to mine on it."""

    hash: bytes
    height: int
    header: BlockHeader


def end_of(parent: "Entry | Unseen", branch: list[Block]) -> "Entry | Unseen":
    """The last block of `branch` (blocks on `parent` the chain may not know), to mine on it."""
    for block in branch:
        parent = Unseen(block.hash, parent.height + 1, block.header)
    return parent


def make_block(
    parent: "Entry | Unseen",
    txs: tuple[Tx, ...] = (),
    fees: int = 0,
    to: int = 0,
    tag: bytes = b"",
    bits: int = 0x207FFFFF,
) -> Block:
    """A solved regtest block on `parent`; `tag` makes siblings differ."""
    block = assemble_block(
        REGTEST,
        parent.hash,
        parent.height + 1,
        parent.header.time + 1,
        bits,
        txs,
        fees,
        kh(to),
        tag,
    )
    header = solve(block.header)
    assert header is not None
    return Block(header, block.txs)


def mine(
    chain: Chainstate, count: int = 1, parent: Entry | None = None, tag: bytes = b""
) -> list[Block]:
    """Mine `count` empty blocks on `parent` (default: the tip) and process them."""
    blocks = []
    entry = parent or chain.tip
    for _ in range(count):
        block = make_block(entry, tag=tag)
        chain.process_block(block, NOW)
        blocks.append(block)
        entry = chain.entries[block.hash]
    return blocks
