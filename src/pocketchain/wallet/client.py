"""A small HTTP client for the wallet and the commands that talk to a node."""

from pathlib import Path
from typing import Any

import httpx

from ..node.keyfiles import TOKEN_FILE
from .errors import WalletError

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0  # a node that takes longer to answer is stuck


class NodeRefusedError(WalletError):
    """The node answered with an error: its HTTP status, stable code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"node refused: {message} ({code})")
        self.status = status
        self.code = code


class NodeClient:
    def __init__(
        self, url: str, network: str, token: str | None = None, read_timeout: float = READ_TIMEOUT
    ) -> None:
        self.url = url.rstrip("/")
        self.network = network
        self.token = token
        timeout = httpx.Timeout(CONNECT_TIMEOUT, read=read_timeout)
        self.http = httpx.Client(base_url=self.url, timeout=timeout)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self.http.request(method, "/api/v1" + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise WalletError(f"node unreachable at {self.url}: {exc}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise NodeRefusedError(
                response.status_code,
                str(error.get("code", response.status_code)),
                str(error.get("message") or response.reason_phrase),
            )
        return body

    def check_network(self) -> dict[str, Any]:
        """The node's status, after checking it serves the network we expect."""
        status: dict[str, Any] = self.request("GET", "/status")
        if status.get("network") != self.network:
            raise WalletError(
                f"the node at {self.url} serves {status.get('network')!r}, not {self.network!r}"
                " (use --network)"
            )
        return status


def local_token(data_dir: Path, network: str) -> str | None:
    """The admin token of a node running on this machine with this data directory, if any."""
    path = data_dir / network / TOKEN_FILE
    return path.read_text().strip() if path.exists() else None
