"""Hash functions and the display order of hashes."""

from hashlib import sha256


def sha256d(data: bytes) -> bytes:
    """Double SHA-256, as Bitcoin hashes headers, transactions and merkle nodes."""
    return sha256(sha256(data).digest()).digest()


def to_display(h: bytes) -> str:
    """Internal (little-endian) hash bytes -> display hex, byte-reversed like Bitcoin."""
    return h[::-1].hex()


def from_display(text: str) -> bytes:
    """Display hex (64 characters) -> internal hash bytes; ValueError if malformed."""
    if len(text) != 64:
        raise ValueError("a hash is 64 hex characters")
    return bytes.fromhex(text)[::-1]
