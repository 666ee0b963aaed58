"""A fast lane for the hottest route: POST /api/v1/txs with a `{"hex": ...}` body.

A pure ASGI handler in front of the rest of the app (only the catch-all for bugs is outside it)
that reads the body itself and answers exactly as the route does, through the same intake. It
saves the per-request cost of the other middleware, routing, validation and response classes,
which is most of what a transaction costs the node's single Python core. It times the request
for the metrics as the request timer would. Any other request, and any other body (the JSON
form, malformed or oversized input), goes on to the app, with the bytes it came with.
"""

import json
import time

from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..consensus.errors import DecodeError, RejectError
from ..consensus.hashes import to_display
from ..consensus.tx import Tx
from .errors import error_response, reject_status
from .intake import TxIntake
from .limits import MAX_BODY, content_length

PATH = "/api/v1/txs"
_JSON = (b"content-type", b"application/json")


class TxFastLane:
    def __init__(self, app: ASGIApp, intake: TxIntake, histogram: Histogram) -> None:
        self.app = app
        self.intake = intake
        self.timer = histogram.labels("POST", PATH)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        length = content_length(scope)
        if length is None or length > MAX_BODY:  # the app refuses or counts it
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        tx = _hex_tx(body)
        if tx is None:
            await self.app(scope, _replay(body), send)
            return
        try:
            status = await self.intake.accept(tx)
        except RejectError as exc:
            response = error_response(reject_status(exc.code), exc.code, exc.message)
            await response(scope, receive, send)
        else:
            answer = b'{"txid":"%s"}' % to_display(tx.txid).encode()
            headers = [_JSON, (b"content-length", b"%d" % len(answer))]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": answer})
        finally:
            self.timer.observe(time.perf_counter() - start)


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
