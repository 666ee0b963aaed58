"""Headers-first sync from one peer (Core: net_processing's headers sync, then block download).

First fetch the blocks of headers we already hold (a sync cut short by a restart leaves them).
Then ask for headers after our locator; check them (proof of work, bits, time) and add them to the
block tree before fetching any block (once the chain they build has enough work: Core's anti-DoS
threshold); then fetch the missing blocks in batches, the next batch on
the wire while the current one is validated, and connect them. Repeat while the peer sends full
answers.
"""

import asyncio
import logging
from collections.abc import Callable

from ..consensus.block import MAX_HEADERS, Block, BlockHeader
from ..consensus.connect import signatures_valid
from ..consensus.errors import DecodeError, RejectError
from ..consensus.hashes import to_display
from .client import MAX_BLOCKS_PER_REQUEST, PeerClient
from .peer import SCORE_GARBAGE, Peer, scored
from .protocol import PeerNode

log = logging.getLogger("pocketchain.p2p")

Punish = Callable[[Peer, int, str], None]
MAX_UNSTORED_HEADERS = 25 * MAX_HEADERS  # held in memory while a peer's branch gains its work


async def sync_from(node: PeerNode, client: PeerClient, peer: Peer, punish: Punish) -> None:
    """Fetch and connect what `peer` has beyond our best header. Peer errors propagate."""
    pending = await node.acall(node.blocks_toward_best_header)
    if pending and not await _fetch_blocks(node, client, peer, pending, punish):
        return
    last: bytes | None = None  # the end of the peer's last full answer: ask on from there
    unstored: list[BlockHeader] = []  # checked, but with too little work to store so far
    while True:
        locator = await node.acall(node.locator, last)  # Core: GetLocator(pindexLast)
        if unstored:  # go on from the last header the peer sent
            locator = [unstored[-1].hash, *locator]
        raws = await client.headers(peer.base, locator)
        if not raws:
            return
        try:
            headers = [BlockHeader.parse(raw) for raw in raws]
        except DecodeError:
            punish(peer, SCORE_GARBAGE, "undecodable headers")
            return
        if unstored and headers[0].prev == unstored[-1].hash:
            headers = unstored + headers
        unstored = []
        try:
            end, missing = await node.acall(node.add_headers, headers)
        except RejectError as exc:
            if exc.code == "too-little-chainwork":
                # Core: HeadersSyncState; a branch that parts far below our tip gains its
                # work further on: hold its headers (checked again when stored) and ask on
                if len(raws) == MAX_HEADERS and len(headers) < MAX_UNSTORED_HEADERS:
                    unstored = headers
                    continue
                log.info("headers from %s build a chain with too little work", peer.url)
                return
            punish(peer, scored(exc.code, block=True), f"invalid header: {exc.code}")
            return
        if missing and not await _fetch_blocks(node, client, peer, missing, punish):
            return
        if len(raws) < MAX_HEADERS or end == last:
            return
        last = end


async def _fetch_blocks(
    node: PeerNode, client: PeerClient, peer: Peer, hashes: list[bytes], punish: Punish
) -> bool:
    """Fetch blocks in batches and submit them in order; False when the peer misbehaved."""
    step = MAX_BLOCKS_PER_REQUEST
    batches = [hashes[i : i + step] for i in range(0, len(hashes), step)]
    pending = asyncio.ensure_future(_prepare(node, client, peer, batches[0]))
    try:
        for i, batch in enumerate(batches):
            got = await pending
            if i + 1 < len(batches):  # the next batch travels and is checked meanwhile
                pending = asyncio.ensure_future(_prepare(node, client, peer, batches[i + 1]))
            blocks = []
            for block_hash in batch:
                display = to_display(block_hash)
                if display not in got:  # it switched branches since: take what came
                    log.info("%s no longer has block %s", peer.url, display)
                    break
                block = got[display]
                if block is None or block.hash != block_hash:
                    punish(peer, SCORE_GARBAGE, "sent an undecodable or unasked-for block")
                    return False
                peer.known_blocks.add(block_hash)
                blocks.append(block)
            error = await node.acall(node.accept_blocks, blocks)
            if error is not None:
                punish(peer, scored(error.code, block=True), f"invalid block: {error.code}")
                return False
            if len(blocks) < len(batch):
                return True
    finally:
        pending.cancel()
    return True


async def _prepare(
    node: PeerNode, client: PeerClient, peer: Peer, batch: list[bytes]
) -> dict[str, Block | None]:
    """Fetch a batch, then parse it and check its signatures on a worker thread."""
    raws = await client.blocks(peer.base, batch)
    blocks, checked = await asyncio.to_thread(_parse_and_verify, raws, node.params.magic)
    node.signatures_checked(checked)
    return blocks


def _parse_and_verify(
    raws: dict[str, bytes], magic: bytes
) -> tuple[dict[str, Block | None], list[bytes]]:
    """Blocks by display hash (None if undecodable), and the txids whose signatures verify: the
    node caches them, so connecting them skips that work (libsecp256k1 releases the GIL)."""
    blocks: dict[str, Block | None] = {}
    checked: list[bytes] = []
    for display, raw in raws.items():
        try:
            block = blocks[display] = Block.parse(raw)
        except DecodeError:
            blocks[display] = None
            continue
        checked.extend(tx.txid for tx in block.txs[1:] if signatures_valid(tx, magic))
    return blocks, checked
