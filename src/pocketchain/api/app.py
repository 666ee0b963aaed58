"""The node's HTTP API: reading, submitting, and admin routes behind the token."""

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .. import __version__
from ..consensus.block import Block
from ..consensus.errors import DecodeError, RejectError
from ..consensus.hashes import from_display, to_display
from ..consensus.keys import decode_address
from ..consensus.pow import compact_to_target
from ..consensus.tx import Tx
from ..node.node import Node
from . import errors
from .errors import ApiError
from .views import block_json, tx_json

MAX_MINE = 1_000


class HexBody(BaseModel):
    hex: str = Field(max_length=4_000_000)


class MineBody(BaseModel):
    blocks: int = Field(default=1, ge=1, le=MAX_MINE)
    address: str | None = None  # default: the node's own mining key


class MiningBody(BaseModel):
    enabled: bool
    address: str | None = None


def _hash(text: str) -> bytes:
    try:
        return from_display(text)
    except ValueError:
        raise ApiError(400, "bad-hash", "a hash is 64 hex characters") from None


def _decode(body: HexBody) -> bytes:
    try:
        return bytes.fromhex(body.hex)
    except ValueError:
        raise DecodeError("hex is not hexadecimal") from None


def create_app(node: Node) -> FastAPI:
    app = FastAPI(title="pocketchain", version=__version__)
    errors.install(app)
    app.include_router(_reading(node))
    app.include_router(_submitting(node))
    app.include_router(_admin(node))
    return app


def _status(node: Node) -> dict[str, Any]:
    tip = node.chain.tip
    target = compact_to_target(tip.header.bits)[0]
    return {
        "network": node.params.name,
        "version": __version__,
        "height": tip.height,
        "tip": tip.header.hash_hex,
        "bits": f"{tip.header.bits:08x}",
        "difficulty": node.params.pow_limit / max(target, 1),
        "chainwork": f"{tip.chainwork:064x}",
        "peers": 0,
        "mempool": len(node.mempool),
        "mining": node.mining,
        "hashrate": node.miner.hashrate,
        "synced": True,
    }


def _block_view(node: Node, block_hash: bytes) -> dict[str, Any]:
    chain = node.chain
    entry = chain.entries.get(block_hash)
    block = chain.get_block(block_hash) if entry else None
    if entry is None or block is None:
        raise ApiError(404, "not-found", f"no block {to_display(block_hash)}")
    active = chain.in_active_chain(entry)
    confirmations = chain.height - entry.height + 1 if active else 0
    following = (
        chain.chain[entry.height + 1].header.hash_hex
        if active and entry.height < chain.height
        else None
    )
    return block_json(block, entry.height, confirmations, following, node.params.hrp)


def _reading(node: Node) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    hrp = node.params.hrp

    @router.get("/status")
    def get_status() -> dict[str, Any]:
        return node.call(_status, node)

    @router.get("/blocks/height/{height}")
    def get_block_at(height: int) -> dict[str, Any]:
        def at() -> dict[str, Any]:
            if not 0 <= height <= node.chain.height:
                raise ApiError(404, "not-found", f"no block at height {height}")
            return _block_view(node, node.chain.chain[height].hash)

        return node.call(at)

    @router.get("/blocks/{block_hash}")
    def get_block(block_hash: str) -> dict[str, Any]:
        return node.call(_block_view, node, _hash(block_hash))

    @router.get("/blocks/{block_hash}/raw")
    def get_block_raw(block_hash: str) -> dict[str, str]:
        raw = node.call(node.store.get_block, _hash(block_hash))
        if raw is None:
            raise ApiError(404, "not-found", f"no block {block_hash}")
        return {"hex": raw.hex()}

    @router.get("/mempool")
    def get_mempool() -> dict[str, Any]:
        def view() -> dict[str, Any]:
            entries = node.mempool.by_fee_rate()
            return {
                "count": len(entries),
                "bytes": node.mempool.bytes,
                "txs": [tx_json(e.tx, hrp) | {"fee": e.fee} for e in entries],
            }

        return node.call(view)

    @router.get("/tips")
    def get_tips() -> list[dict[str, Any]]:
        return [
            {
                "hash": to_display(t.hash),
                "height": t.height,
                "chainwork": f"{t.chainwork:064x}",
                "branchlen": t.branchlen,
                "status": t.status,
            }
            for t in node.call(node.chain.tips)
        ]

    return router


def _submitting(node: Node) -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    @router.post("/blocks", status_code=201)
    def post_block(body: HexBody) -> JSONResponse:
        block = Block.parse(_decode(body))
        result = node.call(node.submit_block, block)
        code = {"accepted": 201, "duplicate": 200, "orphan": 202}[result.status]
        return JSONResponse({"hash": block.header.hash_hex, "status": result.status}, code)

    @router.post("/txs", status_code=201)
    def post_tx(body: HexBody) -> JSONResponse:
        tx = Tx.parse(_decode(body))
        try:
            node.call(node.submit_tx, tx)
        except RejectError as exc:
            if exc.code == "txn-already-in-mempool":
                return JSONResponse({"txid": to_display(tx.txid)}, 200)
            raise
        return JSONResponse({"txid": to_display(tx.txid)}, 201)

    return router


def _admin(node: Node) -> APIRouter:
    def check_token(authorization: Annotated[str | None, Header()] = None) -> None:
        if not authorization or not authorization.startswith("Bearer "):
            raise ApiError(401, "unauthorized", "this route needs the admin token")
        given = authorization.removeprefix("Bearer ").encode()
        if not hmac.compare_digest(given, node.token.encode()):
            raise ApiError(403, "forbidden", "wrong admin token")

    router = APIRouter(prefix="/api/v1", dependencies=[Depends(check_token)])

    def address(text: str | None) -> bytes:
        return node.miner_key_hash if text is None else decode_address(node.params.hrp, text)

    def tip() -> dict[str, Any]:
        return {"tip": node.chain.tip.header.hash_hex, "height": node.chain.height}

    @router.post("/mine")
    def post_mine(body: MineBody) -> dict[str, list[str]]:
        if node.params.name == "main":
            raise ApiError(400, "bad-network", "mining on demand is for regtest and devnet")
        blocks = node.mine_blocks(body.blocks, address(body.address))
        return {"hashes": [b.header.hash_hex for b in blocks]}

    @router.post("/mining")
    def post_mining(body: MiningBody) -> dict[str, bool]:
        node.set_mining(body.enabled, address(body.address))
        return {"mining": node.mining}

    @router.post("/blocks/{block_hash}/invalidate")
    def post_invalidate(block_hash: str) -> dict[str, Any]:
        node.call(node.invalidate, _hash(block_hash))
        return node.call(tip)

    @router.post("/blocks/{block_hash}/reconsider")
    def post_reconsider(block_hash: str) -> dict[str, Any]:
        node.call(node.reconsider, _hash(block_hash))
        return node.call(tip)

    return router
