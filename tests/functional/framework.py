"""Real `pocketchain node` processes on free loopback ports with temporary data directories.

Like Bitcoin Core's test framework: each test starts the nodes it needs, talks to them over HTTP,
and stops them (or kills them) itself. Every wait is bounded.
"""

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
EXE = Path(sys.executable).parent / "pocketchain"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class NodeError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body

    @property
    def code(self) -> str:
        return str(self.body["error"]["code"])


class TestNode:
    __test__ = False  # not a pytest test class

    def __init__(
        self, data_dir: Path, network: str = "regtest", *extra: str, host: str = "127.0.0.1"
    ) -> None:
        """A node listening on `host` (any of 127.0.0.0/8: a netgroup per 127.A.B.0/16)."""
        self.data_dir = data_dir
        self.network = network
        self.extra = list(extra)
        self.host = host
        self.port = free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.url, timeout=60)
        self.log = data_dir / "node.log"
        self.preexec_fn: Any = None  # run in the node's process before it starts (limits)

    def command(self, *extra: str) -> list[str]:
        """The command line that starts the node."""
        args = [str(EXE), "node", "--network", self.network, "--port", str(self.port)]
        args += ["--host", self.host]
        return [*args, "--data-dir", str(self.data_dir), "--miners", "1", *self.extra, *extra]

    def start(self, *extra: str) -> "TestNode":
        """Start the node and wait until it answers with its block index loaded."""
        self.launch(*extra)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node exited with {self.process.returncode}: {self.log_text()}")
            try:  # it answers while its block index loads (`loading`); ready once loaded
                if not self.http.get("/api/v1/status", timeout=1).json()["loading"]:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"node did not start in {START_TIMEOUT} s: {self.log_text()}")

    def launch(self, *extra: str) -> None:
        """Start the node's process, without waiting for it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command(*extra),
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=self.preexec_fn,  # noqa: PLW1509 (tests start nodes from one thread)
            )

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    @property
    def token(self) -> str:
        return (self.data_dir / self.network / "admin.token").read_text().strip()

    def stop(self) -> int:
        """SIGTERM and wait: a clean shutdown; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(STOP_TIMEOUT)
        self.process = None
        return code

    def kill(self) -> None:
        """SIGKILL: the node gets no chance to clean up."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)
            self.process = None

    def restart(self, *extra: str) -> "TestNode":
        if self.process is not None:
            self.stop()
        return self.start(*extra)

    # -- HTTP ---------------------------------------------------------------------------------

    def api(self, method: str, path: str, admin: bool = False, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if admin else {}
        response = self.http.request(method, "/api/v1" + path, headers=headers, **kwargs)
        body = response.json()
        if response.status_code >= 400:
            raise NodeError(response.status_code, body)
        return body

    def status(self) -> dict[str, Any]:
        return dict(self.api("GET", "/status"))

    def height(self) -> int:
        return int(self.status()["height"])

    def tip(self) -> str:
        return str(self.status()["tip"])

    def mine(self, blocks: int = 1, address: str | None = None) -> list[str]:
        body: dict[str, Any] = {"blocks": blocks} | ({"address": address} if address else {})
        return list(self.api("POST", "/mine", admin=True, json=body)["hashes"])

    def block_hex(self, block_hash: str) -> str:
        return str(self.api("GET", f"/blocks/{block_hash}/raw")["hex"])

    def submit_block(self, raw_hex: str) -> dict[str, Any]:
        return dict(self.api("POST", "/blocks", json={"hex": raw_hex}))

    def send_blocks_to(self, other: "TestNode", hashes: list[str]) -> None:
        """Hand blocks over by hand (what peers will do by themselves)."""
        for block_hash in hashes:
            other.submit_block(self.block_hex(block_hash))

    def connect(self, other: "TestNode") -> dict[str, Any]:
        """POST /peers: shake hands with `other` (both sides learn of each other)."""
        return dict(self.api("POST", "/peers", admin=True, json={"url": other.url}))

    def disconnect(self, other: "TestNode") -> None:
        self.api("DELETE", "/peers", admin=True, params={"url": other.url})

    def verify(self, *extra: str) -> subprocess.CompletedProcess[str]:
        """`pocketchain chain verify` on this node's data directory (the node must be stopped)."""
        return subprocess.run(
            [
                str(EXE),
                "chain",
                "verify",
                "--network",
                self.network,
                "--data-dir",
                str(self.data_dir),
                *extra,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def wait_until(predicate: Any, timeout: float = 30.0, what: str = "condition") -> None:
    """Poll `predicate` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def connected(node: TestNode, other: TestNode) -> bool:
    """`node` lists `other` as a connected peer."""
    return any(p["url"] == other.url and p["connected"] for p in node.api("GET", "/peers"))


def sync_all(nodes: list[TestNode], timeout: float = 30.0) -> str:
    """Wait until every node has the same tip; return it."""
    wait_until(lambda: len({n.tip() for n in nodes}) == 1, timeout, "the nodes to agree")
    return nodes[0].tip()
