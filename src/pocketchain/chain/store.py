"""The storage interfaces (chain/interfaces.py) in SQL, for the SQLite and PostgreSQL backends.

The tables: the block index, block data, undo data, the UTXO set, the indexes the API reads
(transactions, addresses, posts) and the saved mempool. Every method that changes more than one
row does it in one database transaction.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from ..consensus.connect import Coin
from ..consensus.serialize import Reader
from ..consensus.tx import OutPoint
from .records import AddressRow, AddressTotals, BlockWrite, IndexRow, PostRow, Status, TxRow

# {blob} is the binary type and {int} a 64-bit integer, filled in per backend
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value {blob} NOT NULL);
CREATE TABLE IF NOT EXISTS block_index (
    hash {blob} PRIMARY KEY, header {blob} NOT NULL, height {int} NOT NULL,
    chainwork {blob} NOT NULL, status {int} NOT NULL, seq {int} NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (hash {blob} PRIMARY KEY, data {blob} NOT NULL);
CREATE TABLE IF NOT EXISTS undo (hash {blob} PRIMARY KEY, data {blob} NOT NULL);
CREATE TABLE IF NOT EXISTS utxos (
    outpoint {blob} PRIMARY KEY, amount {int} NOT NULL, key_hash {blob} NOT NULL,
    height {int} NOT NULL, coinbase {int} NOT NULL);
CREATE INDEX IF NOT EXISTS utxos_key_hash ON utxos (key_hash);
CREATE TABLE IF NOT EXISTS txs (
    txid {blob} PRIMARY KEY, block {blob} NOT NULL, height {int} NOT NULL, position {int} NOT NULL);
CREATE INDEX IF NOT EXISTS txs_height ON txs (height);
CREATE TABLE IF NOT EXISTS address_txs (
    key_hash {blob} NOT NULL, height {int} NOT NULL, txid {blob} NOT NULL,
    received {int} NOT NULL, sent {int} NOT NULL, PRIMARY KEY (key_hash, height, txid));
CREATE INDEX IF NOT EXISTS address_txs_height ON address_txs (height);
CREATE TABLE IF NOT EXISTS posts (
    txid {blob} PRIMARY KEY, author {blob} NOT NULL, height {int} NOT NULL,
    time {int} NOT NULL, content {blob} NOT NULL);
CREATE INDEX IF NOT EXISTS posts_height ON posts (height);
CREATE TABLE IF NOT EXISTS mempool (seq {int} PRIMARY KEY, raw {blob} NOT NULL);
"""


def outpoint_key(outpoint: OutPoint) -> bytes:
    """The 36-byte key of an outpoint: txid then little-endian output index."""
    return outpoint.txid + outpoint.vout.to_bytes(4, "little")


# the columns are IndexRow's fields in order: each row becomes one without a Python call
_index_row = partial(tuple.__new__, IndexRow)
_INDEX_SELECT = "SELECT hash, header, height, chainwork, status, seq FROM block_index"
_INDEX_BATCH = 10_000  # index rows read at a time: a long chain's are never all in memory as rows


