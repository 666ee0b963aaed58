"""Secrets a node keeps in its data directory, mode 0600: the admin token and the mining key."""

import os
import secrets
from collections.abc import Callable
from pathlib import Path

TOKEN_FILE = "admin.token"
MINER_KEY_FILE = "miner.key"


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The text in `path`, or `make()` written there first (atomically, mode 0600)."""
    if path.exists():
        return path.read_text().strip()
    text = make()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")
    os.replace(tmp, path)  # never a half-written file
    return text


def load_or_create_token(network_dir: Path) -> str:
    return read_or_create(network_dir / TOKEN_FILE, lambda: secrets.token_urlsafe(32))


def load_or_create_miner_key(network_dir: Path) -> bytes:
    """The secret key the node mines to when no address is given (its own wallet)."""
    return bytes.fromhex(
        read_or_create(network_dir / MINER_KEY_FILE, lambda: secrets.token_hex(32))
    )
