"""Admin routes: they need the node's token (CONTRACT section 5), even from loopback."""

from collections.abc import Callable

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, StrictBool, StrictInt, StrictStr

from ..consensus.keys import decode_address
from ..node.node import Node
from .common import RequestBody, check_token
from .errors import ADMIN_ERROR_RESPONSES

MAX_MINE = 1_000
MAX_MINERS = 64


class MineBody(RequestBody):
    blocks: StrictInt = Field(default=1, ge=1, le=MAX_MINE)
    max_txs: StrictInt | None = Field(
        default=None, ge=0, description="the most transactions of each block, best-paying first"
    )
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

    def tip_after(change: Callable[[str], None], block_hash: str) -> TipState:
        """`change` applied to a block of the tree; the tip it leaves."""
        change(block_hash)
        status = node.status()  # published by the writer after the change
        return TipState(tip=status.tip, height=status.height)

    @router.post("/mine", summary="Mine blocks now (regtest, devnet)")
    def post_mine(body: MineBody) -> Mined:
        return Mined(hashes=list(node.mine(body.blocks, body.address, body.max_txs)))

    @router.post("/mining", summary="Start or stop continuous mining")
    def post_mining(body: MiningBody) -> MiningState:
        node.set_mining(body.enabled, address(body.address), body.miners)
        return MiningState(mining=node.mining, miners=node.miner.workers)

    @router.post("/blocks/{block_hash}/invalidate", summary="Treat a block as invalid")
    def post_invalidate(block_hash: str) -> TipState:
        return tip_after(node.invalidate, block_hash)

    @router.post("/blocks/{block_hash}/reconsider", summary="Forget that a block was invalid")
    def post_reconsider(block_hash: str) -> TipState:
        return tip_after(node.reconsider, block_hash)

    return router
