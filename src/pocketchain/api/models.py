"""The envelopes some answers come in, so /openapi.json documents every route; what they hold
are the node's results (`_results.py`), one definition for every side."""

from pydantic import BaseModel, Field

from .._results import BlockSummary, Found, Hash, Post


class BlockList(BaseModel):
    blocks: list[BlockSummary] = Field(description="newest first")


class HexOnly(BaseModel):
    hex: str = Field(description="the exact consensus serialization, in hex")


class RawBlock(HexOnly):
    hash: Hash


class RawBlocks(BaseModel):
    blocks: list[RawBlock] = Field(description="in the order asked; unknown hashes left out")


class Headers(BaseModel):
    headers: list[str] = Field(description="80-byte headers in hex, oldest first")


class Posts(BaseModel):
    posts: list[Post] = Field(description="newest first; unconfirmed ones first")


class SearchResults(BaseModel):
    query: str
    results: list[Found] = Field(description="empty when nothing matches")
