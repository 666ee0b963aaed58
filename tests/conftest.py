"""Shared by every test folder: this folder is on sys.path, so `builders` imports everywhere.

Each test worker starts its own PostgreSQL server the first time a test needs one, and every
test that asks gets a fresh database on it.
"""

import itertools
from collections.abc import Iterator

import pytest

from pgserver import create_database, drop_database, postgres_server

_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a database on this worker's PostgreSQL server."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    name = f"test_{next(_database_numbers)}"
    url = create_database(pg_server, name)
    yield url
    drop_database(pg_server, name)
