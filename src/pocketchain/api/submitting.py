"""Routes that take blocks and transactions from anyone; everything is validated."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..consensus.block import Block
from ..consensus.errors import RejectError
from ..consensus.hashes import to_display
from ..consensus.tx import Tx
from ..node.node import Node
from .common import HexBody, decode_hex


def router(node: Node) -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    @router.post("/blocks", status_code=201)
    def post_block(body: HexBody) -> JSONResponse:
        block = Block.parse(decode_hex(body))
        result = node.call(node.submit_block, block)
        code = {"accepted": 201, "duplicate": 200, "orphan": 202}[result.status]
        return JSONResponse({"hash": block.header.hash_hex, "status": result.status}, code)

    @router.post("/txs", status_code=201)
    def post_tx(body: HexBody) -> JSONResponse:
        tx = Tx.parse(decode_hex(body))
        try:
            node.call(node.submit_tx, tx)
        except RejectError as exc:
            if exc.code == "txn-already-in-mempool":
                return JSONResponse({"txid": to_display(tx.txid)}, 200)
            raise
        return JSONResponse({"txid": to_display(tx.txid)}, 201)

    return router
