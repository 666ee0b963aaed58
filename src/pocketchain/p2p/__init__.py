"""Peers over HTTP: the address book, dialling and inbound slots, handshakes, announcements,
syncs both ways, misbehaviour and bans."""

from .link import Condition, LinkError, parse_link
from .manager import PeerManager, PeerSettings

__all__ = ["Condition", "LinkError", "PeerManager", "PeerSettings", "parse_link"]
