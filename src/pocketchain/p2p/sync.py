"""Headers-first sync from one peer (Core: net_processing's headers sync, then block download).

Ask for headers after our locator; check them (proof of work, bits, time) and add them to the
block tree before fetching any block; then fetch the missing blocks in batches, the next batch on
the wire while the current one is validated, and connect them. Repeat while the peer sends full
answers.
"""

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from ..chain.chainstate import MAX_HEADERS
from ..chain.index import Entry
from ..consensus.block import Block, BlockHeader
from ..consensus.errors import DecodeError, RejectError
from ..consensus.hashes import to_display
from .client import MAX_BLOCKS_PER_REQUEST, PeerClient
from .peer import SCORE_GARBAGE, Peer, scored

log = logging.getLogger("pocketchain.p2p")

Punish = Callable[[Peer, int, str], None]


async def sync_from(node: Any, client: PeerClient, peer: Peer, punish: Punish) -> None:
    """Fetch and connect what `peer` has beyond our best header. Peer errors propagate."""
    last: Entry | None = None
    while True:
        locator = await node.acall(node.chain.locator)
        raws = await client.headers(peer.url, locator)
        if not raws:
            return
        try:
            headers = [BlockHeader.parse(raw) for raw in raws]
        except DecodeError:
            punish(peer, SCORE_GARBAGE, "undecodable headers")
            return
        try:
            entries = await node.acall(node.chain.process_headers, headers)
        except RejectError as exc:
            punish(peer, scored(exc.code, block=True), f"invalid header: {exc.code}")
            return
        missing = await node.acall(node.chain.missing_blocks, entries)
        if missing and not await _fetch_blocks(node, client, peer, missing, punish):
            return
        if len(raws) < MAX_HEADERS or entries[-1] is last:
            return
        last = entries[-1]


async def _fetch_blocks(
    node: Any, client: PeerClient, peer: Peer, hashes: list[bytes], punish: Punish
) -> bool:
    """Fetch blocks in batches and submit them in order; False when the peer misbehaved."""
    batches = [
        hashes[i : i + MAX_BLOCKS_PER_REQUEST]
        for i in range(0, len(hashes), MAX_BLOCKS_PER_REQUEST)
    ]
    pending = asyncio.ensure_future(client.blocks(peer.url, batches[0]))
    try:
        for i, batch in enumerate(batches):
            got = await pending
            if i + 1 < len(batches):  # the next batch travels while this one is validated
                pending = asyncio.ensure_future(client.blocks(peer.url, batches[i + 1]))
            for block_hash in batch:
                raw = got.get(to_display(block_hash))
                if raw is None:
                    log.info("%s no longer has block %s", peer.url, to_display(block_hash))
                    return True
                if not await _submit(node, peer, block_hash, raw, punish):
                    return False
    finally:
        pending.cancel()
    return True


async def _submit(node: Any, peer: Peer, block_hash: bytes, raw: bytes, punish: Punish) -> bool:
    try:
        block = Block.parse(raw)
    except DecodeError:
        punish(peer, SCORE_GARBAGE, "undecodable block")
        return False
    if block.hash != block_hash:
        punish(peer, SCORE_GARBAGE, "sent a block other than the one asked for")
        return False
    peer.known_blocks.add(block_hash)
    try:
        await node.acall(node.submit_block, block)
    except RejectError as exc:
        punish(peer, scored(exc.code, block=True), f"invalid block: {exc.code}")
        return False
    return True
