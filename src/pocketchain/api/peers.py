"""Peer routes: the peer list, connecting and forgetting peers (admin), and what peers send each
other: the handshake, announced blocks and relayed transactions (identified by X-Peer-Key)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from pydantic import BaseModel, Field

from .._results import Peer
from ..node.node import Node
from .common import HexBody, RequestBody, check_token
from .errors import ADMIN_ERROR_RESPONSES, ERROR_RESPONSES

PeerKey = Annotated[str | None, Header(alias="X-Peer-Key", max_length=64)]
HASH = r"^[0-9a-f]{64}$"
WORK = r"^[0-9a-f]{1,64}$"
MAX_RELAY_TXS = 1_000


class PeerUrl(RequestBody):
    url: str = Field(max_length=300, examples=["http://127.0.0.1:5001"])


class Hello(RequestBody):
    """One side of the handshake: who I am, what chain I serve, the key you must present."""

    url: str = Field(max_length=300)
    network: str = Field(max_length=20)
    genesis: str = Field(pattern=HASH)
    height: int = Field(ge=0)
    tip: str = Field(pattern=HASH)
    chainwork: str = Field(pattern=WORK)
    key: str = Field(min_length=16, max_length=64)


class Announced(BaseModel):
    hash: str
    status: str


class TxBatch(RequestBody):
    txs: list[str] = Field(max_length=MAX_RELAY_TXS)


class Rejected(BaseModel):
    txid: str
    code: str


class Relayed(BaseModel):
    accepted: int
    rejected: list[Rejected]


def router(node: Node) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["peers"])
    network = node.network

    @router.get("/peers", responses=ERROR_RESPONSES)
    def get_peers() -> list[Peer]:
        return list(node.peers())

    @router.post(
        "/peers",
        status_code=201,
        dependencies=[Depends(check_token(node))],
        responses=ADMIN_ERROR_RESPONSES,
    )
    def post_peer(body: PeerUrl) -> Peer:
        return node.connect(body.url)

    @router.delete(
        "/peers", dependencies=[Depends(check_token(node))], responses=ADMIN_ERROR_RESPONSES
    )
    def delete_peer(url: Annotated[str, Query(max_length=300)]) -> PeerUrl:
        node.disconnect(url)
        return PeerUrl(url=url)

    @router.post("/peers/hello", responses=ERROR_RESPONSES | ADMIN_ERROR_RESPONSES)
    def post_hello(body: Hello) -> Hello:
        return Hello(**network.hello(body.model_dump()))

    @router.post("/peers/blocks", responses=ADMIN_ERROR_RESPONSES)
    def post_peer_block(body: HexBody, key: PeerKey = None) -> Announced:
        return Announced(**network.receive_block(key, body.hex))

    @router.post("/peers/txs", responses=ADMIN_ERROR_RESPONSES)
    def post_peer_txs(body: TxBatch, key: PeerKey = None) -> Relayed:
        return Relayed(**network.receive_txs(key, body.txs))

    return router
