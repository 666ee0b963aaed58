"""A full disk: the database refuses a change as a whole, and the node reads its chainstate again.

SQLite's page limit (`PRAGMA max_page_count`) stands in for a full disk: past it, a write fails
with SQLITE_FULL ("database or disk is full") exactly as when the file system has no room.
"""

from pathlib import Path

import psycopg
import pytest

from miner import NOW, make_block, mine
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.interfaces import DiskFullError
from pocketchain.chain.postgres import PostgresStore
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.chain.verify import verify_chain
from pocketchain.consensus.block import Block
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import OutPoint
from pocketchain.node.node import Node

ATTEMPTS = 200  # blocks offered before the page limit must have been reached


def fill(store: SqliteStore) -> None:
    """No more pages than the database has now."""
    (pages,) = store.conn.execute("PRAGMA page_count").fetchone()
    store.conn.execute(f"PRAGMA max_page_count = {pages}")


def make_room(store: SqliteStore) -> None:
    store.conn.execute("PRAGMA max_page_count = 1073741823")


def until_full(process, tip) -> tuple[int, Block]:
    """Offer new blocks on the tip until one fails with DiskFullError: (blocks taken, the one
    refused)."""
    for taken in range(ATTEMPTS):
        block = make_block(tip(), tag=b"full")
        try:
            process(block)
        except DiskFullError:
            return taken, block
    raise AssertionError(f"{ATTEMPTS} blocks fit under the page limit")


def test_a_full_database_refuses_a_block_as_a_whole(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "chain.db")
    chain = Chainstate(REGTEST, store)
    mine(chain, 3)
    fill(store)
    taken, _ = until_full(lambda b: chain.process_block(b, NOW), lambda: chain.tip)
    assert not store.conn.in_transaction  # rolled back, not left open
    make_room(store)
    again = Chainstate(REGTEST, store)  # what the database holds: every change whole or absent
    assert again.height in (3 + taken, 3 + taken + 1)  # (the refused block may be stored whole)
    assert verify_chain(store, REGTEST).height == again.height
    assert again.process_block(make_block(again.tip), NOW).status == "accepted"
    store.close()


def test_the_node_reads_its_chainstate_again_and_takes_blocks_once_there_is_room(
    tmp_path: Path,
) -> None:
    node = Node(REGTEST, tmp_path, miners=1)
    try:
        for _ in range(3):
            node.call(node.accept_block, make_block(node.chain.tip))
        fill(node.store)  # type: ignore[arg-type]
        taken, refused = until_full(
            lambda b: node.call(node.accept_block, b, False), lambda: node.chain.tip
        )
        assert node.store.get_block(refused.hash) is None  # its first write failed: nothing
        assert refused.hash not in node.chain.entries  # and memory holds what the database does
        assert node.chain.tip.hash == Chainstate(REGTEST, node.store).tip.hash
        assert node.chain.height == 3 + taken
        with pytest.raises(DiskFullError):  # still full: refused again, not taken as a duplicate
            node.call(node.accept_block, refused)
        make_room(node.store)  # type: ignore[arg-type]
        assert node.call(node.accept_block, refused).status in ("accepted", "duplicate")
        assert node.chain.tip.hash == refused.hash
        assert node.chain.height == 3 + taken + 1
        assert node.store.get_meta("tip") == refused.hash
        assert verify_chain(node.store, REGTEST).tip == refused.hash
    finally:
        node.close()


def test_a_sync_batch_the_disk_refuses_leaves_nothing_connected(tmp_path: Path) -> None:
    node = Node(REGTEST, tmp_path, miners=1)
    try:
        batch, tip = [], node.chain.tip
        chain = Chainstate(REGTEST, SqliteStore(tmp_path / "scratch.db"))  # builds the batch
        for block in mine(chain, ATTEMPTS):
            batch.append(block)
        fill(node.store)  # type: ignore[arg-type]
        with pytest.raises(DiskFullError):  # one transaction for the batch: all of it goes
            node.call(node.accept_blocks, batch)
        assert node.chain.tip is not tip and node.chain.tip.hash == tip.hash  # read again
        assert node.chain.height == 0 and batch[0].hash not in node.chain.entries
        assert node.chain.coins.get(OutPoint(batch[0].txs[0].txid, 0)) is None
        make_room(node.store)  # type: ignore[arg-type]
        assert node.call(node.accept_blocks, batch) is None
        assert node.chain.tip.hash == batch[-1].hash
        chain.store.close()
    finally:
        node.close()


def test_postgres_disk_full_is_the_same_error_and_nothing_is_kept(pg_database: str) -> None:
    """PostgreSQL says its disk is full with SQLSTATE 53100 (raised here at a statement, as the
    server raises it): the store raises DiskFullError, as for SQLITE_FULL, and the
    transaction's earlier writes are rolled back."""
    store = PostgresStore(pg_database)
    try:
        with pytest.raises(DiskFullError), store.transaction():
            store.set_meta("probe", b"written before the disk filled up")
            raise psycopg.errors.DiskFull("could not extend file: No space left on device")
        assert store.get_meta("probe") is None
        store.set_meta("probe", b"once there is room")  # the connection works on
        assert store.get_meta("probe") == b"once there is room"
    finally:
        store.close()
