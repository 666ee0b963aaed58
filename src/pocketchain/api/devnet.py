"""The devnet this node belongs to, for the web UI: its nodes, links and splits (Network page),
every node's view of the chain (Chain page), and split and heal for the admin. Off a devnet,
`GET /devnet` answers null (so that a page may ask any node) and the others 404."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from .._client import Client
from .._devnet import Devnet, LabError, heal, parse_groups, split
from .._results import ChainTip
from ..consensus.errors import NotFound, PocketchainError
from ..node.node import Node
from .common import RequestBody, check_token
from .errors import ADMIN_ERROR_RESPONSES, ERROR_RESPONSES

RECENT = 12  # blocks of each node's active chain in its view
VIEW_TIMEOUT = 3.0  # seconds for each node to answer


class DevnetNode(BaseModel):
    node: int
    name: str
    url: str
    share: float | None = Field(description="of the hash power, in the exponential mode")


class DevnetLink(BaseModel):
    between: tuple[int, int]
    latency_ms: float
    loss: float
    cut: bool


class DevnetInfo(BaseModel):
    mode: str = Field(description='how the nodes mine: "exponential" or "proof-of-work race"')
    source: str = Field(description="the topology or network file it was started from")
    me: int = Field(description="which node answered")
    nodes: list[DevnetNode]
    links: list[DevnetLink]


class NodeView(BaseModel):
    node: int
    height: int | None = None
    tip: str | None = None
    recent: list[str] = Field(default=[], description="its chain's last blocks, oldest first")
    tips: list[ChainTip] = []
    error: str | None = None


class SplitBody(RequestBody):
    groups: Annotated[list[list[int]], Field(min_length=2, max_length=16)]


class LinksChanged(BaseModel):
    links: list[tuple[int, int]]


def router(node: Node) -> APIRouter:
    public = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
    admin = APIRouter(dependencies=[Depends(check_token(node))], responses=ADMIN_ERROR_RESPONSES)

    me = node.network.public_url or ""  # a node peers cannot reach is in no devnet

    def found() -> tuple[Devnet, Path] | None:
        where = Devnet.find(node.dir.parent)
        try:
            net = Devnet.load(where) if where is not None else None
        except (LabError, ValueError, TypeError, KeyError):  # stopping, or not ours
            return None
        return (net, where) if where is not None and net is not None and me in net.urls else None

    def state() -> tuple[Devnet, Path]:
        if (here := found()) is None:
            raise NotFound("this node is not part of a running devnet")
        return here

    @public.get("/devnet", summary="The devnet this node belongs to (null if none)")
    def get_devnet() -> DevnetInfo | None:
        if (here := found()) is None:
            return None
        net = here[0]
        return DevnetInfo(
            mode=net.mode,
            source=net.source,
            me=net.urls.index(me),
            nodes=[
                DevnetNode(node=i, name=net.names[i], url=url, share=net.shares[i])
                for i, url in enumerate(net.urls)
            ],
            links=[
                DevnetLink(**row, cut=tuple(row["between"]) in net.cut) for row in net.link_rows()
            ],
        )

    @public.get("/devnet/views", summary="Every node's tip, last blocks and chain tips")
    def get_views() -> list[NodeView]:
        return [_view(i, url) for i, url in enumerate(state()[0].urls)]

    @admin.post("/devnet/split", summary="Cut every link between the groups")
    def post_split(body: SplitBody) -> LinksChanged:
        net, where = state()
        groups = parse_groups([",".join(map(str, g)) for g in body.groups], len(net.urls))
        cut = split(net, groups)
        net.save(where)
        return LinksChanged(links=cut)

    @admin.post("/devnet/heal", summary="Link again what a split cut")
    def post_heal() -> LinksChanged:
        net, where = state()
        healed = heal(net)
        net.save(where)
        return LinksChanged(links=healed)

    public.include_router(admin)
    return public


def _view(i: int, url: str) -> NodeView:
    try:
        with Client(url, timeout=VIEW_TIMEOUT) as client:
            status = client.status()
            recent = [b.hash for b in client.blocks(status.height, RECENT)][::-1]
            tips = list(client.tips())
        return NodeView(node=i, height=status.height, tip=status.tip, recent=recent, tips=tips)
    except PocketchainError as exc:  # a node that is down or busy: its row says so
        return NodeView(node=i, error=str(exc))
