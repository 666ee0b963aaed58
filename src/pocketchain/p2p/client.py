"""HTTP calls to peers. Every call has a timeout; a peer's answer is checked before it is used."""

from typing import Any

import httpx

from ..consensus.block import HEADER_SIZE
from ..consensus.errors import PocketchainError
from ..consensus.hashes import to_display
from .peer import Peer, PeerError

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
MAX_BLOCKS_PER_REQUEST = 16


class ProtocolError(PocketchainError):
    """A peer answered with something that is not what the API promises (garbage)."""


class PeerClient:
    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        """Over sockets, or over `transport` (tests: httpx.MockTransport)."""
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=64)
        self.http = httpx.AsyncClient(timeout=TIMEOUT, limits=limits, transport=transport)

    async def close(self) -> None:
        await self.http.aclose()

    async def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        """The JSON answer; PeerError for errors and the unreachable, ProtocolError for junk."""
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise PeerError(400, "peer-unreachable", f"{url}: {exc!r}") from None
        try:
            body = response.json()
        except ValueError:
            raise ProtocolError(f"{url} answered {response.status_code} without JSON") from None
        if response.status_code >= 400:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            code = str(error.get("code", "peer-error"))
            raise PeerError(400, code, f"{url}: {error.get('message', response.status_code)}")
        return body

    # -- asking -----------------------------------------------------------------------------------

    async def hello(self, url: str, ours: dict[str, Any]) -> dict[str, Any]:
        body = await self._request("POST", f"{url}/api/v1/peers/hello", json=ours)
        return _checked(body, ("network", "genesis", "key", "height", "tip", "chainwork"))

    async def status(self, url: str) -> dict[str, Any]:
        body = await self._request("GET", f"{url}/api/v1/status")
        return _checked(body, ("network", "genesis", "height", "tip", "chainwork"))

    async def headers(self, url: str, locator: list[bytes]) -> list[bytes]:
        """Raw 80-byte headers after the locator on the peer's active chain."""
        params = {"locator": ",".join(to_display(h) for h in locator)}
        body = await self._request("GET", f"{url}/api/v1/headers", params=params)
        items = _checked(body, ("headers",))["headers"]
        raws = [_unhex(item) for item in items] if isinstance(items, list) else None
        if raws is None or any(len(raw) != HEADER_SIZE for raw in raws):
            raise ProtocolError(f"{url} sent malformed headers")
        return raws

    async def blocks(self, url: str, hashes: list[bytes]) -> dict[str, bytes]:
        """Raw blocks by display hash; the ones the peer does not have are missing."""
        params = {"hashes": ",".join(to_display(h) for h in hashes)}
        body = await self._request("GET", f"{url}/api/v1/blocks/raw", params=params)
        items = _checked(body, ("blocks",))["blocks"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ProtocolError(f"{url} sent malformed blocks")
        return {str(item.get("hash")): _unhex(item.get("hex")) for item in items}

    # -- announcing -------------------------------------------------------------------------------

    async def send_block(self, peer: Peer, raw: bytes) -> dict[str, Any]:
        return dict(
            await self._request(
                "POST",
                f"{peer.url}/api/v1/peers/blocks",
                json={"hex": raw.hex()},
                headers=_key(peer),
            )
        )

    async def send_txs(self, peer: Peer, raws: list[bytes]) -> dict[str, Any]:
        return dict(
            await self._request(
                "POST",
                f"{peer.url}/api/v1/peers/txs",
                json={"txs": [raw.hex() for raw in raws]},
                headers=_key(peer),
            )
        )


def _key(peer: Peer) -> dict[str, str]:
    return {"X-Peer-Key": peer.key_out or ""}


def _checked(body: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(body, dict) or any(f not in body for f in fields):
        raise ProtocolError(f"answer lacks {fields}")
    return body


def _unhex(value: Any) -> bytes:
    try:
        return bytes.fromhex(value)
    except (TypeError, ValueError):
        raise ProtocolError("not hex") from None
