"""Routes that take blocks and transactions from anyone; everything is validated."""

import json
import re
from dataclasses import fields
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.dataclasses import dataclass as pydantic_dataclass

from .._results import PooledTransaction, TransactionStatus, TxFields, TxInput, TxOutput
from ..consensus.block import Block
from ..consensus.errors import ApiError, RejectError
from ..consensus.hashes import to_display
from ..consensus.keys import decode_address
from ..consensus.tx import OutPoint, Tx, TxIn, TxOut
from ..node.node import Node
from .common import HexBody, decode_hex
from .errors import ERROR_RESPONSES, WRITE_ERROR_RESPONSES
from .intake import TxIntake
from .web import WEB

_HASH = re.compile(r"[0-9a-fA-F]{64}")  # _results.py documents both patterns
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")
# each reject code's rule, as docs/consensus.md words it (a test keeps the two the same)
RULES: dict[str, str] = json.loads((WEB / "rules.json").read_text())


class BlockCheck(BaseModel):
    """The verdict of a dry run (POST /api/v1/blocks/check)."""

    hash: str
    valid: bool
    height: int | None = Field(default=None, description="the height it would have")
    code: str | None = Field(default=None, description="the first rule it breaks")
    message: str | None = None
    rule: str | None = Field(default=None, description="that rule, as docs/consensus.md says it")


# -- the tx JSON form: the node's own JSON of a transaction (_results.py), posted back --------

FORBID = ConfigDict(extra="forbid")  # a field the form does not define is refused
# what GET /api/v1/txs/{txid} (and the mempool's list) derive from the fields: may come along
DERIVED = frozenset(
    f.name for kind in (TransactionStatus, PooledTransaction) for f in fields(kind)
) - {f.name for f in fields(TxFields)}


@pydantic_dataclass(frozen=True, kw_only=True, config=FORBID)
class TxInputForm(TxInput):
    pass


@pydantic_dataclass(frozen=True, kw_only=True, config=FORBID)
class TxOutputForm(TxOutput):
    pass


def _document_derived(schema: dict[str, Any]) -> None:
    for name in sorted(DERIVED):
        schema["properties"][name] = {"description": "derived from the other fields: ignored"}


@pydantic_dataclass(
    frozen=True,
    kw_only=True,
    config=ConfigDict(extra="forbid", json_schema_extra=_document_derived),
)
class TxForm(TxFields):
    """A transaction field by field, as the node shows it: an answer of GET /api/v1/txs/{txid}
    can be posted back, the fields derived from the others being ignored. Any other field is
    refused."""

    inputs: tuple[TxInputForm, ...]
    outputs: tuple[TxOutputForm, ...]

    @model_validator(mode="before")
    @classmethod
    def _ignore_derived(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in DERIVED}
        return data


class TxAccepted(BaseModel):
    txid: str


class BlockAccepted(BaseModel):
    hash: str
    status: Literal["accepted", "duplicate", "orphan", "held"]


def _hex_field(text: str, what: str) -> bytes:
    if not _HEX.fullmatch(text):
        raise ApiError(400, "bad-hex", f"{what} is not hex")
    return bytes.fromhex(text)


def tx_from_json(body: TxForm, hrp: str) -> Tx:
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
    HexBody | TxForm,
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
        result = node.call(node.accept_block, block, False)  # nobody asked for it
        code = {"accepted": 201, "duplicate": 200, "orphan": 202, "held": 202}[result.status]
        return JSONResponse({"hash": block.header.hash_hex, "status": result.status}, code)

    @router.post(
        "/blocks/check",
        summary="Judge a block by every rule without storing it (a dry run)",
        responses=ERROR_RESPONSES,
    )
    def post_block_check(body: HexBody) -> BlockCheck:
        block = Block.parse(decode_hex(body))
        try:
            height = node.check_block(block)
        except RejectError as exc:
            return BlockCheck(
                hash=block.header.hash_hex,
                valid=False,
                code=exc.code,
                message=exc.message,
                rule=RULES.get(exc.code),
            )
        return BlockCheck(hash=block.header.hash_hex, valid=True, height=height)

    @router.get("/blocks/check", include_in_schema=False)
    def get_block_check() -> None:
        # without it GET /blocks/check would reach GET /blocks/{block_hash} as a bad hash
        raise HTTPException(405, headers={"Allow": "POST"})

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
