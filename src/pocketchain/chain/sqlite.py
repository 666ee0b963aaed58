"""The SQLite backend: one file per network, WAL journal, FULL sync at one commit per block."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .interfaces import DiskFullError
from .lock import FileLock
from .store import SqlStore

_CHUNK = 500  # below SQLite's limit on bound parameters


class SqliteStore(SqlStore):
    def __init__(self, path: Path | str) -> None:
        """Opens (or creates) the database file; StoreInUseError when another process has it."""
        self.lock = FileLock(Path(f"{path}.lock"), str(path))  # before a byte is read
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # survives power loss; costs little per block
            super().__init__(conn)
        except BaseException:
            self.lock.release()
            raise

    def close(self) -> None:
        super().close()
        self.lock.release()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        cur = self.conn.cursor()
        if self.conn.in_transaction:  # nested: the outer transaction commits
            yield cur
            return
        try:
            cur.execute("BEGIN")
            try:
                yield cur
                cur.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # SQLite rolls back by itself after a full disk
                    cur.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode == sqlite3.SQLITE_FULL:
                raise DiskFullError(str(exc)) from exc
            raise

    def _fetch_coins(self, cur: Any, keys: list[bytes]) -> list[tuple[Any, ...]]:
        rows = []
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            cur.execute(
                "SELECT outpoint, amount, key_hash, height, coinbase FROM utxos"
                f" WHERE outpoint IN ({marks})",
                chunk,
            )
            rows += cur.fetchall()
        return rows
