"""Opening the store a `--db` option names: SQLite by default, a PostgreSQL server, or memory."""

from pathlib import Path

from .interfaces import Store
from .memory import MemoryStore
from .postgres import PostgresStore
from .sqlite import SqliteStore

SQLITE_PREFIX = "sqlite:///"
MEMORY = "memory:"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_SQLITE_EXAMPLE = "sqlite:///path/to/chain.db"
_POSTGRES_EXAMPLE = "postgresql://user:pass@host:port/dbname"


def open_store(db: str | None, data_dir: Path) -> Store:
    """The store for `db`: None for `<data_dir>/chain.db`, a `sqlite:///` or a `postgresql://` URL,
    or `memory:` (a throwaway chain, gone when the process ends).

    As in SQLAlchemy, `sqlite:///chain.db` is relative to the working directory and
    `sqlite:////var/lib/chain.db` is absolute.
    """
    if db is None:
        data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteStore(data_dir / "chain.db")
    if db.startswith("sqlite:"):
        path = db.removeprefix(SQLITE_PREFIX) if db.startswith(SQLITE_PREFIX) else ""
        if not path:
            raise ValueError(f"a SQLite URL is sqlite:/// and a path, like {_SQLITE_EXAMPLE}")
        return SqliteStore(path)
    if db == MEMORY:
        return MemoryStore()
    if db.startswith(POSTGRES_SCHEMES):
        return PostgresStore(db)
    # name only the scheme of a URL: the rest may hold a password
    what = f"URL scheme {db.split('://', 1)[0]!r}" if "://" in db else repr(db)
    raise ValueError(
        f"unsupported database {what}: use {_SQLITE_EXAMPLE}, {_POSTGRES_EXAMPLE} or {MEMORY}"
    )
