"""A peer without sockets: the peer routes of the HTTP API over a chainstate, as an
httpx.MockTransport, recording what our node sends it."""

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from pocketchain.chain.chainstate import Chainstate
from pocketchain.consensus.block import MAX_HEADERS
from pocketchain.consensus.hashes import from_display, to_display

URL = "http://127.0.0.2:8333"
KEY = "key-the-mock-peer-issued"


class MockPeer:
    def __init__(self, chain: Chainstate, answer: int = MAX_HEADERS) -> None:
        self.chain = chain
        self.answer = answer  # headers per answer
        self.genesis = to_display(chain.params.genesis.hash)
        self.reachable = True
        self.received: list[tuple[str, Any, str | None]] = []  # (path, body, X-Peer-Key)
        self._changed = threading.Condition()
        self.transport = httpx.MockTransport(self._handle)

    def _ours(self) -> dict[str, Any]:
        tip = self.chain.tip
        return {
            "url": URL,
            "network": self.chain.params.name,
            "genesis": self.genesis,
            "height": tip.height,
            "tip": tip.header.hash_hex,
            "chainwork": f"{tip.chainwork:064x}",
        }

    def _handle(self, request: httpx.Request) -> httpx.Response:
        if not self.reachable:
            raise httpx.ConnectError("connection refused", request=request)
        path, params = request.url.path, request.url.params
        body = json.loads(request.content) if request.content else None
        with self._changed:
            self.received.append((path, body, request.headers.get("X-Peer-Key")))
            self._changed.notify_all()
        if path == "/api/v1/peers/hello":
            return httpx.Response(200, json=self._ours() | {"key": KEY})
        if path == "/api/v1/status":
            return httpx.Response(200, json=self._ours())
        if path == "/api/v1/headers":
            locator = [from_display(h) for h in params["locator"].split(",")]
            headers = self.chain.headers_after(locator, self.answer)
            return httpx.Response(200, json={"headers": [h.raw.hex() for h in headers]})
        if path == "/api/v1/blocks/raw":
            found = [
                (h, self.chain.store.get_block(from_display(h)))
                for h in params["hashes"].split(",")
            ]
            items = [{"hash": h, "hex": raw.hex()} for h, raw in found if raw]
            return httpx.Response(200, json={"blocks": items})
        if path == "/api/v1/peers/blocks":
            return httpx.Response(200, json={"hash": "", "status": "accepted"})
        if path == "/api/v1/peers/txs":
            return httpx.Response(200, json={"accepted": len(body["txs"]), "rejected": []})
        return httpx.Response(404, json={"error": {"code": "not-found", "message": path}})

    def wait_for(self, what: Callable[[], bool], timeout: float = 30.0) -> None:
        """Until `what()` holds, woken by each request; fails the test after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not what():
                left = deadline - time.monotonic()
                assert left > 0, "timed out waiting on the mock peer"
                self._changed.wait(min(left, 0.2))

    def sent(self, path: str) -> list[tuple[Any, str | None]]:
        with self._changed:
            return [(body, key) for p, body, key in self.received if p == path]
