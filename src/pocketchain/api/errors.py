"""Every error is `{"error": {"code", "message"}}` with a 4xx status; codes are stable."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ..consensus.errors import PocketchainError, RejectError

# rejections that conflict with what the mempool or the chain already holds
CONFLICT_CODES = {
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
ADMIN_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = ERROR_RESPONSES | {
    status: {"model": ErrorBody} for status in (401, 403)
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(RejectError)
    async def rejected(_: Request, exc: RejectError) -> JSONResponse:
        status = 409 if exc.code in CONFLICT_CODES else 400
        return error_response(status, exc.code, exc.message)

    @app.exception_handler(PocketchainError)
    async def refused(_: Request, exc: PocketchainError) -> JSONResponse:
        return error_response(400, "bad-request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return error_response(400, "bad-request", f"{where}: {first.get('msg', 'invalid input')}")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "bad-request")
        return error_response(exc.status_code, code, str(exc.detail))
