"""faults_slowloris: more connections than the node can hold open, none of which ever finishes a
request, against a node whose open-file limit is 1024. The node closes them (each has a few
seconds to send a whole request, and when the node is full the one that waited longest makes
room), never runs out of files, and answers GET /api/v1/status all the while."""

import contextlib
import resource
import socket
import threading
import time

import httpx
import pytest
from framework import TestNode

pytestmark = pytest.mark.faults

FILE_LIMIT = 1024  # the node's soft and hard limit on open files
ATTACKERS = 1_100  # more connections than that
SECONDS = 20.0
CHECKS = 40  # status requests in that time, each on a new connection


def limit_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (FILE_LIMIT, FILE_LIMIT))


class Slowloris:
    """Keeps ATTACKERS connections open to the node: half send nothing, half send the start of a
    request and then a header byte now and then. A connection the node closes is opened again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.closed_by_node = 0
        self.stop = threading.Event()
        self.sockets: list[socket.socket] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, n: int) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        if n % 2:
            sock.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sock.setblocking(False)
        return sock

    def _run(self) -> None:
        self.sockets = [self._open(n) for n in range(ATTACKERS)]
        while not self.stop.wait(0.5):
            for n, sock in enumerate(self.sockets):
                try:
                    if sock.recv(1024) == b"":  # the node closed it
                        raise ConnectionResetError
                except BlockingIOError:  # still open: trickle a byte
                    if n % 2:
                        with contextlib.suppress(OSError):
                            sock.send(b"X")
                    continue
                except OSError:
                    pass
                self.closed_by_node += 1
                sock.close()
                try:
                    self.sockets[n] = self._open(n)
                except OSError:  # the node refused for now: try again in the next round
                    self.sockets[n] = socket.socket()

    def __enter__(self) -> "Slowloris":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(30)
        for sock in self.sockets:
            sock.close()


def test_slowloris_cannot_take_the_node_offline(tmp_path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * ATTACKERS)), hard))
    node = TestNode(tmp_path / "node")
    node.preexec_fn = limit_files
    node.start()
    try:
        answered = []
        with Slowloris(node.port) as attack:
            deadline = time.monotonic() + SECONDS
            for n in range(CHECKS):
                time.sleep(max(0.0, deadline - SECONDS + n * SECONDS / CHECKS - time.monotonic()))
                try:
                    answered.append(httpx.get(f"{node.url}/api/v1/status", timeout=5).status_code)
                except httpx.HTTPError as exc:
                    answered.append(repr(exc))
            assert attack.closed_by_node > ATTACKERS // 2, attack.closed_by_node
        assert answered == [200] * CHECKS, answered
        log = node.log_text()
        assert "Too many open files" not in log and "Traceback" not in log, log
        assert node.stop() == 0
    finally:
        node.kill()
