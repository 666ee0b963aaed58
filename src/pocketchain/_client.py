"""`Client` and `AsyncClient`: a node elsewhere, over its HTTP API (CONTRACT section 4).

They have the methods of an in-process `Node`, with the same arguments and the same results (the
dataclasses of `_results.py`, read from the node's JSON), so code written against one runs
against the others; what each method asks is in `_calls.py`. Errors come back as they would from
a `Node`: a rule's `RejectError` with its code, `NotFound`, and `ApiError` for the rest (a missing
token, a rate limit); a node that does not answer is `Unreachable`.
"""

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Any, TypeVar

import httpx

from . import _calls as calls
from ._calls import Call, EventStream, error_of
from ._results import (
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
)
from .consensus.block import Block as RawBlock
from .consensus.errors import PocketchainError
from .consensus.tx import Tx

DEFAULT_URL = "http://127.0.0.1:5000"
TIMEOUT = httpx.Timeout(60.0, connect=10.0)  # a node slower than this to answer is stuck
R = TypeVar("R")


class Unreachable(PocketchainError, ConnectionError):  # noqa: N818 (reads as a state)
    """The node did not answer."""


class _Base:
    def __init__(self, url: str, token: str | None) -> None:
        self.url = url.rstrip("/")
        self.token = token

    def _request(self, call: Call[Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if call.admin and self.token else {}
        return {
            "method": call.method,
            "url": "/api/v1" + call.path,
            "params": call.params,
            "json": call.body,
            "headers": headers,
        }

    def _answer(self, call: Call[R], response: httpx.Response) -> R:
        if response.status_code >= 400:
            raise error_of(response)
        return call.read(response.json())


class Client(_Base):
    """A node at `url` over HTTP; `token` (its admin token) for `mine`, `invalidate` and
    `reconsider`. A context manager; `transport` lets tests talk to an app in this process."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        token: str | None = None,
        *,
        timeout: httpx.Timeout | float = TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(url, token)
        self.http = httpx.Client(base_url=self.url, timeout=timeout, transport=transport)

    def __enter__(self) -> "Client":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def _run(self, call: Call[R]) -> R:
        try:
            response = self.http.request(**self._request(call))
        except httpx.HTTPError as exc:
            raise Unreachable(f"node unreachable at {self.url}: {exc}") from None
        return self._answer(call, response)

    def status(self) -> Status:
        return self._run(calls.status())

    def block(self, ref: str | int) -> Block:
        return self._run(calls.block(ref))

    def blocks(self, start: int | None = None, limit: int = 20) -> tuple[BlockSummary, ...]:
        return self._run(calls.blocks(start, limit))

    def raw_block(self, block_hash: str) -> bytes:
        return self._run(calls.raw_block(block_hash))

    def tips(self) -> tuple[ChainTip, ...]:
        return self._run(calls.tips())

    def search(self, query: str) -> tuple[Found, ...]:
        return self._run(calls.search(query))

    def tx(self, txid: str) -> TransactionStatus:
        return self._run(calls.tx(txid))

    def proof(self, txid: str) -> Proof:
        return self._run(calls.proof(txid))

    def mempool(self, limit: int = 100) -> Mempool:
        return self._run(calls.mempool(limit))

    def fees(self) -> FeeRates:
        return self._run(calls.fees())

    def submit(self, tx: Tx | str | bytes) -> str:
        return self._run(calls.submit(tx))

    def submit_block(self, block: RawBlock | str | bytes) -> str:
        return self._run(calls.submit_block(block))

    def check_block(self, block: RawBlock | str | bytes) -> int:
        return self._run(calls.check_block(block))

    def mine(
        self, blocks: int = 1, to: str | None = None, max_txs: int | None = None
    ) -> tuple[str, ...]:
        return self._run(calls.mine(blocks, to, max_txs))

    def invalidate(self, block_hash: str) -> None:
        self._run(calls.invalidate(block_hash))

    def reconsider(self, block_hash: str) -> None:
        self._run(calls.reconsider(block_hash))

    def faucet(self, address: str, amount: int | None = None) -> FaucetPaid:
        return self._run(calls.faucet(address, amount))

    def address(self, address: str) -> AddressSummary:
        return self._run(calls.address(address))

    def utxos(self, address: str, limit: int = 500, offset: int = 0) -> tuple[Utxo, ...]:
        return self._run(calls.utxos(address, limit, offset))

    def address_txs(
        self, address: str, before: str | None = None, limit: int = 50
    ) -> tuple[AddressTx, ...]:
        return self._run(calls.address_txs(address, before, limit))

    def posts(self, limit: int = 20, before: str | None = None) -> tuple[Post, ...]:
        return self._run(calls.posts(limit, before))

    def peers(self) -> tuple[Peer, ...]:
        return self._run(calls.peers())

    def network_info(self) -> NetworkInfo:
        return self._run(calls.network_info())

    def connect(self, url: str) -> Peer:
        return self._run(calls.connect(url))

    def disconnect(self, url: str) -> None:
        self._run(calls.disconnect(url))

    def events(self) -> Iterator[Event]:
        """The node's events as they happen, until the stream ends (or the loop stops)."""
        parser = EventStream()
        try:
            with self.http.stream("GET", "/api/v1/events", timeout=None) as response:
                if response.status_code >= 400:
                    response.read()
                    raise error_of(response)
                for line in response.iter_lines():
                    if (event := parser.feed(line)) is not None:
                        yield event
        except httpx.HTTPError as exc:
            raise Unreachable(f"node unreachable at {self.url}: {exc}") from None


class AsyncClient(_Base):
    """`Client`, awaited: the same methods and results, for an asyncio program."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        token: str | None = None,
        *,
        timeout: httpx.Timeout | float = TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(url, token)
        self.http = httpx.AsyncClient(base_url=self.url, timeout=timeout, transport=transport)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    async def _run(self, call: Call[R]) -> R:
        try:
            response = await self.http.request(**self._request(call))
        except httpx.HTTPError as exc:
            raise Unreachable(f"node unreachable at {self.url}: {exc}") from None
        return self._answer(call, response)

    async def status(self) -> Status:
        return await self._run(calls.status())

    async def block(self, ref: str | int) -> Block:
        return await self._run(calls.block(ref))

    async def blocks(self, start: int | None = None, limit: int = 20) -> tuple[BlockSummary, ...]:
        return await self._run(calls.blocks(start, limit))

    async def raw_block(self, block_hash: str) -> bytes:
        return await self._run(calls.raw_block(block_hash))

    async def tips(self) -> tuple[ChainTip, ...]:
        return await self._run(calls.tips())

    async def search(self, query: str) -> tuple[Found, ...]:
        return await self._run(calls.search(query))

    async def tx(self, txid: str) -> TransactionStatus:
        return await self._run(calls.tx(txid))

    async def proof(self, txid: str) -> Proof:
        return await self._run(calls.proof(txid))

    async def mempool(self, limit: int = 100) -> Mempool:
        return await self._run(calls.mempool(limit))

    async def fees(self) -> FeeRates:
        return await self._run(calls.fees())

    async def submit(self, tx: Tx | str | bytes) -> str:
        return await self._run(calls.submit(tx))

    async def submit_block(self, block: RawBlock | str | bytes) -> str:
        return await self._run(calls.submit_block(block))

    async def check_block(self, block: RawBlock | str | bytes) -> int:
        return await self._run(calls.check_block(block))

    async def mine(
        self, blocks: int = 1, to: str | None = None, max_txs: int | None = None
    ) -> tuple[str, ...]:
        return await self._run(calls.mine(blocks, to, max_txs))

    async def invalidate(self, block_hash: str) -> None:
        await self._run(calls.invalidate(block_hash))

    async def reconsider(self, block_hash: str) -> None:
        await self._run(calls.reconsider(block_hash))

    async def faucet(self, address: str, amount: int | None = None) -> FaucetPaid:
        return await self._run(calls.faucet(address, amount))

    async def address(self, address: str) -> AddressSummary:
        return await self._run(calls.address(address))

    async def utxos(self, address: str, limit: int = 500, offset: int = 0) -> tuple[Utxo, ...]:
        return await self._run(calls.utxos(address, limit, offset))

    async def address_txs(
        self, address: str, before: str | None = None, limit: int = 50
    ) -> tuple[AddressTx, ...]:
        return await self._run(calls.address_txs(address, before, limit))

    async def posts(self, limit: int = 20, before: str | None = None) -> tuple[Post, ...]:
        return await self._run(calls.posts(limit, before))

    async def peers(self) -> tuple[Peer, ...]:
        return await self._run(calls.peers())

    async def network_info(self) -> NetworkInfo:
        return await self._run(calls.network_info())

    async def connect(self, url: str) -> Peer:
        return await self._run(calls.connect(url))

    async def disconnect(self, url: str) -> None:
        await self._run(calls.disconnect(url))

    async def events(self) -> AsyncIterator[Event]:
        """The node's events as they happen, until the stream ends."""
        parser = EventStream()
        try:
            async with self.http.stream("GET", "/api/v1/events", timeout=None) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise error_of(response)
                async for line in response.aiter_lines():
                    if (event := parser.feed(line)) is not None:
                        yield event
        except httpx.HTTPError as exc:
            raise Unreachable(f"node unreachable at {self.url}: {exc}") from None
