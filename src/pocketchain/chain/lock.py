"""One process at a time per store (CONTRACT section 5): a node, or `chain verify`.

Two processes writing one chain corrupt it, so each store takes a lock before it reads or writes
anything, and holds it until it is closed or the process ends (a killed process lets go at once).
SQLite: an exclusive flock on `<database>.lock` beside the file, which holds the pid of the
holder (Core: LockDirectory on the data directory's `.lock`). PostgreSQL: a session advisory lock
on the database; the holder names itself in its connection's `application_name`.
"""

import fcntl
import os
from pathlib import Path

from ..consensus.errors import PocketchainError

# the key of the PostgreSQL advisory lock: b"pcktchn\x00" as a signed 64-bit integer
ADVISORY_KEY = int.from_bytes(b"pcktchn\x00", "big", signed=True)


class StoreInUseError(PocketchainError):
    """The store is locked by another process."""


def in_use(where: str, holder: str | None) -> StoreInUseError:
    who = f"process {holder}" if holder else "another process"
    return StoreInUseError(
        f"{where} is in use by {who} (a pocketchain node or chain verify): one at a time"
    )


def application_name() -> str:
    """How a PostgreSQL connection of this process names itself; `holder_pid` reads it back."""
    return f"pocketchain pid {os.getpid()}"


def holder_pid(name: str | None) -> str | None:
    prefix = "pocketchain pid "
    return name.removeprefix(prefix) if name and name.startswith(prefix) else None


class FileLock:
    """An exclusive flock on `path`, which then holds this process's pid."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or None
            os.close(fd)
            raise in_use(what, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file lets go of the lock
            self._fd = None
