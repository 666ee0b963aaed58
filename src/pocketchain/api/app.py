"""The node's HTTP API: one FastAPI app with the reading, submitting and admin routers."""

from fastapi import FastAPI

from .. import __version__
from ..node.node import Node
from . import admin, errors, peers, reading, submitting


def create_app(node: Node) -> FastAPI:
    app = FastAPI(title="pocketchain", version=__version__)
    errors.install(app)
    app.include_router(reading.router(node))
    app.include_router(submitting.router(node))
    app.include_router(admin.router(node))
    app.include_router(peers.router(node))
    return app
