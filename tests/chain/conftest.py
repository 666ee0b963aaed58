"""Chainstates on a real store in a temporary directory."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.params import REGTEST


@pytest.fixture
def open_chain(tmp_path: Path) -> Iterator[Callable[[], Chainstate]]:
    """Opens (or re-opens, as after a restart) the chainstate in one data directory."""
    opened: list[Chainstate] = []

    def open_() -> Chainstate:
        cs = Chainstate(REGTEST, SqliteStore(tmp_path / "chain.db"))
        opened.append(cs)
        return cs

    yield open_
    for cs in opened:
        cs.store.close()


@pytest.fixture
def chain(open_chain: Callable[[], Chainstate]) -> Chainstate:
    return open_chain()
