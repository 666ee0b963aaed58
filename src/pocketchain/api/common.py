"""What several routers share: request bodies and the parsing of hashes and hex."""

from pydantic import BaseModel, Field

from ..consensus.errors import DecodeError
from ..consensus.hashes import from_display
from .errors import ApiError


class HexBody(BaseModel):
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
