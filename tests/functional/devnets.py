"""Starting and stopping `pocketchain devnet` in tests: free ports, its children, Ctrl-C."""

import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from framework import EXE, wait_until


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> int:
    """A base port with `count` consecutive free loopback ports."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base + count <= 65536 and all(port_is_free(base + i) for i in range(count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports")


def processes_using(path: Path) -> set[int]:
    """Live processes whose command line mentions `path` (the devnet's children)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(path) in cmdline and state != "Z":
            found.add(int(entry.name))
    return found


def kill_leftovers(devnet: subprocess.Popen[bytes], data_dir: Path) -> None:
    """Whatever a failed test left running: the devnet and every node of its data directory."""
    if devnet.poll() is None:
        devnet.kill()
        devnet.wait()
    for pid in processes_using(data_dir):
        os.kill(pid, signal.SIGKILL)


@contextmanager
def three_nodes(tmp_path: Path, *extra: str) -> Iterator[tuple[list[str], Path, httpx.Client]]:
    """A devnet of three nodes that do not mine (and `extra`), stopped with Ctrl-C at the end:
    the nodes' URLs, its data directory and an HTTP client."""
    base = free_ports(3)
    data_dir = tmp_path / "devnet-data"
    args = [str(EXE), "devnet", "--nodes", "3", "--port", str(base), "--data-dir", str(data_dir)]
    devnet = subprocess.Popen([*args, "--no-mine", *extra], stdout=subprocess.DEVNULL)
    http = httpx.Client(timeout=5)
    urls = [f"http://127.0.0.1:{base + i}" for i in range(3)]
    try:
        wait_until(lambda: all(loaded(http, url) for url in urls), 60, "three nodes loaded")
        yield urls, data_dir, http
    finally:
        devnet.send_signal(signal.SIGINT)
        devnet.wait(30)
        kill_leftovers(devnet, data_dir)
        http.close()


def loaded(http: httpx.Client, url: str) -> bool:
    """The node at `url` answers, its block index loaded."""
    try:
        return http.get(f"{url}/api/v1/status").json()["loading"] is False
    except httpx.HTTPError:
        return False


def admin(data_dir: Path, n: int) -> dict[str, str]:
    token = data_dir / ("devnet" if n == 0 else f"devnet-node{n}/devnet") / "admin.token"
    return {"Authorization": f"Bearer {token.read_text().strip()}"}
