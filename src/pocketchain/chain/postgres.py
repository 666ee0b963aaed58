"""The PostgreSQL backend (psycopg 3): one database per network, for big chains and analytics.

A point lookup costs a round trip to the server, so a block's inputs are fetched in one
`= ANY(...)` query, and a block's changes are sent together in one transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from ..consensus.errors import PocketchainError
from .store import DiskFullError, SqlStore

CONNECT_TIMEOUT = 10  # seconds to reach the server before giving up


class PostgresStore(SqlStore):
    placeholder = "%s"
    blob_type = "BYTEA"
    int_type = "BIGINT"

    def __init__(self, url: str) -> None:
        """Connects to `postgresql://user:pass@host:port/dbname` and creates missing tables."""
        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.OperationalError as e:
            reason = " ".join(str(e).split()) or type(e).__name__  # libpq's lines, as one
            raise PocketchainError(f"cannot connect to PostgreSQL: {reason}") from e
        try:
            super().__init__(conn)
        except BaseException:
            conn.close()
            raise

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        # autocommit mode: outside this block each statement stands alone; inside it
        # psycopg sends BEGIN, then COMMIT on success or ROLLBACK on an exception
        with self.conn.cursor() as cur:
            if self.conn.info.transaction_status != TransactionStatus.IDLE:
                yield cur  # nested: the outer transaction commits
                return
            try:
                with self.conn.transaction():
                    yield cur
            except psycopg.errors.DiskFull as exc:  # SQLSTATE 53100; rolled back as a whole
                raise DiskFullError(str(exc)) from exc

    def _fetch_coins(self, cur: Any, keys: list[bytes]) -> list[tuple[Any, ...]]:
        cur.execute(
            "SELECT outpoint, amount, key_hash, height, coinbase FROM utxos"
            " WHERE outpoint = ANY(%s)",
            (keys,),
        )
        return list(cur.fetchall())
