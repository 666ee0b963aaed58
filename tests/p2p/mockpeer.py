"""A peer without sockets: the peer routes of the HTTP API over a chainstate, as an
httpx.MockTransport, recording what our node sends it. It is the side our node dials: it answers
the hello with a key, long-polls news (answered when its tip moves or after the wait), gives
addresses and its locator, and takes pushed headers and blocks."""

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from pocketchain.chain.chainstate import Chainstate
from pocketchain.consensus.block import MAX_HEADERS, Block, BlockHeader
from pocketchain.consensus.hashes import from_display, to_display

URL = "http://127.0.0.2:8333"
KEY = "key-the-mock-peer-issued"


class MockPeer:
    def __init__(self, chain: Chainstate, answer: int = MAX_HEADERS) -> None:
        self.chain = chain
        self.answer = answer  # headers per answer
        self.genesis = to_display(chain.params.genesis.hash)
        self.reachable = True
        self.addresses: list[str] = []  # what it answers an ask for addresses with
        self.relayed: list[str] = []  # the addresses its news carry
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

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        path, params = request.url.path, request.url.params
        body = json.loads(request.content) if request.content else None
        with self._changed:
            self.received.append((path, body, request.headers.get("X-Peer-Key")))
            self._changed.notify_all()
        if not self.reachable:  # recorded all the same: it was tried
            raise httpx.ConnectError("connection refused", request=request)
        if path == "/api/v1/peers/news":
            return httpx.Response(200, json=await self._news(float(params["wait"])))
        status, answer = self._answer(path, params, body)
        return httpx.Response(status, json=answer)

    async def _news(self, wait: float) -> dict[str, Any]:
        """Its tip once it differs from what it last told, or after `wait` (shortened)."""
        told = self.chain.tip.hash
        deadline = time.monotonic() + min(wait, 1.0)
        while self.chain.tip.hash == told and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return self._ours() | {"txs": [], "addresses": self.relayed}

    def _answer(self, path: str, params: Any, body: Any) -> tuple[int, Any]:
        if path == "/api/v1/peers/hello":
            return 200, self._ours() | {"key": KEY}
        if path == "/api/v1/peers/addresses":
            return 200, {"addresses": self.addresses}
        if path == "/api/v1/peers/locator":
            return 200, {"locator": [to_display(h) for h in self.chain.locator()]}
        if path == "/api/v1/peers/headers":
            headers = [BlockHeader.parse(bytes.fromhex(h)) for h in body["headers"]]
            entries = self.chain.process_headers(headers)
            wanted = self.chain.missing_blocks(entries)
            return 200, {"wanted": [to_display(h) for h in wanted]}
        if path == "/api/v1/peers/blocks" and "blocks" in body:
            for raw in body["blocks"]:
                self.chain.process_block(Block.parse(bytes.fromhex(raw)))
            return 200, {"accepted": len(body["blocks"]), "unasked": 0}
        if path == "/api/v1/peers/blocks":
            block = Block.parse(bytes.fromhex(body["hex"]))
            result = self.chain.process_block(block, requested=False)
            return 200, {"hash": block.header.hash_hex, "status": result.status}
        if path == "/api/v1/peers/txs":
            return 200, {"accepted": len(body["txs"]), "rejected": []}
        if path == "/api/v1/headers":
            locator = [from_display(h) for h in params["locator"].split(",")]
            headers = self.chain.headers_after(locator, self.answer)
            return 200, {"headers": [h.raw.hex() for h in headers]}
        if path == "/api/v1/blocks/raw":
            found = [
                (h, self.chain.store.get_block(from_display(h)))
                for h in params["hashes"].split(",")
            ]
            return 200, {"blocks": [{"hash": h, "hex": raw.hex()} for h, raw in found if raw]}
        return 404, {"error": {"code": "not-found", "message": path}}

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
