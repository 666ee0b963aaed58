"""Real `pocketchain node` processes for benchmarks: free loopback ports, bounded waits, clean
stops."""

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

EXE = Path(sys.executable).parent / "pocketchain"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class NodeProc:
    def __init__(
        self, data_dir: Path, *extra: str, network: str = "regtest", host: str = "127.0.0.1"
    ) -> None:
        self.data_dir = data_dir
        self.network = network
        self.host = host
        self.port = free_port(host)
        self.url = f"http://{host}:{self.port}"
        args = [str(EXE), "node", "--network", network, "--host", host, "--port", str(self.port)]
        self.args = [*args, "--data-dir", str(data_dir), "--miners", "1", *extra]
        self.http = httpx.Client(base_url=self.url, timeout=120)
        self.proc: subprocess.Popen[bytes] | None = None
        self.loaded_s = 0.0

    def start(self, timeout: float = 60) -> float:
        """Start the process and wait until its block index is loaded; seconds until it first
        answered over HTTP (and `loaded_s`, until it was loaded)."""
        start = time.perf_counter()
        quiet = subprocess.DEVNULL
        self.proc = subprocess.Popen(self.args, stdout=quiet, stderr=quiet)
        first: float | None = None
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"node exited with {self.proc.returncode}")
            try:
                loading = self.http.get("/api/v1/status", timeout=1).json()["loading"]
                first = first or time.perf_counter() - start
                if not loading:
                    self.loaded_s = time.perf_counter() - start
                    return first
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"the node did not answer in {timeout} s")

    @property
    def token(self) -> str:
        return (self.data_dir / self.network / "admin.token").read_text().strip()

    def api(self, method: str, path: str, admin: bool = False, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if admin else {}
        response = self.http.request(method, "/api/v1" + path, headers=headers, **kwargs)
        response.raise_for_status()
        return response.json()

    def status(self) -> dict[str, Any]:
        return dict(self.api("GET", "/status"))

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None
