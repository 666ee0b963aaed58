"""Routes that take blocks and transactions from anyone; everything is validated."""

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictInt, StrictStr

from ..consensus.block import Block
from ..consensus.hashes import to_display
from ..consensus.keys import decode_address
from ..consensus.tx import OutPoint, Tx, TxIn, TxOut
from ..node.node import Node
from .common import HexBody, RequestBody, decode_hex
from .errors import ERROR_RESPONSES, WRITE_ERROR_RESPONSES, ApiError
from .intake import TxIntake

U32_MAX = 0xFFFF_FFFF
I64_MIN, I64_MAX = -(2**63), 2**63 - 1
_HASH = re.compile(r"[0-9a-fA-F]{64}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")
# documented in OpenAPI; checked in tx_from_json, which names the field and gives a code
_HASH_SCHEMA: dict[str, Any] = {"pattern": f"^{_HASH.pattern}$"}
_HEX_SCHEMA: dict[str, Any] = {"pattern": f"^{_HEX.pattern}$"}


# -- the tx JSON form: what GET /api/v1/txs/{txid} shows, less what is derived from it --------


class TxInputJson(RequestBody):
    txid: StrictStr = Field(
        description="the transaction whose output this spends (64 hex characters, display order)",
        json_schema_extra=_HASH_SCHEMA,
    )
    vout: StrictInt = Field(ge=0, le=U32_MAX, description="the index of that output")
    pubkey: StrictStr = Field(
        description="the spender's public key, hex", json_schema_extra=_HEX_SCHEMA
    )
    signature: StrictStr = Field(description="the signature, hex", json_schema_extra=_HEX_SCHEMA)


class TxOutputJson(RequestBody):
    amount: StrictInt = Field(ge=I64_MIN, le=I64_MAX, description="in base units")
    address: StrictStr = Field(description="an address of this node's network")


class TxJsonBody(RequestBody):
    """A transaction field by field. The fields GET /api/v1/txs/{txid} derives from it (`txid`,
    `size`, `hex`, where it is) may come along, so that its answer can be posted back: they are
    ignored. Any other field is refused."""

    version: StrictInt = Field(ge=0, le=U32_MAX)
    inputs: list[TxInputJson]
    outputs: list[TxOutputJson]
    data: StrictStr | None = Field(default=None, description="UTF-8 text (a post), or null")
    txid: Any = Field(default=None, description="derived: ignored")
    size: Any = Field(default=None, description="derived: ignored")
    hex: Any = Field(default=None, description="derived: ignored")
    status: Any = Field(default=None, description="derived: ignored")
    block: Any = Field(default=None, description="derived: ignored")
    height: Any = Field(default=None, description="derived: ignored")
    confirmations: Any = Field(default=None, description="derived: ignored")
    fee: Any = Field(default=None, description="derived: ignored")
    fee_rate: Any = Field(default=None, description="derived: ignored")


class TxAccepted(BaseModel):
    txid: str


class BlockAccepted(BaseModel):
    hash: str
    status: Literal["accepted", "duplicate", "orphan", "held"]


def _hex_field(text: str, what: str) -> bytes:
    if not _HEX.fullmatch(text):
        raise ApiError(400, "bad-hex", f"{what} is not hex")
    return bytes.fromhex(text)


def tx_from_json(body: TxJsonBody, hrp: str) -> Tx:
    """The transaction the JSON form describes, exactly; ApiError 400 for a malformed field."""
    inputs = []
    for n, i in enumerate(body.inputs):
        if not _HASH.fullmatch(i.txid):
            raise ApiError(400, "bad-txid", f"inputs[{n}].txid is not 64 hex characters")
        prevout = OutPoint(bytes.fromhex(i.txid)[::-1], i.vout)
        pubkey = _hex_field(i.pubkey, f"inputs[{n}].pubkey")
        inputs.append(TxIn(prevout, pubkey, _hex_field(i.signature, f"inputs[{n}].signature")))
    outputs = tuple(TxOut(o.amount, decode_address(hrp, o.address)) for o in body.outputs)
    try:
        data = (body.data or "").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape
        raise ApiError(400, "bad-data", "data is not valid UTF-8 text") from None
    return Tx(body.version, tuple(inputs), outputs, data)


TxBody = Annotated[
    HexBody | TxJsonBody,
    Body(
        union_mode="left_to_right",  # a body with a "hex" is the hex form, whatever else it has
        description='`{"hex": …}` (the serialized transaction) or the tx JSON form',
    ),
]


def router(node: Node, intake: TxIntake) -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    @router.post(
        "/blocks",
        status_code=201,
        response_model=BlockAccepted,
        summary="Submit a block",
        responses=WRITE_ERROR_RESPONSES
        | {
            200: {"model": BlockAccepted, "description": "already known (duplicate)"},
            202: {
                "model": BlockAccepted,
                "description": "kept in memory: `orphan` (its parent is unknown) or `held` (its"
                " branch has less work than the active chain; stored once it catches up)",
            },
        },
    )
    def post_block(body: HexBody) -> JSONResponse:
        block = Block.parse(decode_hex(body))
        result = node.call(node.submit_block, block, False)  # nobody asked for it
        code = {"accepted": 201, "duplicate": 200, "orphan": 202, "held": 202}[result.status]
        return JSONResponse({"hash": block.header.hash_hex, "status": result.status}, code)

    @router.post(
        "/txs",
        status_code=201,
        response_model=TxAccepted,
        summary="Submit a transaction",
        responses=ERROR_RESPONSES
        | {200: {"model": TxAccepted, "description": "already in the mempool"}},
    )
    async def post_tx(body: TxBody) -> JSONResponse:
        # the hottest route: it awaits the writer from the event loop, no worker thread between
        if isinstance(body, HexBody):
            tx = Tx.parse(decode_hex(body))
        else:
            tx = tx_from_json(body, node.params.hrp)
        status = await intake.accept(tx)
        return JSONResponse({"txid": to_display(tx.txid)}, status)

    return router
