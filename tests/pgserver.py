"""A throwaway PostgreSQL server for tests: its own data directory, a free loopback port.

`postgres_server()` runs Debian's server binaries (initdb, pg_ctl) in a temporary directory and
yields the URL of a database on it; `create_database`/`drop_database` make one database per test.
PostgreSQL refuses to run as root, so under root the binaries run as the `postgres` system user
(or a dedicated system user created for it) through `runuser`.
"""

import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg
from psycopg import sql

USER = "pocketchain"  # the server's superuser, with a random password
SERVER_ACCOUNTS = ("postgres", "pocketchain-pg")  # system users to run the server as, under root
TIMEOUT = 30  # seconds for pg_ctl to start or stop the server
SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{sockets}'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 50
"""


class PgServerError(RuntimeError):
    pass


def _version(initdb: str) -> tuple[int, ...]:
    return tuple(int(n) for n in Path(initdb).parts[-3].split(".") if n.isdigit())


def find_bin_dir() -> Path:
    """The newest installed server's binaries (Debian: /usr/lib/postgresql/<version>/bin)."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        raise PgServerError(
            "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin "
            "(`make test` installs the postgresql package)"
        )
    return Path(max(found, key=_version)).parent


def _server_account() -> str | None:
    """The user to run the server as: None to run as ourselves, when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in SERVER_ACCOUNTS:
        with suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    name = SERVER_ACCOUNTS[-1]
    made = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        text=True,
        check=False,
    )
    try:  # another test worker may have created it meanwhile
        return pwd.getpwnam(name).pw_name
    except KeyError:
        raise PgServerError(
            f"cannot create the system user {name}: {made.stderr.strip()}"
        ) from None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Runner:
    """Runs server binaries in the server's directory, as the server's user."""

    def __init__(self, root: Path, account: str | None) -> None:
        self.root = root
        self.prefix = ["runuser", "-u", account, "--"] if account else []

    def __call__(self, *args: str | Path) -> None:
        done = subprocess.run(
            [*self.prefix, *map(str, args)],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=TIMEOUT + 30,
            check=False,
        )
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PgServerError(
                f"{Path(args[0]).name} failed ({done.returncode}): "
                f"{done.stdout.strip()} {done.stderr.strip()}\n{tail}"
            )


@contextmanager
def postgres_server(dbname: str = "pocketchain") -> Iterator[str]:
    """Starts a server, yields `postgresql://user:pass@127.0.0.1:port/dbname`, then removes it."""
    bin_dir = find_bin_dir()
    account = _server_account()
    root = Path(tempfile.mkdtemp(prefix="pocketchain-pg-"))
    data = root / "data"
    password = secrets.token_hex(16)
    run = _Runner(root, account)
    try:
        (root / "pwfile").write_text(password + "\n")
        if account:
            entry = pwd.getpwnam(account)
            for path in (root, root / "pwfile"):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        run(
            bin_dir / "initdb",
            f"--pgdata={data}",
            f"--username={USER}",
            f"--pwfile={root / 'pwfile'}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS.format(sockets=root))
        for attempt in range(3):  # another process may take the free port before the server
            port = _free_port()
            try:
                run(
                    bin_dir / "pg_ctl",
                    "start",
                    f"--pgdata={data}",
                    f"--log={root / 'server.log'}",
                    f"--options=-p {port}",
                    "--wait",
                    f"--timeout={TIMEOUT}",
                )
            except PgServerError:
                if attempt == 2:
                    raise
                continue
            break
        base = f"postgresql://{USER}:{password}@127.0.0.1:{port}"
        create_database(f"{base}/postgres", dbname)
        yield f"{base}/{dbname}"
    finally:
        if (data / "postmaster.pid").exists():  # running, or maybe half-started
            _stop(run, bin_dir, data)
        shutil.rmtree(root, ignore_errors=True)


def _stop(run: _Runner, bin_dir: Path, data: Path) -> None:
    """Fast shutdown (disconnects clients); if that fails, kill the postmaster we started."""
    try:
        run(
            bin_dir / "pg_ctl",
            "stop",
            f"--pgdata={data}",
            "--mode=fast",
            "--wait",
            f"--timeout={TIMEOUT}",
        )
    except (PgServerError, subprocess.TimeoutExpired):
        with suppress(OSError, ValueError, IndexError):
            pid = int((data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)


def create_database(url: str, name: str) -> str:
    """Creates database `name` on the server of `url` and returns its URL."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{url.rsplit('/', 1)[0]}/{name}"


def drop_database(url: str, name: str) -> None:
    """Drops database `name`, disconnecting anyone still on it."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
