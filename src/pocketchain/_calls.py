"""What each method of `Client` and `AsyncClient` asks of a node over HTTP, and how its answer
is read: each method is one `Call`, described once here; the two clients only differ in how they
send it. An error answer becomes the error a `Node` in this process would have raised.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from ._results import (
    EVENTS,
    AddressSummary,
    AddressTx,
    Block,
    BlockSummary,
    ChainTip,
    Event,
    FaucetPaid,
    FeeRates,
    Found,
    Mempool,
    NetworkInfo,
    Peer,
    Post,
    Proof,
    Status,
    TransactionStatus,
    Utxo,
    from_json,
)
from .consensus.block import Block as RawBlock
from .consensus.errors import ApiError, NotFound, PocketchainError, RejectError
from .consensus.tx import Tx

# -- what each method asks ----------------------------------------------------------------------


R = TypeVar("R")


@dataclass(frozen=True)
class Call(Generic[R]):
    """One request to the API and how its JSON answer becomes the method's result."""

    method: str
    path: str
    read: Callable[[Any], R]
    params: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    admin: bool = False


def _one(kind: type[R]) -> Callable[[Any], R]:
    return lambda data: from_json(kind, data)


def _many(kind: type[R], key: str | None = None) -> Callable[[Any], tuple[R, ...]]:
    return lambda data: tuple(from_json(kind, item) for item in (data[key] if key else data))


def _hex(payload: Tx | RawBlock | str | bytes) -> str:
    if isinstance(payload, Tx | RawBlock):
        return payload.raw.hex()
    return payload.hex() if isinstance(payload, bytes) else payload


def status() -> Call[Status]:
    return Call("GET", "/status", _one(Status))


def block(ref: str | int) -> Call[Block]:
    path = f"/blocks/height/{ref}" if isinstance(ref, int) else f"/blocks/{ref}"
    return Call("GET", path, _one(Block))


def blocks(start: int | None, limit: int) -> Call[tuple[BlockSummary, ...]]:
    params = {"limit": limit} | ({} if start is None else {"start": start})
    return Call("GET", "/blocks", _many(BlockSummary, "blocks"), params)


def raw_block(block_hash: str) -> Call[bytes]:
    return Call("GET", f"/blocks/{block_hash}/raw", lambda data: bytes.fromhex(data["hex"]))


def tips() -> Call[tuple[ChainTip, ...]]:
    return Call("GET", "/tips", _many(ChainTip))


def search(query: str) -> Call[tuple[Found, ...]]:
    return Call("GET", "/search", _many(Found, "results"), {"q": query})


def tx(txid: str) -> Call[TransactionStatus]:
    return Call("GET", f"/txs/{txid}", _one(TransactionStatus))


def proof(txid: str) -> Call[Proof]:
    return Call("GET", f"/txs/{txid}/proof", _one(Proof))


def mempool(limit: int) -> Call[Mempool]:
    return Call("GET", "/mempool", _one(Mempool), {"limit": limit})


def fees() -> Call[FeeRates]:
    return Call("GET", "/fees", _one(FeeRates))


def submit(payload: Tx | str | bytes) -> Call[str]:
    return Call("POST", "/txs", lambda data: str(data["txid"]), body={"hex": _hex(payload)})


def submit_block(payload: RawBlock | str | bytes) -> Call[str]:
    return Call("POST", "/blocks", lambda data: str(data["hash"]), body={"hex": _hex(payload)})


def check_block(payload: RawBlock | str | bytes) -> Call[int]:
    return Call("POST", "/blocks/check", _verdict, body={"hex": _hex(payload)})


def _verdict(data: dict[str, Any]) -> int:
    """A dry run's answer as Node.check_block gives it: the height, or the rule broken."""
    if not data["valid"]:
        raise RejectError(str(data["code"]), str(data["message"]))
    return int(data["height"])


def mine(count: int, to: str | None, max_txs: int | None) -> Call[tuple[str, ...]]:
    body: dict[str, Any] = {"blocks": count}
    body |= ({"address": to} if to else {}) | ({} if max_txs is None else {"max_txs": max_txs})
    return Call("POST", "/mine", lambda data: tuple(data["hashes"]), body=body, admin=True)


def invalidate(block_hash: str) -> Call[None]:
    return Call("POST", f"/blocks/{block_hash}/invalidate", lambda _: None, admin=True)


def reconsider(block_hash: str) -> Call[None]:
    return Call("POST", f"/blocks/{block_hash}/reconsider", lambda _: None, admin=True)


def faucet(addr: str, amount: int | None) -> Call[FaucetPaid]:
    body = {"address": addr} | ({} if amount is None else {"amount": amount})
    return Call("POST", "/faucet", _one(FaucetPaid), body=body)


def address(addr: str) -> Call[AddressSummary]:
    return Call("GET", f"/addresses/{addr}", _one(AddressSummary))


def utxos(addr: str, limit: int, offset: int) -> Call[tuple[Utxo, ...]]:
    params = {"limit": limit, "offset": offset}
    return Call("GET", f"/addresses/{addr}/utxos", _many(Utxo), params)


def address_txs(addr: str, before: str | None, limit: int) -> Call[tuple[AddressTx, ...]]:
    params = {"limit": limit} | ({"before": before} if before else {})
    return Call("GET", f"/addresses/{addr}/txs", _many(AddressTx), params)


def posts(limit: int, before: str | None) -> Call[tuple[Post, ...]]:
    params = {"limit": limit} | ({"before": before} if before else {})
    return Call("GET", "/posts", _many(Post, "posts"), params)


def peers() -> Call[tuple[Peer, ...]]:
    return Call("GET", "/peers", _many(Peer))


def network_info() -> Call[NetworkInfo]:
    return Call("GET", "/network", _one(NetworkInfo))


def connect(url: str) -> Call[Peer]:
    return Call("POST", "/peers", _one(Peer), body={"url": url}, admin=True)


def disconnect(url: str) -> Call[None]:
    return Call("DELETE", "/peers", lambda _: None, {"url": url}, admin=True)


def error_of(response: httpx.Response) -> PocketchainError:
    """The error a node's refusal means, as a `Node` would have raised it."""
    try:
        error = response.json()["error"]
        code, message = str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "http-error", f"{response.status_code} {response.reason_phrase}"
    if response.status_code == 404 and code == "not-found":
        return NotFound(message)
    if response.status_code in (400, 409) and code != "bad-request":
        return RejectError(code, message)
    return ApiError(response.status_code, code, message)


class EventStream:
    """Server-Sent Events, a line at a time, into typed events (blocks, reorgs, txs, peers)."""

    def __init__(self) -> None:
        self.kind = ""
        self.data: list[str] = []

    def feed(self, line: str) -> Event | None:
        if line.startswith("event:"):
            self.kind = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            self.data.append(line.removeprefix("data:").strip())
        elif not line and self.data:
            kind, data = EVENTS.get(self.kind), "\n".join(self.data)
            self.kind, self.data = "", []
            if kind is not None:
                return from_json(kind, json.loads(data))
        return None
