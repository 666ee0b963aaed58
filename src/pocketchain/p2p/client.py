"""HTTP calls to peers. Every call has a timeout; a peer's answer is checked before it is used."""

from typing import Any

import httpx

from ..consensus.block import HEADER_SIZE
from ..consensus.errors import PocketchainError
from ..consensus.hashes import from_display, to_display
from .link import Links
from .peer import Peer, PeerError

READ_TIMEOUT = 10.0
TIMEOUT = httpx.Timeout(READ_TIMEOUT, connect=3.0)
MAX_BLOCKS_PER_REQUEST = 16


class ProtocolError(PocketchainError):
    """A peer answered with something that is not what the API promises (garbage)."""


class PeerClient:
    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        local_address: str | None = None,
        links: Links | None = None,
    ) -> None:
        """Over sockets, from `local_address` (the IP this node listens on, so that peers see
        the netgroup it is in), or over `transport` (tests: httpx.MockTransport); each request
        and its answer cross the peer's link as `links` say."""
        self.links = links or Links()
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
        if transport is None:
            transport = httpx.AsyncHTTPTransport(limits=limits, local_address=local_address)
        self.http = httpx.AsyncClient(timeout=TIMEOUT, transport=transport)

    async def close(self) -> None:
        await self.http.aclose()

    async def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        """The JSON answer; PeerError for errors and the unreachable, ProtocolError for junk."""
        await self.links.cross(url)
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise PeerError(400, "peer-unreachable", f"{url}: {exc!r}") from None
        await self.links.cross(url)
        if response.status_code >= 500:  # its trouble, not its misbehaviour
            raise PeerError(400, "peer-unreachable", f"{url} answered {response.status_code}")
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

    async def news(self, peer: Peer, wait: float) -> dict[str, Any]:
        """The peer's tip, and the transactions and addresses it has for us, once it has any
        or after `wait` seconds (a long poll)."""
        body = await self._request(
            "GET",
            f"{peer.base}/api/v1/peers/news",
            params={"wait": wait},
            headers=_key(peer),
            timeout=httpx.Timeout(wait + READ_TIMEOUT, connect=3.0),
        )
        news = _checked(
            body, ("network", "genesis", "height", "tip", "chainwork", "txs", "addresses")
        )
        if not isinstance(news["txs"], list) or not isinstance(news["addresses"], list):
            raise ProtocolError(f"{peer.url} sent malformed news")
        return news

    async def addresses(self, peer: Peer) -> list[str]:
        """Addresses the peer knows (Core: getaddr)."""
        body = await self._request("GET", f"{peer.base}/api/v1/peers/addresses", headers=_key(peer))
        return _strings(_checked(body, ("addresses",))["addresses"], peer)

    async def locator(self, peer: Peer) -> list[bytes]:
        """The peer's block locator: where its chain parts from ours."""
        body = await self._request("GET", f"{peer.base}/api/v1/peers/locator", headers=_key(peer))
        return _hashes(_checked(body, ("locator",))["locator"], peer)

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
                f"{peer.base}/api/v1/peers/blocks",
                json={"hex": raw.hex()},
                headers=_key(peer),
            )
        )

    async def send_headers(self, peer: Peer, raws: list[bytes]) -> list[bytes]:
        """Push headers; the hashes of the blocks the peer wants of them."""
        body = await self._request(
            "POST",
            f"{peer.base}/api/v1/peers/headers",
            json={"headers": [raw.hex() for raw in raws]},
            headers=_key(peer),
        )
        return _hashes(_checked(body, ("wanted",))["wanted"], peer)

    async def send_blocks(self, peer: Peer, raws: list[bytes]) -> dict[str, Any]:
        """Push blocks the peer wanted (after send_headers), in chain order."""
        return dict(
            await self._request(
                "POST",
                f"{peer.base}/api/v1/peers/blocks",
                json={"blocks": [raw.hex() for raw in raws]},
                headers=_key(peer),
            )
        )

    async def send_addresses(self, peer: Peer, urls: list[str]) -> None:
        await self._request(
            "POST",
            f"{peer.base}/api/v1/peers/addresses",
            json={"addresses": urls},
            headers=_key(peer),
        )

    async def send_txs(self, peer: Peer, raws: list[bytes]) -> dict[str, Any]:
        return dict(
            await self._request(
                "POST",
                f"{peer.base}/api/v1/peers/txs",
                json={"txs": [raw.hex() for raw in raws]},
                headers=_key(peer),
            )
        )


def _key(peer: Peer) -> dict[str, str]:
    return {"X-Peer-Key": peer.key or ""}


def _hashes(items: Any, peer: Peer) -> list[bytes]:
    """Block hashes a peer listed in display hex."""
    try:
        return [from_display(h) for h in _strings(items, peer)]
    except ValueError:
        raise ProtocolError(f"{peer.url} sent malformed hashes") from None


def _strings(items: Any, peer: Peer) -> list[str]:
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ProtocolError(f"{peer.url} sent a malformed list")
    return items


def _checked(body: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(body, dict) or any(f not in body for f in fields):
        raise ProtocolError(f"answer lacks {fields}")
    return body


def _unhex(value: Any) -> bytes:
    try:
        return bytes.fromhex(value)
    except (TypeError, ValueError):
        raise ProtocolError("not hex") from None
