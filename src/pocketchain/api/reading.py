"""Routes that read the chain, the mempool and the block tree (no token).

Parameters are checked here, so bad input is a 400 before anything is read; the answers are the
node's own (its front door, node/node.py). No route answers an unbounded list: each one pages.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from .. import _results as results
from ..consensus.block import MAX_HEADERS
from ..consensus.errors import ApiError
from ..consensus.hashes import to_display
from ..node.node import Node, parse_hash
from . import models
from .errors import ERROR_RESPONSES

MAX_RAW_BLOCKS = 64  # blocks a peer may fetch in one request
MAX_LOCATOR = 101  # Core: MAX_LOCATOR_SZ
MAX_OFFSET = 1_000_000_000

HashParam = Annotated[str, Path(description="64 hex characters, display order")]
AddressParam = Annotated[str, Path(description="a bech32m address of this network")]
Before = Annotated[
    str | None, Query(description="continue after this txid (404 when it is unknown)")
]


def _hash_list(text: str | None, most: int) -> list[bytes]:
    """Comma-separated hashes, at most `most` of them; none for an absent or empty text."""
    items = text.split(",") if text else []
    if len(items) > most:
        raise ApiError(400, "bad-request", f"at most {most} hashes at once")
    return [parse_hash(item) for item in items]


def router(node: Node) -> APIRouter:
    router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

    @router.get("/status")
    def get_status() -> results.Status:
        # from the writer's last snapshot and the peer manager's own state: a status answer
        # never waits behind blocks being connected (the first one after a start included)
        return node.status()

    # -- blocks and headers ---------------------------------------------------------------------

    @router.get("/blocks")
    def get_blocks(
        start: Annotated[
            int | None, Query(ge=0, description="the newest height to list; default the tip")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 20,
    ) -> models.BlockList:
        """Active-chain block summaries from `start` down, newest first."""
        return models.BlockList(blocks=list(node.blocks(start, limit)))

    @router.get("/blocks/raw")  # before /blocks/{block_hash}, which would take "raw" for a hash
    def get_raw_blocks(
        hashes: Annotated[
            str,
            Query(
                max_length=MAX_RAW_BLOCKS * 65,
                description=f"up to {MAX_RAW_BLOCKS} comma-separated block hashes",
            ),
        ],
    ) -> models.RawBlocks:
        """Blocks in their consensus serialization, for peers fetching them in batches."""
        wanted = _hash_list(hashes, MAX_RAW_BLOCKS)
        found = node.raw_blocks(wanted)
        return models.RawBlocks(
            blocks=[
                models.RawBlock(hash=to_display(h), hex=found[h].hex())
                for h in wanted
                if h in found
            ]
        )

    @router.get("/blocks/height/{height}")
    def get_block_at(height: int) -> results.Block:
        """The block at a height of the active chain."""
        return node.block(height)

    @router.get("/blocks/{block_hash}")
    def get_block(block_hash: HashParam) -> results.Block:
        return node.block(block_hash)

    @router.get("/blocks/{block_hash}/raw")
    def get_block_raw(block_hash: HashParam) -> models.HexOnly:
        return models.HexOnly(hex=node.raw_block(block_hash).hex())

    @router.get("/headers")
    def get_headers(
        locator: Annotated[
            str | None,
            Query(
                max_length=MAX_LOCATOR * 65,
                description=f"up to {MAX_LOCATOR} comma-separated block hashes, newest first",
            ),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_HEADERS)] = MAX_HEADERS,
    ) -> models.Headers:
        """Active-chain headers after the first locator hash on it, or after genesis."""
        headers = node.headers_after(_hash_list(locator, MAX_LOCATOR), limit)
        return models.Headers(headers=[h.raw.hex() for h in headers])

    @router.get("/search")
    def get_search(
        q: Annotated[str, Query(max_length=100, description="a height, hash, txid or address")],
    ) -> models.SearchResults:
        """What a query names: a block (by height or hash), a transaction, an address."""
        return models.SearchResults(query=q, results=list(node.search(q)))

    @router.get("/tips")
    def get_tips() -> list[results.ChainTip]:
        """Every branch end of the block tree, the active tip first."""
        return list(node.tips())

    # -- transactions ---------------------------------------------------------------------------

    @router.get("/txs/{txid}")
    def get_tx(txid: HashParam) -> results.TransactionStatus:
        """A transaction of the mempool or of the active chain."""
        return node.tx(txid)

    @router.get("/txs/{txid}/proof")
    def get_tx_proof(txid: HashParam) -> results.Proof:
        """The merkle branch from a confirmed transaction to its block's merkle root."""
        return node.proof(txid)

    @router.get("/fees", summary="Fee rates for a new transaction")
    def get_fees() -> results.FeeRates:
        """The mempool's floor, and the rate that gets a new transaction into the next block:
        the floor while the whole pool fits in one block, else just above the lowest rate the
        block takes."""
        return node.fees()

    @router.get("/mempool")
    def get_mempool(limit: Annotated[int, Query(ge=1, le=500)] = 100) -> results.Mempool:
        """The pool's totals and its transactions, highest fee rate first."""
        return node.mempool(limit)

    # -- addresses and posts --------------------------------------------------------------------

    @router.get("/addresses/{address}")
    def get_address(address: AddressParam) -> results.AddressSummary:
        return node.address(address)

    @router.get("/addresses/{address}/utxos")
    def get_address_utxos(
        address: AddressParam,
        limit: Annotated[int, Query(ge=1, le=5_000)] = 500,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[results.Utxo]:
        """Confirmed unspent outputs by height, txid and output index."""
        return list(node.utxos(address, limit, offset))

    @router.get("/addresses/{address}/txs")
    def get_address_txs(
        address: AddressParam,
        before: Before = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> list[results.AddressTx]:
        """Newest first: mempool transactions, then confirmed ones by height and position."""
        return list(node.address_txs(address, before, limit))

    @router.get("/posts")
    def get_posts(
        before: Before = None, limit: Annotated[int, Query(ge=1, le=500)] = 50
    ) -> models.Posts:
        """Newest first: mempool posts, then confirmed ones by height and position."""
        return models.Posts(posts=list(node.posts(limit, before)))

    return router
