"""Answering while the block index loads (Core: RPC_IN_WARMUP, "Loading block index...").

`pocketchain node` serves this gate from its first moment: until the node is open,
`GET /api/v1/status` answers with the stored tip's status (`loading` true, `synced` false) and
every other request 503 `loading`, with Retry-After; once the node's app is in place, the gate
hands every request to it.
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
        if scope["path"] == STATUS_PATH and scope["method"] == "GET" and self.status:
            await _answer(send, 200, dataclasses.asdict(self.status))
        else:
            await _answer(send, 503, LOADING, ((b"retry-after", b"1"),))


async def _answer(
    send: Send, code: int, body: dict[str, Any], more: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    data = json.dumps(body, separators=(",", ":")).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
    await send({"type": "http.response.start", "status": code, "headers": [*headers, *more]})
    await send({"type": "http.response.body", "body": data})
