"""Every request body is size-limited (CONTRACT section 5): a pure ASGI middleware.

A body announced larger than the limit (Content-Length) is refused before a byte of it is read;
a body without a length (chunked) is counted as it arrives and refused as soon as it grows past
the limit. Either way the answer is 413 `too-large`, and the connection is closed so the rest
of the body is never read.
"""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response

# a 1 MB block is 2 MB of hex plus its JSON; peers may send a few at once
MAX_BODY = 4 * 1024 * 1024


class BodyTooLarge(HTTPException):
    """Raised from `receive` inside a route that reads the body; the error handler answers it."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _message(limit), headers={"Connection": "close"})


def _message(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes"


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = content_length(scope)
        if length is not None and length > self.limit:
            await self._refuse(scope, receive, send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    if started:  # the route answered without the body: end it here, quietly
                        return {"type": "http.request", "body": b"", "more_body": False}
                    raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413, "too-large", _message(self.limit), headers={"Connection": "close"}
        )
        await response(scope, receive, send)


def content_length(scope: Scope) -> int | None:
    """The announced body length; None when there is none (or it is not a number, which the
    HTTP server itself refuses)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
