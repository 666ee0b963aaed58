"""What every request meets first (CONTRACT section 5), a pure ASGI middleware outside all others.

- A request must be addressed to this node: its `Host` is the address the node listens on,
  `localhost`, the host of its public URL, or a loopback address. A page on another site whose
  name was made to resolve to this machine (DNS rebinding) names that site: 421 `misdirected`.
- A POST that carries a body must say `Content-Type: application/json`: a cross-site form can
  send only the simple types (text/plain, form encodings) without the browser asking first, so
  nothing the node changes can be reached that way: 415 `unsupported-media-type`.
- Every answer carries the headers that keep the pages from being framed by another site
  (clickjacking), from running scripts from anywhere but the node, from being sniffed as another
  type, and from leaking their address to the sites they link to.
"""

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
JSON = "application/json"


def host_name(host: bytes) -> str:
    """The name in a Host header, without its port, lower case: `[::1]:5000` is `::1`."""
    text = host.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def _loopback(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class RequestGuard:
    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        """`hosts`: the names requests may be addressed to, besides localhost and loopback."""
        self.app = app
        self.hosts = {h.strip("[]").lower() for h in hosts if h} | {"localhost"}

    def addressed_to_us(self, host: bytes | None) -> bool:
        if host is None:  # HTTP/1.0 without a Host: not a browser, so not a rebinding
            return True
        name = host_name(host)
        return name in self.hosts or _loopback(name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *SECURITY_HEADERS]
            await send(message)

        if not self.addressed_to_us(headers.get(b"host")):
            response = error_response(
                421, "misdirected", "this request is addressed to another host than this node"
            )
            await response(scope, receive, secured)
            return
        if scope["method"] == "POST" and _has_body(headers) and not _is_json(headers):
            response = error_response(
                415, "unsupported-media-type", f"a request body must be {JSON}"
            )
            await response(scope, receive, secured)
            return
        await self.app(scope, receive, secured)


def _has_body(headers: dict[bytes, bytes]) -> bool:
    return headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers


def _is_json(headers: dict[bytes, bytes]) -> bool:
    media_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    return media_type == JSON.encode()
