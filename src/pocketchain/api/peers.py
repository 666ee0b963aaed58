"""Peer routes: the peer list and the network's state, connecting and forgetting peers (admin),
and what a peer that dialled this node sends on its connection: the hello, then (with the key the
hello's answer gave, X-Peer-Key) long polls for news, asks for addresses and the locator, and
pushes of blocks, headers, transactions and addresses."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, Field, model_validator

from .._results import NetworkInfo, Peer
from ..consensus.block import MAX_HEADERS
from ..node.node import Node
from ..p2p.client import MAX_BLOCKS_PER_REQUEST
from ..p2p.connection import MAX_ADDRESSES
from .common import RequestBody, check_token
from .errors import ADMIN_ERROR_RESPONSES, ERROR_RESPONSES

PeerKey = Annotated[str | None, Header(alias="X-Peer-Key", max_length=64)]
HASH = r"^[0-9a-f]{64}$"
WORK = r"^[0-9a-f]{1,64}$"
MAX_RELAY_TXS = 1_000
MAX_WAIT = 30.0  # seconds a long poll for news may wait


class PeerUrl(RequestBody):
    url: str = Field(max_length=300, examples=["http://127.0.0.1:5001"])


class Hello(RequestBody):
    """The dialler's hello: where it listens, what chain it serves, and a random nonce (a node
    that receives its own nonce is talking to itself). The answer carries the key the dialler
    presents on every later request of the connection."""

    url: str = Field(max_length=300)
    network: str = Field(max_length=20)
    genesis: str = Field(pattern=HASH)
    height: int = Field(ge=0)
    tip: str = Field(pattern=HASH)
    chainwork: str = Field(pattern=WORK)
    nonce: str = Field(min_length=8, max_length=64)


class HelloAnswer(BaseModel):
    url: str | None
    network: str
    genesis: str
    height: int
    tip: str
    chainwork: str
    key: str


class News(BaseModel):
    """Our chain and tip, and what waited for the asking peer: transactions (hex) and addresses."""

    network: str
    genesis: str
    height: int
    tip: str
    chainwork: str
    txs: list[str]
    addresses: list[str]


class Addresses(RequestBody):
    addresses: list[str] = Field(max_length=MAX_ADDRESSES)


class Locator(BaseModel):
    locator: list[str]


class Headers(RequestBody):
    headers: list[str] = Field(max_length=MAX_HEADERS)


class Wanted(BaseModel):
    wanted: list[str]


class Announced(BaseModel):
    hash: str
    status: str


class BlockPush(RequestBody):
    """One block announced (`hex`), or blocks this node asked for after pushed headers."""

    hex: str | None = Field(default=None, max_length=4 * 1024 * 1024)
    blocks: list[str] | None = Field(default=None, max_length=MAX_BLOCKS_PER_REQUEST)

    @model_validator(mode="after")
    def one_of_them(self) -> "BlockPush":
        if (self.hex is None) == (self.blocks is None):
            raise ValueError("give either hex (one block) or blocks (a list)")
        return self


class Pushed(BaseModel):
    accepted: int
    unasked: int


class TxBatch(RequestBody):
    txs: list[str] = Field(max_length=MAX_RELAY_TXS)


class Rejected(BaseModel):
    txid: str
    code: str


class Relayed(BaseModel):
    accepted: int
    rejected: list[Rejected]


def _ip(request: Request) -> str:
    """The address a request came from (a trusted proxy's X-Forwarded-For already applied)."""
    return request.client.host if request.client else ""


def router(node: Node) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["peers"])
    inbound = node.network.inbound

    @router.get("/peers", responses=ERROR_RESPONSES)
    def get_peers() -> list[Peer]:
        return list(node.peers())

    @router.get("/network", responses=ERROR_RESPONSES)
    def get_network() -> NetworkInfo:
        return node.network_info()

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
    def post_hello(body: Hello, request: Request) -> HelloAnswer:
        return HelloAnswer(**inbound.hello(body.model_dump(), _ip(request)))

    @router.get("/peers/news", responses=ADMIN_ERROR_RESPONSES)
    async def get_news(
        request: Request, wait: Annotated[float, Query(ge=0, le=MAX_WAIT)] = 0, key: PeerKey = None
    ) -> News:
        return News(**await inbound.news(key, _ip(request), wait))

    @router.get("/peers/addresses", responses=ADMIN_ERROR_RESPONSES)
    def get_addresses(request: Request, key: PeerKey = None) -> Addresses:
        return Addresses(addresses=inbound.addresses(key, _ip(request)))

    @router.post("/peers/addresses", responses=ADMIN_ERROR_RESPONSES)
    def post_addresses(body: Addresses, request: Request, key: PeerKey = None) -> Addresses:
        inbound.receive_addresses(key, _ip(request), body.addresses)
        return Addresses(addresses=[])

    @router.get("/peers/locator", responses=ADMIN_ERROR_RESPONSES)
    def get_locator(request: Request, key: PeerKey = None) -> Locator:
        return Locator(locator=inbound.locator(key, _ip(request)))

    @router.post("/peers/headers", responses=ADMIN_ERROR_RESPONSES)
    def post_headers(body: Headers, request: Request, key: PeerKey = None) -> Wanted:
        return Wanted(wanted=inbound.receive_headers(key, _ip(request), body.headers))

    @router.post("/peers/blocks", responses=ADMIN_ERROR_RESPONSES)
    def post_peer_block(
        body: BlockPush, request: Request, key: PeerKey = None
    ) -> Announced | Pushed:
        if body.blocks is not None:
            return Pushed(**inbound.receive_blocks(key, _ip(request), body.blocks))
        return Announced(**inbound.receive_block(key, _ip(request), body.hex or ""))

    @router.post("/peers/txs", responses=ADMIN_ERROR_RESPONSES)
    def post_peer_txs(body: TxBatch, request: Request, key: PeerKey = None) -> Relayed:
        return Relayed(**inbound.receive_txs(key, _ip(request), body.txs))

    return router
