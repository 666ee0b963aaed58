"""Chainstates on every store: each chain test runs on SQLite, on a PostgreSQL server and in memory
(where a restart reads the same tables back)."""

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Protocol

import pytest

from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.interfaces import Store
from pocketchain.chain.memory import MemoryStore
from pocketchain.chain.postgres import PostgresStore
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.params import REGTEST, ChainParams


class OpenChain(Protocol):
    def __call__(self, params: ChainParams = REGTEST) -> Chainstate: ...


@pytest.fixture(params=["sqlite", "postgres", "memory"])
def open_chain(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenChain]:
    """Opens (or re-opens, as after a restart) the chainstate in the test's one database."""
    open_store: Callable[[], Store]
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_database")
        open_store = partial(PostgresStore, url)
    elif request.param == "memory":
        tables = MemoryStore()
        open_store = lambda: tables  # noqa: E731
    else:
        open_store = partial(SqliteStore, tmp_path / "chain.db")
    opened: list[Store] = []

    def open_(params: ChainParams = REGTEST) -> Chainstate:
        store = open_store()
        opened.append(store)
        return Chainstate(params, store)

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def chain(open_chain: OpenChain) -> Chainstate:
    return open_chain()
