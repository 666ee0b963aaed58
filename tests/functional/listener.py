"""A plain HTTP listener that answers 404 to everything and logs what it received: where a node
must not send requests on somebody else's word."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Listener:
    def __init__(self, host: str) -> None:
        self.received: list[tuple[str, str]] = []  # (method, path)
        self.changed = threading.Condition()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _log(self) -> None:
                with listener.changed:
                    listener.received.append((self.command, self.path))
                    listener.changed.notify_all()
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _log  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float) -> bool:
        """Until it has received `count` requests; False after `timeout`."""
        with self.changed:
            return self.changed.wait_for(lambda: len(self.received) >= count, timeout)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
