"""The in-memory store: both storage interfaces (chain/interfaces.py) as dicts in this process.

For fast tests and throwaway ledgers (`--db memory:`): nothing reaches the disk, and the chain is
gone when the process ends. Its transactions keep the promise of the SQL stores: each write
inside one is journaled, and an exception undoes them all, newest first.
"""

from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from ..consensus.connect import Coin
from ..consensus.serialize import Reader
from ..consensus.tx import OutPoint
from .records import AddressRow, AddressTotals, BlockWrite, IndexRow, PostRow, Status, TxRow

_ABSENT = object()
R = TypeVar("R", AddressRow, PostRow)


class MemoryStore:
    def __init__(self) -> None:
        self._meta: dict[str, bytes] = {}
        self._index: dict[bytes, IndexRow] = {}
        self._blocks: dict[bytes, bytes] = {}
        self._undo: dict[bytes, bytes] = {}
        self._coins: dict[OutPoint, Coin] = {}
        self._owned: dict[bytes, dict[OutPoint, None]] = {}  # key hash -> its unspent outputs
        self._txs: dict[bytes, TxRow] = {}
        # the index rows each height wrote: what disconnecting it removes
        self._at_height: dict[int, tuple[list[TxRow], list[AddressRow]]] = {}
        self._history: dict[bytes, dict[bytes, AddressRow]] = {}  # key hash -> txid -> row
        self._posts: dict[bytes, PostRow] = {}
        self._mempool: list[bytes] = []
        self._journal: list[tuple[MutableMapping[Any, Any], Any, Any]] | None = None

    # -- transactions: a journal of the old values --------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._journal is not None:  # nested: the outer transaction commits
            yield
            return
        self._journal = []
        try:
            yield
        except BaseException:
            for table, key, old in reversed(self._journal):
                if old is _ABSENT:
                    table.pop(key, None)
                else:
                    table[key] = old
            raise
        finally:
            self._journal = None

    def _put(self, table: MutableMapping[Any, Any], key: Any, value: Any) -> None:
        self._remember(table, key)
        table[key] = value

    def _pop(self, table: MutableMapping[Any, Any], key: Any) -> Any:
        self._remember(table, key)
        return table.pop(key, None)

    def _remember(self, table: MutableMapping[Any, Any], key: Any) -> None:
        if self._journal is not None:
            self._journal.append((table, key, table.get(key, _ABSENT)))

    def close(self) -> None:
        """Nothing to release: the tables live as long as this object."""

    # -- metadata, the block index, block data -------------------------------------------------

    def get_meta(self, key: str) -> bytes | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: bytes) -> None:
        self._put(self._meta, key, value)

    def load_index(self) -> Iterator[IndexRow]:
        return iter(list(self._index.values()))

    def get_index(self, block_hash: bytes) -> IndexRow | None:
        return self._index.get(block_hash)

    def add_index(self, row: IndexRow, block: bytes | None = None) -> None:
        with self.transaction():
            self._put(self._index, row.hash, row)
            if block is not None:
                self._put(self._blocks, row.hash, block)

    def add_headers(self, rows: Sequence[IndexRow]) -> None:
        with self.transaction():
            for row in rows:
                self._put(self._index, row.hash, row)

    def add_block_data(self, row: IndexRow, block: bytes) -> None:
        with self.transaction():
            self._put(self._blocks, row.hash, block)
            self.update_index([row])

    def update_index(self, rows: Iterable[IndexRow]) -> None:
        with self.transaction():
            for row in rows:
                old = self._index[row.hash]
                self._put(self._index, row.hash, old._replace(status=row.status, seq=row.seq))

    def get_block(self, block_hash: bytes) -> bytes | None:
        return self._blocks.get(block_hash)

    def get_blocks(self, hashes: Sequence[bytes]) -> dict[bytes, bytes]:
        return {h: self._blocks[h] for h in hashes if h in self._blocks}

    def get_undo(self, block_hash: bytes) -> bytes | None:
        return self._undo.get(block_hash)

    # -- the UTXO set ---------------------------------------------------------------------------

    def get_coins(self, outpoints: Iterable[OutPoint]) -> dict[OutPoint, Coin]:
        return {op: coin for op in outpoints if (coin := self._coins.get(op)) is not None}

    def count_coins(self) -> int:
        return len(self._coins)

    def iter_coins(self) -> Iterator[tuple[OutPoint, Coin]]:
        return iter(list(self._coins.items()))

    def _add_coins(self, coins: Iterable[tuple[OutPoint, Coin]]) -> None:
        for op, coin in coins:
            self._put(self._coins, op, coin)
            self._put(self._owned.setdefault(coin.key_hash, {}), op, None)

    def _spend(self, outpoints: Iterable[OutPoint]) -> None:
        for op in outpoints:
            coin = self._pop(self._coins, op)
            if coin is not None:
                self._pop(self._owned[coin.key_hash], op)

    # -- connecting and disconnecting ------------------------------------------------------------

    def connect(self, w: BlockWrite, status: Status) -> None:
        with self.transaction():
            self._spend(w.spent)
            self._add_coins(w.created.items())
            self._put(self._undo, w.hash, w.undo)
            for tx in w.txs:
                self._put(self._txs, tx.txid, tx)
            self._put(self._at_height, w.height, (w.txs, w.addresses))
            for row in w.addresses:
                self._put(self._history.setdefault(row.key_hash, {}), row.txid, row)
            for post in w.posts:
                self._put(self._posts, post.txid, post)
            self._put(self._index, w.hash, self._index[w.hash]._replace(status=status))
            self.set_meta("tip", w.hash)

    def disconnect(
        self,
        block_hash: bytes,
        height: int,
        new_tip: bytes,
        created: Iterable[OutPoint],
        restored: Iterable[tuple[OutPoint, Coin]],
    ) -> None:
        with self.transaction():
            self._spend(created)
            self._add_coins(restored)
            txs, addresses = self._pop(self._at_height, height)
            for tx in txs:
                self._pop(self._txs, tx.txid)
                self._pop(self._posts, tx.txid)
            for row in addresses:
                self._pop(self._history[row.key_hash], row.txid)
            self._pop(self._undo, block_hash)
            self.set_meta("tip", new_tip)

    # -- the mempool across a clean restart ------------------------------------------------------

    def save_mempool(self, raws: Sequence[bytes]) -> None:
        self._mempool = list(raws)

    def load_mempool(self) -> list[bytes]:
        return list(self._mempool)

    # -- the explorer's indexes -------------------------------------------------------------------

    def block_sizes(self, hashes: Sequence[bytes]) -> dict[bytes, tuple[int, int]]:
        blocks = self.get_blocks(hashes).items()
        return {h: (len(raw), Reader(raw[80:89]).varint()) for h, raw in blocks}

    def find_tx(self, txid: bytes) -> TxRow | None:
        return self._txs.get(txid)

    def address_totals(self, key_hash: bytes) -> AddressTotals:
        balance = sum(self._coins[op].amount for op in self._owned.get(key_hash, {}))
        rows = self._history.get(key_hash, {}).values()
        return AddressTotals(
            balance, sum(r.received for r in rows), sum(r.sent for r in rows), len(rows)
        )

    def address_coins(
        self, key_hash: bytes, limit: int, offset: int = 0
    ) -> list[tuple[OutPoint, Coin]]:
        coins = [(op, self._coins[op]) for op in self._owned.get(key_hash, {})]
        coins.sort(key=lambda item: (item[1].height, item[0].txid, item[0].vout))
        return coins[offset : offset + limit]

    def address_history(
        self, key_hash: bytes, limit: int, before: tuple[int, int] | None = None
    ) -> list[AddressRow]:
        return _newest_first(self._history.get(key_hash, {}).values(), self._txs, limit, before)

    def recent_posts(self, limit: int, before: tuple[int, int] | None = None) -> list[PostRow]:
        return _newest_first(self._posts.values(), self._txs, limit, before)


def _newest_first(
    rows: Iterable[R], txs: dict[bytes, TxRow], limit: int, before: tuple[int, int] | None
) -> list[R]:
    """At most `limit` of `rows` by (height, position in the block), both descending; with
    `before`, only those below that (height, position)."""
    placed = [((txs[r.txid].height, txs[r.txid].position), r) for r in rows]
    placed.sort(key=lambda item: item[0], reverse=True)
    return [r for at, r in placed if before is None or at < before][:limit]
