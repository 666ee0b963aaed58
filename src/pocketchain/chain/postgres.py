"""The PostgreSQL backend (psycopg 3): one database per network, for big chains and analytics.

A point lookup costs a round trip to the server, so a block's inputs are fetched in one
`= ANY(...)` query, and a block's changes are sent together in one transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from ..consensus.errors import PocketchainError
from .interfaces import DiskFullError
from .lock import ADVISORY_KEY, application_name, holder_pid, in_use
from .store import SqlStore

CONNECT_TIMEOUT = 10  # seconds to reach the server before giving up


class PostgresStore(SqlStore):
    placeholder = "%s"
    blob_type = "BYTEA"
    int_type = "BIGINT"

    def __init__(self, url: str) -> None:
        """Connects to `postgresql://user:pass@host:port/dbname` and creates missing tables;
        StoreInUseError when another process has the database."""
        try:
            conn = psycopg.connect(
                url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT,
                application_name=application_name(),
            )
        except psycopg.OperationalError as e:
            reason = " ".join(str(e).split()) or type(e).__name__  # libpq's lines, as one
            raise PocketchainError(f"cannot connect to PostgreSQL: {reason}") from e
        try:
            _lock(conn)  # before anything is read or written
            super().__init__(conn)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        """Let go of the lock before the connection: the server drops a closed session's locks
        only when its backend has exited, a moment later, and a store opened again at once
        would still find it held."""
        if not self.conn.closed:
            with suppress(psycopg.Error):
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))
        super().close()

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


def _lock(conn: Any) -> None:
    """Take the database's advisory lock for this connection's life, or raise StoreInUseError naming
    the process that holds it."""
    locked = conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()[0]
    if locked:
        return
    # a bigint key is (classid, objid) = its high and low 32 bits
    holder = conn.execute(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s"
        " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        ((ADVISORY_KEY >> 32) & 0xFFFFFFFF, ADVISORY_KEY & 0xFFFFFFFF),
    ).fetchone()
    raise in_use(f"database {conn.info.dbname}", holder_pid(holder[0] if holder else None))
