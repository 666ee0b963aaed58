"""Answering while the block index loads (Core: RPC_IN_WARMUP, "Loading block index...").

`pocketchain node` serves this gate from its first moment: until the node is open,
`GET /api/v1/status` answers with the stored tip's status (`loading` true, `synced` false) and
every other request 503 `loading`, with Retry-After (a browser's: a page that says so and
reloads itself); once the node's app is in place, the gate hands every request to it.
"""

import dataclasses
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .._results import Status

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

STATUS_PATH = "/api/v1/status"
JSON = (b"content-type", b"application/json")
HTML = (b"content-type", b"text/html; charset=utf-8")
RETRY = (b"retry-after", b"1")
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="1">
<link rel="icon" href="data:,"><title>pocketchain: loading</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem">
<p>The node is loading its block index{where}. This page reloads itself when it is done.</p>
</body></html>
"""
LOADING = {
    "error": {
        "code": "loading",
        "message": "the node is loading its block index; try again in a moment",
    }
}


class Warmup:
    def __init__(self) -> None:
        self.status: Status | None = None  # the stored tip's, once the store is open
        self.app: App | None = None  # the node's, once it is open

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is not None:
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        if path == STATUS_PATH and method == "GET" and self.status:
            await _answer(send, 200, _json(dataclasses.asdict(self.status)), JSON)
        elif method == "GET" and b"text/html" in dict(scope["headers"]).get(b"accept", b""):
            where = f" (the stored tip is at height {self.status.height:,})" if self.status else ""
            await _answer(send, 503, PAGE.format(where=where).encode(), HTML, RETRY)  # a browser
        else:
            await _answer(send, 503, _json(LOADING), JSON, RETRY)


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


async def _answer(send: Send, code: int, data: bytes, *headers: tuple[bytes, bytes]) -> None:
    length = (b"content-length", b"%d" % len(data))
    await send({"type": "http.response.start", "status": code, "headers": [*headers, length]})
    await send({"type": "http.response.body", "body": data})
