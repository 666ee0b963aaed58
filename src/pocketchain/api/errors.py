"""Every error is `{"error": {"code", "message"}}` with a 4xx status; codes are stable.

The framework's own errors get the same shape: an unknown path is 404 `not-found`, a wrong
method 405 `method-not-allowed`, a body that is not JSON or has the wrong types 400
`bad-request`, a body over the size limit 413 `too-large` (see limits.py). One 5xx is expected:
a change the node's disk has no room for is 507 `disk-full` (the node's condition, not the
request's: it goes on serving reads, and takes the change once there is room). Anything else
unexpected is a bug: it is logged with its traceback and answered 500 `internal-error`, never
with a page of HTML or a stack trace.
"""

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..consensus.errors import ApiError, DiskFullError, NotFound, PocketchainError, RejectError

log = logging.getLogger("pocketchain.api")

# rejections that conflict with what the mempool or the chain already holds
CONFLICT_CODES = {
    "faucet-empty",
    "txn-mempool-conflict",
    "bad-txns-inputs-missingorspent",
    "txn-already-in-mempool",
}

_HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
    429: "rate-limited",
}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


# for `responses=` in route declarations, so OpenAPI documents the error shape
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 404, 409, 413, 429)
}
# routes that store blocks or peers: a full disk refuses the change (507 disk-full); the mempool
# lives in memory, so transactions never get it
WRITE_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = ERROR_RESPONSES | {
    507: {"model": ErrorBody, "description": "the node's disk is full: nothing was stored"}
}
ADMIN_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = WRITE_ERROR_RESPONSES | {
    status: {"model": ErrorBody} for status in (401, 403)
}


def reject_status(code: str) -> int:
    """409 for what conflicts with the mempool or the chain, 400 for every other rule."""
    return 409 if code in CONFLICT_CODES else 400


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def _validation_message(exc: RequestValidationError) -> str:
    """One sentence about the first thing wrong with the request."""
    errors = exc.errors()
    if not errors:
        return "the request is not valid"
    # a body of one of two shapes fails as both: a wrong field says more than a missing one
    first: dict[str, Any] = next((e for e in errors if e.get("type") != "missing"), errors[0])
    if first.get("type") == "json_invalid":
        return "the body is not valid JSON"
    if first.get("type") == "extra_forbidden":
        first = first | {"msg": "no such field"}
    # the location, less the names pydantic gives the members of a union
    where = ".".join(str(p) for p in first.get("loc", ()) if not str(p)[:1].isupper())
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid input')}{more}"


def _http_message(request: Request, exc: HTTPException) -> str:
    """Starlette's bare reason phrases ("Not Found") made into sentences."""
    if exc.status_code == 404 and exc.detail == "Not Found":
        return f"no route {request.url.path}"
    if exc.status_code == 405 and exc.detail == "Method Not Allowed":
        return f"{request.method} is not allowed on {request.url.path}"
    return str(exc.detail)


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Make a FastAPI OpenAPI document say what the API does: invalid input is a 400 with the
    error shape, where FastAPI would document its own 422 (which this API never answers)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorBody" not in components:
        body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components["ErrorBody"] = body
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            if responses.pop("422", None) is not None and "400" not in responses:
                responses["400"] = {"description": "Invalid input", "content": error}
            # the request guard's answers (guard.py), whatever the route
            responses["421"] = {"description": "Addressed to another host", "content": error}
            if "requestBody" in operation:
                responses["415"] = {"description": "The body is not JSON", "content": error}
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    return schema


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(RejectError)
    async def rejected(_: Request, exc: RejectError) -> JSONResponse:
        return error_response(reject_status(exc.code), exc.code, exc.message)

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return error_response(404, "not-found", str(exc))

    @app.exception_handler(DiskFullError)
    async def disk_full(_: Request, exc: DiskFullError) -> JSONResponse:
        message = "the node's disk is full: nothing was stored; try again when it has room"
        return error_response(507, "disk-full", message)

    @app.exception_handler(PocketchainError)
    async def refused(_: Request, exc: PocketchainError) -> JSONResponse:
        return error_response(400, "bad-request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, "bad-request", _validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "bad-request")
        return error_response(exc.status_code, code, _http_message(request, exc), exc.headers)


class CatchAll:
    """Pure ASGI middleware: an exception no handler took is logged and answered 500.

    Sits inside the metrics timer (so the 500 is counted) and outside Starlette's exception
    middleware (so every handler above has had its chance first). It also ends a response
    under way when the server cancels it: uvicorn cancels what still runs a few seconds into a
    shutdown (an open event stream, mostly), and that stream should end, not log a traceback.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = ended = False

        async def tracking_send(message: Message) -> None:
            nonlocal started, ended
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                ended = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            if not started or ended:
                raise
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except Exception:
            if started:  # too late for an error body: let the server log it and drop the line
                raise
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            response = error_response(
                500, "internal-error", "the node failed to answer this request; see its log"
            )
            await response(scope, receive, send)
