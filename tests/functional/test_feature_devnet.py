"""`pocketchain devnet`: three mining nodes that find each other, and a clean Ctrl-C."""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from framework import EXE

pytestmark = pytest.mark.functional


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


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    assert eventually(check, timeout), f"{what}: not after {timeout} s"


def eventually(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def test_devnet_starts_three_mining_nodes_that_agree_and_stop_on_ctrl_c(tmp_path: Path) -> None:
    base = free_ports(3)
    data_dir = tmp_path / "devnet-data"
    urls = [f"http://127.0.0.1:{base + i}" for i in range(3)]
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    args = [str(EXE), "devnet", "--nodes", "3", "--port", str(base), "--data-dir", str(data_dir)]
    with open(out_file, "wb") as out, open(err_file, "wb") as err:
        devnet = subprocess.Popen(args, stdout=out, stderr=err)
    http = httpx.Client(timeout=5)

    def output() -> str:
        assert devnet.poll() is None, f"devnet exited: {err_file.read_text()}"
        return out_file.read_text()

    def statuses() -> list[dict]:
        return [http.get(f"{url}/api/v1/status").json() for url in urls]

    try:
        wait_until(lambda: all(f"{url}/" in output() for url in urls), 120, "the three URLs")
        assert f"web UI and API: {urls[0]}/" in output()
        assert (data_dir / "devnet" / "admin.token").exists()  # node 0 is the default node
        assert (data_dir / "devnet-node2" / "devnet" / "node.log").exists()
        first = statuses()
        assert [s["network"] for s in first] == ["devnet"] * 3

        def all_mined() -> bool:
            return all(s["height"] > f["height"] for s, f in zip(statuses(), first, strict=True))

        wait_until(all_mined, 60, "every node mines")

        def agree() -> bool:
            now = statuses()
            return len({s["tip"] for s in now}) == 1 and now[0]["height"] >= 3

        agreed = eventually(agree, 90)  # needs the peer network; asserted after the stop
        wait_until(lambda: "height " in output(), 30, "a status line")

        children = processes_using(data_dir)
        assert len(children) >= 3
        devnet.send_signal(signal.SIGINT)
        assert devnet.wait(30) == 0
        assert processes_using(data_dir) & children == set()
        assert agreed, f"no common tip at height >= 3 after 90 s: {out_file.read_text()}"
    finally:
        if devnet.poll() is None:
            devnet.kill()
            devnet.wait()
        for pid in processes_using(data_dir):
            os.kill(pid, signal.SIGKILL)
        http.close()


def test_devnet_refuses_a_port_in_use(tmp_path: Path) -> None:
    base = free_ports(3)
    data_dir = tmp_path / "devnet-data"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", base + 1))
        busy.listen()
        args = [str(EXE), "devnet", "--port", str(base), "--data-dir", str(data_dir)]
        out = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert str(base + 1) in lines[0]
    assert processes_using(data_dir) == set()
