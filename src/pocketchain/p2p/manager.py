"""The peer manager (being built): the public surface the API and the node use."""

from typing import Any


class PeerManager:
    def __init__(self, node: Any, public_url: str | None, peers: list[str]) -> None:
        self.node = node
        self.public_url = public_url
        self.initial = peers

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def connected_count(self) -> int:
        """Peers we are connected to and that are not banned."""
        return 0

    def synced(self) -> bool:
        """True when no connected peer is known to have more work than our tip."""
        return True
