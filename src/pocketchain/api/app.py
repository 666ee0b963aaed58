"""The node's HTTP API: one FastAPI app with the reading, submitting, admin, peer and event
routers, Prometheus metrics at /metrics and interactive docs at /docs.

Middleware, outermost first: the catch-all that turns a bug into a logged 500 `internal-error`,
the fast lane for POST /api/v1/txs, the request timer (metrics) and the body size limit; inside
them Starlette's exception middleware maps every error raised by a route to the error shape of
CONTRACT section 4.
"""

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..node.node import Node
from . import admin, errors, events, faucet, metrics, peers, reading, submitting, web
from .fastlane import TxFastLane
from .intake import TxIntake
from .limits import MAX_BODY, BodyLimit

SWAGGER_UI = Path(__file__).parent / "web" / "vendor" / "swagger-ui"
SWAGGER_UI_URL = "/docs-assets"


class _App(FastAPI):
    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            errors.document_errors(super().openapi())
        assert self.openapi_schema is not None
        return self.openapi_schema


def create_app(node: Node) -> FastAPI:
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
    app.include_router(events.router(hub))
    app.include_router(metrics.router(node_metrics))
    _docs(app)
    web.install(app, node)

    # add_middleware puts each one outside the ones before it
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    app.add_middleware(metrics.RequestTimer, histogram=node_metrics.requests)
    app.add_middleware(TxFastLane, intake=intake, histogram=node_metrics.requests)
    app.add_middleware(errors.CatchAll)
    return app


def _docs(app: FastAPI) -> None:
    """/docs: Swagger UI, from the vendored files when they are installed, else from a CDN."""
    local = (SWAGGER_UI / "swagger-ui-bundle.js").is_file()
    if local:
        app.mount(SWAGGER_UI_URL, StaticFiles(directory=SWAGGER_UI), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def get_docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        openapi_url = f"{root}{app.openapi_url}"
        if not local:
            return get_swagger_ui_html(openapi_url=openapi_url, title="pocketchain API")
        assets = f"{root}{SWAGGER_UI_URL}"
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title="pocketchain API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
        )
