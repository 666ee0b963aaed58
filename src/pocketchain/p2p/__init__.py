"""Peers over HTTP: the address book, dialling and inbound slots, handshakes, announcements,
syncs both ways, misbehaviour and bans."""

from .manager import PeerManager, PeerSettings

__all__ = ["PeerManager", "PeerSettings"]
