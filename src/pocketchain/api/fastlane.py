"""A fast lane for the hottest route: POST /api/v1/txs with a `{"hex": ...}` body.

A pure ASGI handler in front of FastAPI's routing (inside the metrics, error and size-limit
middleware) that parses the body itself and answers exactly as the route does, through the same
`submit_tx`. It saves the per-request cost of routing, validation and exception middleware, which
is most of what a transaction costs the node's single Python core. Any other body (the JSON form,
malformed input) goes on to the route, with the bytes it came with, for the route's own answer.
"""

import json
from typing import NamedTuple

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..consensus.errors import DecodeError, RejectError
from ..consensus.tx import Tx
from ..node.node import Node
from .errors import error_response, reject_status
from .submitting import submit_tx

PATH = "/api/v1/txs"


class _Route(NamedTuple):
    path: str  # what the metrics label a request with


class TxFastLane:
    def __init__(self, app: ASGIApp, node: Node) -> None:
        self.app = app
        self.node = node

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        tx = _hex_tx(body)
        if tx is None:
            await self.app(scope, _replay(body), send)
            return
        scope["route"] = _Route(PATH)
        try:
            status, answer = await submit_tx(self.node, tx)
            response = JSONResponse(answer, status)
        except RejectError as exc:
            response = error_response(reject_status(exc.code), exc.code, exc.message)
        await response(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A `receive` that gives the route the body already read, then waits as the server would."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _hex_tx(body: bytes) -> Tx | None:
    """The transaction of a body that is exactly `{"hex": "<valid serialization>"}`, else None."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or data.keys() != {"hex"} or not isinstance(data["hex"], str):
            return None
        return Tx.parse(bytes.fromhex(data["hex"]))
    except (ValueError, RecursionError, DecodeError):  # the route answers those
        return None
