"""A scripted peer for tests: a tiny HTTP server that says what the test tells it to."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pocketchain.consensus.params import REGTEST


def regtest_status(**changes: Any) -> dict[str, Any]:
    """A status answer of a regtest node at genesis, with `changes`."""
    genesis = REGTEST.genesis.header.hash_hex
    return {
        "network": "regtest",
        "genesis": genesis,
        "height": 0,
        "tip": genesis,
        "chainwork": f"{2:064x}",
    } | changes


class FakePeer:
    """Serves GET /api/v1/status with `status` (and `routes`), answers a handshake with the
    status and a key, a long poll for news after a second with the status, an ask for addresses
    with none, every other POST with `{}`; records the paths asked for."""

    def __init__(self, status: dict[str, Any], routes: dict[str, Any] | None = None) -> None:
        self.status = status
        self.routes = routes or {}  # more GET answers, by path without the query
        self.requests: list[str] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                peer.requests.append(self.path)
                path = self.path.split("?")[0]
                if path == "/api/v1/peers/news":
                    time.sleep(1)  # nothing new: a long poll waits
                    self._answer(peer.status | {"txs": [], "addresses": []})
                elif path == "/api/v1/peers/addresses":
                    self._answer({"addresses": []})
                else:
                    self._answer(peer.status if path == "/api/v1/status" else peer.routes.get(path))

            def do_POST(self) -> None:
                peer.requests.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hello = self.path == "/api/v1/peers/hello"
                self._answer(peer.status | {"key": "f" * 32} if hello else {})

            def _answer(self, body: dict[str, Any] | None) -> None:
                data = json.dumps(body or {"error": {"code": "not-found", "message": "no"}})
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
