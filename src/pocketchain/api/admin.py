"""Admin routes: they need the node's token (CONTRACT section 5), even from loopback."""

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, Field

from ..consensus.keys import decode_address
from ..node.node import Node
from .common import parse_hash
from .errors import ApiError

MAX_MINE = 1_000


class MineBody(BaseModel):
    blocks: int = Field(default=1, ge=1, le=MAX_MINE)
    address: str | None = None  # default: the node's own mining key


class MiningBody(BaseModel):
    enabled: bool
    address: str | None = None


def router(node: Node) -> APIRouter:
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
        node.call(node.invalidate, parse_hash(block_hash))
        return node.call(tip)

    @router.post("/blocks/{block_hash}/reconsider")
    def post_reconsider(block_hash: str) -> dict[str, Any]:
        node.call(node.reconsider, parse_hash(block_hash))
        return node.call(tip)

    return router
