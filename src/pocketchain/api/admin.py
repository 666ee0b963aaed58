"""Admin routes: they need the node's token (CONTRACT section 5), even from loopback."""

from collections.abc import Callable

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, StrictBool, StrictInt, StrictStr

from ..consensus.hashes import to_display
from ..consensus.keys import decode_address
from ..node.node import Node
from .common import RequestBody, check_token, parse_hash
from .errors import ADMIN_ERROR_RESPONSES, ApiError

MAX_MINE = 1_000
MAX_MINERS = 64


class MineBody(RequestBody):
    blocks: StrictInt = Field(default=1, ge=1, le=MAX_MINE)
    address: StrictStr | None = Field(
        default=None, description="who the coinbases pay; default: the node's own mining key"
    )


class MiningBody(RequestBody):
    enabled: StrictBool
    miners: StrictInt | None = Field(
        default=None, ge=1, le=MAX_MINERS, description="worker processes; default: as now"
    )
    address: StrictStr | None = Field(
        default=None, description="who the coinbases pay; default: the node's own mining key"
    )


class Mined(BaseModel):
    hashes: list[str] = Field(description="the blocks mined, oldest first")


class MiningState(BaseModel):
    mining: bool
    miners: int = Field(description="mining worker processes")


class TipState(BaseModel):
    tip: str
    height: int


def router(node: Node) -> APIRouter:
    router = APIRouter(
        prefix="/api/v1", dependencies=[Depends(check_token(node))], responses=ADMIN_ERROR_RESPONSES
    )

    def address(text: str | None) -> bytes:
        return node.miner_key_hash if text is None else decode_address(node.params.hrp, text)

    def tip() -> TipState:
        return TipState(tip=node.chain.tip.header.hash_hex, height=node.chain.height)

    def on_known_block(change: Callable[[bytes], None], block_hash: str) -> TipState:
        """`change` applied to a block of the tree, on the writer; the tip it leaves."""

        def apply(h: bytes) -> TipState:
            if h not in node.chain.entries:
                raise ApiError(404, "not-found", f"no block {to_display(h)}")
            change(h)
            return tip()

        return node.call(apply, parse_hash(block_hash))

    @router.post("/mine", summary="Mine blocks now (regtest, devnet)")
    def post_mine(body: MineBody) -> Mined:
        if node.params.name == "main":
            raise ApiError(400, "bad-network", "mining on demand is for regtest and devnet")
        blocks = node.mine_blocks(body.blocks, address(body.address))
        return Mined(hashes=[b.header.hash_hex for b in blocks])

    @router.post("/mining", summary="Start or stop continuous mining")
    def post_mining(body: MiningBody) -> MiningState:
        node.set_mining(body.enabled, address(body.address), body.miners)
        return MiningState(mining=node.mining, miners=node.miner.workers)

    @router.post("/blocks/{block_hash}/invalidate", summary="Treat a block as invalid")
    def post_invalidate(block_hash: str) -> TipState:
        return on_known_block(node.invalidate, block_hash)

    @router.post("/blocks/{block_hash}/reconsider", summary="Forget that a block was invalid")
    def post_reconsider(block_hash: str) -> TipState:
        return on_known_block(node.reconsider, block_hash)

    return router
