"""Dead and silent peers never block the node: it starts, serves, mines and syncs with live
peers while it retries the dead ones with backoff."""

import socket
import time

import pytest
from framework import NodeError, connected, free_port, sync_all, wait_until


@pytest.fixture
def silent():
    """A peer that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(100)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_dead_and_silent_peers_do_not_hang_the_node(nodes, silent: str) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    live = nodes()
    node = nodes("--peer", dead, "--peer", silent, "--peer", live.url)
    wait_until(lambda: connected(node, live), 15, "the live peer to connect")

    started = time.monotonic()
    node.mine(3)
    assert sync_all([node, live], 15) == node.tip()
    for _ in range(20):
        t0 = time.monotonic()
        node.status()
        assert time.monotonic() - t0 < 1.0
    assert time.monotonic() - started < 20

    def failures() -> dict[str, int]:
        return {p["url"]: p["failures"] for p in node.api("GET", "/peers")}

    wait_until(lambda: min(failures()[dead], failures()[silent]) >= 1, 30, "retries to fail")
    assert failures()[live.url] == 0 and connected(node, live)


def test_connecting_to_a_silent_peer_fails_in_bounded_time(nodes, silent: str) -> None:
    node = nodes()
    t0 = time.monotonic()
    with pytest.raises(NodeError) as info:
        node.api("POST", "/peers", admin=True, json={"url": silent})
    assert info.value.code == "peer-unreachable"
    assert time.monotonic() - t0 < 20
    assert node.api("GET", "/peers") == []
