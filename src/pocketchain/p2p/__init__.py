"""Peers over HTTP: handshake, announcements, headers-first sync, misbehaviour and bans."""

from .manager import PeerManager

__all__ = ["PeerManager"]
