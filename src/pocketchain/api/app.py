"""The node's HTTP API: one FastAPI app with the reading, submitting, admin, peer and event
routers, Prometheus metrics at /metrics and interactive docs at /docs.

Middleware, outermost first: the guard (requests addressed to the node, JSON bodies, the security
headers of every answer), the catch-all that turns a bug into a logged 500 `internal-error`, the
fast lane for POST /api/v1/txs, the request timer (metrics) and the body size limit; inside them
Starlette's exception middleware maps every error raised by a route to the error shape of
CONTRACT section 4.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from .._version import __version__
from ..node.node import Node
from . import admin, devnet, errors, events, faucet, metrics, peers, reading, submitting, web
from .fastlane import TxFastLane
from .guard import RequestGuard
from .intake import TxIntake
from .limits import MAX_BODY, BodyLimit

WEB = Path(__file__).parent / "web"


class _App(FastAPI):
    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            errors.document_errors(super().openapi())
        assert self.openapi_schema is not None
        return self.openapi_schema


def create_app(node: Node, hosts: Iterable[str] = ()) -> FastAPI:
    """The app serving `node`. Requests must be addressed to `hosts` (the address the server
    listens on), the host of the node's public URL, localhost or a loopback address."""
    app = _App(
        title="pocketchain",
        version=__version__,
        description="A pocketchain node: read the chain, submit transactions and blocks, "
        "follow events. Admin routes take `Authorization: Bearer <token>` (the token is in "
        "`<data-dir>/<network>/admin.token`).",
        docs_url=None,  # served below, with Swagger UI's files from the node itself
    )
    errors.install(app)

    hub = app.state.events = events.EventHub()  # cli/run_node.py closes it at shutdown
    node_metrics = metrics.Metrics(node, subscribers=lambda: len(hub))
    node.listeners.append(hub.on_event)
    node.listeners.append(node_metrics.on_event)

    intake = TxIntake(node)
    app.include_router(submitting.router(node, intake))  # first: POST /txs is the hottest route
    app.include_router(reading.router(node))
    app.include_router(admin.router(node))
    if node.params.name != "main":  # CONTRACT section 4: the faucet is for regtest and devnet
        app.include_router(faucet.router(node))
    app.include_router(peers.router(node))
    app.include_router(devnet.router(node))
    app.include_router(events.router(hub))
    app.include_router(metrics.router(node_metrics))
    _docs(app)
    web.install(app, node)

    # add_middleware puts each one outside the ones before it
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    app.add_middleware(metrics.RequestTimer, histogram=node_metrics.requests)
    app.add_middleware(TxFastLane, intake=intake, histogram=node_metrics.requests)
    app.add_middleware(errors.CatchAll)
    public = urlsplit(node.network.public_url or "").hostname
    app.add_middleware(RequestGuard, hosts=[*hosts, public or ""])
    return app


def _docs(app: FastAPI) -> None:
    """/docs: Swagger UI from the vendored files, started by a script file of the node's own."""
    app.mount("/docs-assets", StaticFiles(directory=WEB / "vendor" / "swagger-ui"), name="docs")

    @app.get("/docs", include_in_schema=False)
    def get_docs() -> FileResponse:
        return FileResponse(WEB / "docs.html", headers={"Cache-Control": "no-cache"})
