"""feature_startup: a node that cannot have its store or its port says so in one line and exits
1, before it reads or writes anything or says hello to any peer; a start waits for nothing it
does not need (miner processes), and the status answers even while the writer is busy."""

import asyncio
import subprocess
import threading
from pathlib import Path

import httpx
from fakepeer import FakePeer, regtest_status
from framework import EXE, TestNode, free_port

import aio
from pocketchain.api.app import create_app
from pocketchain.consensus.params import REGTEST
from pocketchain.node.node import Node

RUN_TIMEOUT = 60


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args], capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )


def node_command(data_dir: Path, port: int, *extra: str) -> list[str]:
    return [
        "node",
        "--network",
        "regtest",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        *extra,
    ]


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_a_second_node_or_verify_on_a_store_in_use_exits(nodes) -> None:
    first: TestNode = nodes()
    first.mine(2)
    assert first.process is not None
    holder = f"in use by process {first.process.pid}"
    line = one_error_line(run(*node_command(first.data_dir, free_port())))
    assert holder in line
    line = one_error_line(
        run("chain", "verify", "--network", "regtest", "--data-dir", str(first.data_dir))
    )
    assert holder in line
    assert first.height() == 2  # the first node goes on
    assert first.stop() == 0
    assert first.verify().returncode == 0  # free once it stopped


def test_a_second_node_on_a_postgres_database_in_use_exits(
    nodes, pg_database: str, tmp_path
) -> None:
    first: TestNode = nodes("--db", pg_database)
    assert first.process is not None
    line = one_error_line(run(*node_command(tmp_path / "other", free_port(), "--db", pg_database)))
    assert f"in use by process {first.process.pid}" in line
    line = one_error_line(run("chain", "verify", "--network", "regtest", "--db", pg_database))
    assert f"in use by process {first.process.pid}" in line
    # its data directory too (its admin token, its mining key), whatever database another uses
    line = one_error_line(run(*node_command(first.data_dir, free_port())))
    assert "data directory" in line and f"in use by process {first.process.pid}" in line


def test_a_port_in_use_is_refused_before_anything_else(nodes, tmp_path) -> None:
    first: TestNode = nodes()
    peer = FakePeer(regtest_status())
    try:
        other = tmp_path / "other"
        line = one_error_line(run(*node_command(other, first.port, "--peer", peer.url)))
        assert line == f"error: port {first.port} is in use"
        assert peer.requests == []  # no peer was contacted
        assert not other.exists() or list(other.rglob("*")) == []  # nothing was written
    finally:
        peer.close()


def children(pid: int) -> set[int]:
    """The processes `pid` started (Linux: /proc/PID/task/*/children)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def test_a_node_starts_its_miner_processes_only_when_it_mines(nodes) -> None:
    """A start waited for a forkserver and a miner worker, even on a node that never mines."""
    node: TestNode = nodes()
    assert node.process is not None
    assert children(node.process.pid) == set()
    node.mine(1)
    assert children(node.process.pid)  # the forkserver (and through it the worker)
    assert node.stop() == 0


def test_status_never_waits_for_the_writer(tmp_path) -> None:
    """In process: while the writer is busy (connecting blocks, say), GET /api/v1/status still
    answers, from the snapshot the writer published last."""
    node = Node(REGTEST, tmp_path, miners=1)
    busy = threading.Event()
    release = threading.Event()

    def hold() -> None:
        busy.set()
        release.wait(60)

    worker = threading.Thread(target=node.call, args=(hold,))
    try:
        node.call(node.template, bytes(20))  # a call: the snapshot is fresh after it
        worker.start()
        assert busy.wait(30)
        app = create_app(node)

        async def status() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
                return await asyncio.wait_for(c.get("/api/v1/status"), 30)

        response = aio.run(status())
        assert response.status_code == 200
        assert response.json()["height"] == 0 and response.json()["mempool"] == 0
        assert worker.is_alive()  # the writer was still busy when the answer came
    finally:
        release.set()
        worker.join(30)
        node.close()
