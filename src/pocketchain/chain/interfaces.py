"""The storage interfaces, in one place: what the chainstate needs (the chain's tables) and what
the explorer reads (its indexes). SqlStore (SQLite, PostgreSQL) and MemoryStore implement both.

A store holds one network's chain. Every method that changes more than one row does it in one
transaction, so a node killed at any instant finds all of a block's changes or none of them;
`transaction()` groups several calls into one (the outer one commits). A disk with no room for
a change raises DiskFullError, with nothing of the change written.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from ..consensus.connect import Coin
from ..consensus.errors import DiskFullError
from ..consensus.tx import OutPoint
from .records import AddressRow, AddressTotals, BlockWrite, IndexRow, PostRow, Status, TxRow

__all__ = ["ChainTables", "DiskFullError", "ExplorerIndexes", "Store"]


class ChainTables(Protocol):
    """The block tree, block and undo data, the UTXO set, metadata and the saved mempool."""

    def transaction(self) -> AbstractContextManager[Any]: ...
    def close(self) -> None: ...

    def get_meta(self, key: str) -> bytes | None: ...
    def set_meta(self, key: str, value: bytes) -> None: ...

    def load_index(self) -> Iterator[IndexRow]:
        """Every row of the block index, read a batch at a time (in the order they were added
        is the fast order to load; any order loads)."""
        ...

    def get_index(self, block_hash: bytes) -> IndexRow | None:
        """One row of the block index (the stored tip's, while the whole index loads)."""
        ...

    def add_index(self, row: IndexRow, block: bytes | None = None) -> None:
        """A new header, and the block's data when we have it."""
        ...

    def add_headers(self, rows: Sequence[IndexRow]) -> None:
        """New headers without their blocks yet (headers-first sync)."""
        ...

    def add_block_data(self, row: IndexRow, block: bytes) -> None:
        """The data of a block whose header is in the index already, and its new status."""
        ...

    def update_index(self, rows: Iterable[IndexRow]) -> None:
        """New status and sequence ids of entries already in the index."""
        ...

    def get_block(self, block_hash: bytes) -> bytes | None: ...
    def get_blocks(self, hashes: Sequence[bytes]) -> dict[bytes, bytes]: ...
    def get_undo(self, block_hash: bytes) -> bytes | None: ...

    def get_coins(self, outpoints: Iterable[OutPoint]) -> dict[OutPoint, Coin]:
        """The unspent ones among `outpoints`."""
        ...

    def count_coins(self) -> int: ...
    def iter_coins(self) -> Iterator[tuple[OutPoint, Coin]]: ...

    def connect(self, w: BlockWrite, status: Status) -> None:
        """Apply a validated block, indexes included, and make it the tip."""
        ...

    def disconnect(
        self,
        block_hash: bytes,
        height: int,
        new_tip: bytes,
        created: Iterable[OutPoint],
        restored: Iterable[tuple[OutPoint, Coin]],
    ) -> None:
        """Undo the tip block at `height`: its coins and index rows go, the coins it spent
        come back."""
        ...

    def save_mempool(self, raws: Sequence[bytes]) -> None: ...
    def load_mempool(self) -> list[bytes]: ...


class ExplorerIndexes(Protocol):
    """What the API reads beyond the chain: transactions, addresses and posts of the active
    chain, written by `connect` and removed by `disconnect`."""

    def block_sizes(self, hashes: Sequence[bytes]) -> dict[bytes, tuple[int, int]]:
        """(size in bytes, transaction count) of the stored blocks among `hashes`."""
        ...

    def find_tx(self, txid: bytes) -> TxRow | None: ...
    def address_totals(self, key_hash: bytes) -> AddressTotals: ...

    def address_coins(
        self, key_hash: bytes, limit: int, offset: int = 0
    ) -> list[tuple[OutPoint, Coin]]:
        """A page of the unspent outputs paying `key_hash`, by height, txid and output index."""
        ...

    def address_history(
        self, key_hash: bytes, limit: int, before: tuple[int, int] | None = None
    ) -> list[AddressRow]:
        """A page of the transactions touching `key_hash`, newest first (by height, then
        position in the block); with `before`, only those after that (height, position)."""
        ...

    def recent_posts(self, limit: int, before: tuple[int, int] | None = None) -> list[PostRow]:
        """A page of the posts, newest first, as `address_history`."""
        ...


class Store(ChainTables, ExplorerIndexes, Protocol):
    """A whole store: what `open_store` returns and a node runs on."""