class SqlStore:
    """The whole storage interface over a DB-API connection; subclasses supply the dialect."""

    placeholder = "?"
    blob_type = "BLOB"
    int_type = "INTEGER"

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        with self.transaction() as cur:
            for statement in SCHEMA.format(blob=self.blob_type, int=self.int_type).split(";"):
                if statement.strip():
                    cur.execute(statement)

    # -- the dialect: subclasses override these --------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor whose statements commit together, or not at all."""
        raise NotImplementedError

    def _fetch_coins(self, cur: Any, keys: list[bytes]) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def close(self) -> None:
        self.conn.close()

    # -- helpers ----------------------------------------------------------------------------

    def _sql(self, text: str) -> str:
        return text.replace("?", self.placeholder)

    def _rows(self, query: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.transaction() as cur:
            cur.execute(self._sql(query), args)
            return list(cur.fetchall())

    # -- metadata ---------------------------------------------------------------------------

    def get_meta(self, key: str) -> bytes | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return bytes(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: bytes) -> None:
        with self.transaction() as cur:
            self._set_meta(cur, key, value)

    def _set_meta(self, cur: Any, key: str, value: bytes) -> None:
        cur.execute(self._sql("DELETE FROM meta WHERE key = ?"), (key,))
        cur.execute(self._sql("INSERT INTO meta (key, value) VALUES (?, ?)"), (key, value))

    # -- the block index and block data ---------------------------------------------------------

    def load_index(self) -> Iterator[IndexRow]:
        with self.transaction() as cur:
            cur.execute(_INDEX_SELECT)
            while rows := cur.fetchmany(_INDEX_BATCH):
                yield from map(_index_row, rows)

    def get_index(self, block_hash: bytes) -> IndexRow | None:
        rows = self._rows(f"{_INDEX_SELECT} WHERE hash = ?", (block_hash,))
        return _index_row(rows[0]) if rows else None

    def add_index(self, row: IndexRow, block: bytes | None = None) -> None:
        """A new header, and the block's data when we have it, in one transaction."""
        with self.transaction() as cur:
            self._insert_index(cur, [row])
            if block is not None:
                self._insert_block(cur, row.hash, block)

    def add_headers(self, rows: Sequence[IndexRow]) -> None:
        """New headers without their blocks yet (headers-first sync), in one transaction."""
        with self.transaction() as cur:
            self._insert_index(cur, rows)

    def add_block_data(self, row: IndexRow, block: bytes) -> None:
        """The data of a block whose header is already in the index, and its new status."""
        with self.transaction() as cur:
            self._insert_block(cur, row.hash, block)
            self._update_index(cur, [row])

    def _insert_index(self, cur: Any, rows: Sequence[IndexRow]) -> None:
        cur.executemany(
            self._sql(
                "INSERT INTO block_index (hash, header, height, chainwork, status, seq)"
                " VALUES (?, ?, ?, ?, ?, ?)"
            ),
            [(r.hash, r.header, r.height, r.chainwork, r.status, r.seq) for r in rows],
        )

    def _insert_block(self, cur: Any, block_hash: bytes, block: bytes) -> None:
        cur.execute(self._sql("INSERT INTO blocks (hash, data) VALUES (?, ?)"), (block_hash, block))

    def update_index(self, rows: Iterable[IndexRow]) -> None:
        """New status and sequence ids of entries already in the index."""
        with self.transaction() as cur:
            self._update_index(cur, list(rows))

    def _update_index(self, cur: Any, rows: Sequence[IndexRow]) -> None:
        cur.executemany(
            self._sql("UPDATE block_index SET status = ?, seq = ? WHERE hash = ?"),
            [(int(r.status), r.seq, r.hash) for r in rows],
        )

    def get_block(self, block_hash: bytes) -> bytes | None:
        rows = self._rows("SELECT data FROM blocks WHERE hash = ?", (block_hash,))
        return bytes(rows[0][0]) if rows else None

    def get_undo(self, block_hash: bytes) -> bytes | None:
        rows = self._rows("SELECT data FROM undo WHERE hash = ?", (block_hash,))
        return bytes(rows[0][0]) if rows else None

    # -- the UTXO set -----------------------------------------------------------------------------

    def get_coins(self, outpoints: Iterable[OutPoint]) -> dict[OutPoint, Coin]:
        """The unspent ones among `outpoints`, fetched in as few queries as the backend allows."""
        wanted = {outpoint_key(op): op for op in outpoints}
        if not wanted:
            return {}
        with self.transaction() as cur:
            rows = self._fetch_coins(cur, list(wanted))
        return {
            wanted[bytes(key)]: Coin(amount, bytes(kh), height, bool(cb))
            for key, amount, kh, height, cb in rows
        }

    def count_coins(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM utxos")[0][0])

    def iter_coins(self) -> Iterator[tuple[OutPoint, Coin]]:
        """Every unspent output (for verification), in no particular order."""
        for raw_key, amount, kh, height, cb in self._rows(
            "SELECT outpoint, amount, key_hash, height, coinbase FROM utxos"
        ):
            key = bytes(raw_key)
            outpoint = OutPoint(key[:32], int.from_bytes(key[32:], "little"))
            yield outpoint, Coin(amount, bytes(kh), height, bool(cb))

    # -- connecting and disconnecting, each one transaction -----------------------------------

    def connect(self, w: BlockWrite, status: Status) -> None:
        """Apply a validated block and make it the tip."""
        with self.transaction() as cur:
            cur.executemany(
                self._sql("DELETE FROM utxos WHERE outpoint = ?"),
                [(outpoint_key(op),) for op in w.spent],
            )
            self._insert_coins(cur, w.created.items())
            cur.execute(self._sql("INSERT INTO undo (hash, data) VALUES (?, ?)"), (w.hash, w.undo))
            cur.executemany(
                self._sql("INSERT INTO txs (txid, block, height, position) VALUES (?, ?, ?, ?)"),
                w.txs,
            )
            cur.executemany(
                self._sql(
                    "INSERT INTO address_txs (key_hash, txid, height, received, sent)"
                    " VALUES (?, ?, ?, ?, ?)"
                ),
                [(a.key_hash, a.txid, a.height, a.received, a.sent) for a in w.addresses],
            )
            cur.executemany(
                self._sql(
                    "INSERT INTO posts (txid, author, height, time, content) VALUES (?, ?, ?, ?, ?)"
                ),
                w.posts,
            )
            cur.execute(
                self._sql("UPDATE block_index SET status = ? WHERE hash = ?"), (int(status), w.hash)
            )
            self._set_meta(cur, "tip", w.hash)

    def disconnect(
        self,
        block_hash: bytes,
        height: int,
        new_tip: bytes,
        created: Iterable[OutPoint],
        restored: Iterable[tuple[OutPoint, Coin]],
    ) -> None:
        """Undo the tip block at `height`: its coins go, the coins it spent come back."""
        with self.transaction() as cur:
            cur.executemany(
                self._sql("DELETE FROM utxos WHERE outpoint = ?"),
                [(outpoint_key(op),) for op in created],
            )
            self._insert_coins(cur, restored)
            for table in ("txs", "address_txs", "posts"):
                cur.execute(self._sql(f"DELETE FROM {table} WHERE height = ?"), (height,))
            cur.execute(self._sql("DELETE FROM undo WHERE hash = ?"), (block_hash,))
            self._set_meta(cur, "tip", new_tip)

    def _insert_coins(self, cur: Any, coins: Iterable[tuple[OutPoint, Coin]]) -> None:
        cur.executemany(
            self._sql(
                "INSERT INTO utxos (outpoint, amount, key_hash, height, coinbase)"
                " VALUES (?, ?, ?, ?, ?)"
            ),
            [
                (outpoint_key(op), c.amount, c.key_hash, c.height, int(c.coinbase))
                for op, c in coins
            ],
        )

    # -- the mempool across a clean restart -----------------------------------------------------

    def save_mempool(self, raws: Sequence[bytes]) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM mempool")
            cur.executemany(
                self._sql("INSERT INTO mempool (seq, raw) VALUES (?, ?)"), list(enumerate(raws))
            )

    def load_mempool(self) -> list[bytes]:
        return [bytes(raw) for (raw,) in self._rows("SELECT raw FROM mempool ORDER BY seq")]

    # -- what the API reads -----------------------------------------------------------------------

    def block_sizes(self, hashes: Sequence[bytes]) -> dict[bytes, tuple[int, int]]:
        """(size in bytes, transaction count) of the stored blocks among `hashes`, without
        reading them whole: the count is the CompactSize right after the 80-byte header."""
        rows = self._rows_in(
            "SELECT hash, length(data), substr(data, 81, 9) FROM blocks WHERE hash IN", hashes
        )
        return {bytes(h): (size, Reader(bytes(head)).varint()) for h, size, head in rows}

    def get_blocks(self, hashes: Sequence[bytes]) -> dict[bytes, bytes]:
        """The stored blocks among `hashes`, by hash."""
        rows = self._rows_in("SELECT hash, data FROM blocks WHERE hash IN", hashes)
        return {bytes(h): bytes(data) for h, data in rows}

    def find_tx(self, txid: bytes) -> TxRow | None:
        """Where a transaction of the active chain is (block, height, position), if it is."""
        rows = self._rows("SELECT block, height, position FROM txs WHERE txid = ?", (txid,))
        return TxRow(txid, bytes(rows[0][0]), rows[0][1], rows[0][2]) if rows else None

    def address_totals(self, key_hash: bytes) -> AddressTotals:
        """What the active chain says of one key hash: its unspent total and its history."""
        with self.transaction() as cur:
            cur.execute(
                self._sql("SELECT COALESCE(SUM(amount), 0) FROM utxos WHERE key_hash = ?"),
                (key_hash,),
            )
            (balance,) = cur.fetchone()
            cur.execute(
                self._sql(
                    "SELECT COALESCE(SUM(received), 0), COALESCE(SUM(sent), 0), COUNT(*)"
                    " FROM address_txs WHERE key_hash = ?"
                ),
                (key_hash,),
            )
            received, sent, count = cur.fetchone()
        # PostgreSQL sums BIGINTs as NUMERIC, which arrives as a Decimal
        return AddressTotals(int(balance), int(received), int(sent), int(count))

    def address_coins(
        self, key_hash: bytes, limit: int, offset: int = 0
    ) -> list[tuple[OutPoint, Coin]]:
        """A page of the unspent outputs paying `key_hash`, by height, txid and output index.

        The outpoint key ends with the index in little-endian bytes, so the index orders by
        those bytes from the last to the first.
        """
        rows = self._rows(
            "SELECT outpoint, amount, key_hash, height, coinbase FROM utxos WHERE key_hash = ?"
            " ORDER BY height, substr(outpoint, 1, 32), substr(outpoint, 36, 1),"
            " substr(outpoint, 35, 1), substr(outpoint, 34, 1), substr(outpoint, 33, 1)"
            " LIMIT ? OFFSET ?",
            (key_hash, limit, offset),
        )
        coins = []
        for raw_key, amount, kh, height, cb in rows:
            key = bytes(raw_key)
            outpoint = OutPoint(key[:32], int.from_bytes(key[32:], "little"))
            coins.append((outpoint, Coin(amount, bytes(kh), height, bool(cb))))
        return coins

    def address_history(
        self, key_hash: bytes, limit: int, before: tuple[int, int] | None = None
    ) -> list[AddressRow]:
        """A page of the transactions touching `key_hash`, newest first (see `_newest_first`)."""
        rows = self._newest_first(
            "SELECT a.key_hash, a.txid, a.height, t.position, a.received, a.sent"
            " FROM address_txs a"
            " JOIN txs t ON t.txid = a.txid",
            ["a.key_hash = ?"],
            [key_hash],
            limit,
            before,
        )
        return [AddressRow(bytes(k), bytes(t), h, p, r, s) for k, t, h, p, r, s in rows]

    def recent_posts(self, limit: int, before: tuple[int, int] | None = None) -> list[PostRow]:
        """A page of the posts on the active chain, newest first (see `_newest_first`)."""
        rows = self._newest_first(
            "SELECT p.txid, p.author, p.height, p.time, p.content FROM posts p"
            " JOIN txs t ON t.txid = p.txid",
            [],
            [],
            limit,
            before,
        )
        return [PostRow(bytes(t), bytes(a), h, tm, bytes(c)) for t, a, h, tm, c in rows]

    def _newest_first(
        self,
        select: str,
        conditions: list[str],
        args: list[Any],
        limit: int,
        before: tuple[int, int] | None,
    ) -> list[tuple[Any, ...]]:
        """At most `limit` rows of `select` (which joins the txs table as `t`) that meet
        `conditions`, by height then position in the block, both descending; with `before`,
        only the rows after that (height, position)."""
        if before is not None:
            conditions = [*conditions, "(t.height < ? OR (t.height = ? AND t.position < ?))"]
            args = [*args, before[0], before[0], before[1]]
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        query = f"{select}{where} ORDER BY t.height DESC, t.position DESC LIMIT ?"
        return self._rows(query, [*args, limit])

    def _rows_in(self, query: str, keys: Sequence[bytes]) -> list[tuple[Any, ...]]:
        """`query` ending in `IN`, completed with a placeholder per key (a few hundred at most)."""
        if not keys:
            return []
        return self._rows(f"{query} ({','.join('?' * len(keys))})", list(keys))
