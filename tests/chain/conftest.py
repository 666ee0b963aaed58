"""Chainstates on real stores: every chain test runs on SQLite and on a PostgreSQL server."""

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Protocol

import pytest

from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.postgres import PostgresStore
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.chain.store import SqlStore
from pocketchain.consensus.params import REGTEST, ChainParams


class OpenChain(Protocol):
    def __call__(self, params: ChainParams = REGTEST) -> Chainstate: ...


@pytest.fixture(params=["sqlite", "postgres"])
def open_chain(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenChain]:
    """Opens (or re-opens, as after a restart) the chainstate in the test's one database."""
    open_store: Callable[[], SqlStore]
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_database")
        open_store = partial(PostgresStore, url)
    else:
        open_store = partial(SqliteStore, tmp_path / "chain.db")
    opened: list[SqlStore] = []

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
