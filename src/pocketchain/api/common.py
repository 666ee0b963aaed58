"""What several routers share: request bodies and the parsing of hashes and hex."""

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Header
from pydantic import BaseModel, ConfigDict, Field

from ..consensus.errors import ApiError, DecodeError
from ..consensus.hashes import from_display
from ..node.node import Node


class RequestBody(BaseModel):
    """A request body: a field it does not define is refused (400 `bad-request`), never ignored,
    so a misspelt option does not silently do the default."""

    model_config = ConfigDict(extra="forbid")


class HexBody(RequestBody):
    hex: str = Field(max_length=4_000_000, description="the consensus serialization, in hex")


def parse_hash(text: str) -> bytes:
    try:
        return from_display(text)
    except ValueError:
        raise ApiError(400, "bad-hash", "a hash is 64 hex characters") from None


def decode_hex(body: HexBody) -> bytes:
    try:
        return bytes.fromhex(body.hex)
    except ValueError:
        raise DecodeError("hex is not hexadecimal") from None


def check_token(node: Node) -> Callable[..., None]:
    """A dependency that lets a request through only with the node's admin token (CONTRACT §5)."""

    def check(
        authorization: Annotated[
            str | None, Header(description="`Bearer <token>`: the node's admin token")
        ] = None,
    ) -> None:
        if not authorization or not authorization.startswith("Bearer "):
            raise ApiError(401, "unauthorized", "this route needs the admin token")
        given = authorization.removeprefix("Bearer ").encode()
        if not hmac.compare_digest(given, node.token.encode()):  # constant time
            raise ApiError(403, "forbidden", "wrong admin token")

    return check
