"""open_store: which backend a `--db` value opens, and where; one process at a time."""

import os
from pathlib import Path

import pytest

from pocketchain.chain.lock import StoreInUseError
from pocketchain.chain.open import open_store
from pocketchain.chain.postgres import PostgresStore
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.errors import PocketchainError


def test_the_default_is_sqlite_inside_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "home" / "regtest"  # does not exist yet
    store = open_store(None, data_dir)
    try:
        assert isinstance(store, SqliteStore)
        store.set_meta("probe", b"\x01")
    finally:
        store.close()
    assert (data_dir / "chain.db").is_file()
    again = open_store(None, data_dir)
    assert again.get_meta("probe") == b"\x01"
    again.close()


def test_a_sqlite_url_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.db"
    store = open_store(f"sqlite:///{path}", tmp_path / "unused")
    store.close()
    assert isinstance(store, SqliteStore)
    assert path.is_file()
    assert not (tmp_path / "unused").exists()


def test_a_relative_sqlite_url_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    open_store("sqlite:///rel.db", tmp_path / "unused").close()
    assert (tmp_path / "rel.db").is_file()


def test_a_postgresql_url_opens_that_database(pg_database: str, tmp_path: Path) -> None:
    store = open_store(pg_database, tmp_path)
    try:
        assert isinstance(store, PostgresStore)
        store.set_meta("probe", b"\x00\xff")
    finally:
        store.close()
    again = PostgresStore(pg_database)
    assert again.get_meta("probe") == b"\x00\xff"
    again.close()
    assert list(tmp_path.iterdir()) == []  # nothing written to the data dir


@pytest.mark.parametrize(
    ("db", "named"),
    [
        ("mysql://root:secret@localhost/chain", "'mysql'"),
        ("chain.db", "'chain.db'"),
        ("", "''"),
    ],
    ids=["other-scheme", "bare-path", "empty"],
)
def test_an_unknown_database_is_a_clear_value_error(db: str, named: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^unsupported database .*: use sqlite:///") as info:
        open_store(db, tmp_path)
    message = str(info.value)
    assert named in message
    assert "postgresql://user:pass@host:port/dbname" in message
    assert "secret" not in message  # a password in the URL is never echoed
    assert "\n" not in message


@pytest.mark.parametrize("db", ["sqlite:///", "sqlite://chain.db", "sqlite:chain.db"])
def test_a_sqlite_url_without_a_path_is_a_value_error(db: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"sqlite:/// and a path"):
        open_store(db, tmp_path)


def test_an_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    # port 1 on loopback: nothing listens there, so the connection is refused at once
    with pytest.raises(PocketchainError, match=r"^cannot connect to PostgreSQL: ") as info:
        open_store("postgresql://u:secret@127.0.0.1:1/chain", tmp_path)
    assert "secret" not in str(info.value)
    assert "\n" not in str(info.value)


def test_a_sqlite_store_serves_one_process_at_a_time(tmp_path: Path) -> None:
    first = open_store(None, tmp_path)
    with pytest.raises(StoreInUseError, match=f"in use by process {os.getpid()}"):
        open_store(None, tmp_path)
    with pytest.raises(StoreInUseError):  # the same file by another name
        open_store(f"sqlite:///{tmp_path / 'chain.db'}", tmp_path / "unused")
    first.close()
    open_store(None, tmp_path).close()  # closed: free again


def test_a_postgres_store_serves_one_process_at_a_time(pg_database: str, tmp_path: Path) -> None:
    first = open_store(pg_database, tmp_path)
    with pytest.raises(StoreInUseError, match=f"in use by process {os.getpid()}"):
        open_store(pg_database, tmp_path)
    first.close()
    open_store(pg_database, tmp_path).close()


def test_a_closed_postgres_store_can_be_opened_again_at_once(
    pg_database: str, tmp_path: Path
) -> None:
    """Closing lets go of the lock then and there, not when the server gets round to it."""
    for _ in range(50):
        open_store(pg_database, tmp_path).close()
