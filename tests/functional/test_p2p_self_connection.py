"""A node told to connect to itself under any spelling of its address recognises itself by the
nonce in its hello (Core: CConnman::CheckIncomingNonce), not by comparing URLs."""

import pytest
from framework import NodeError


def spellings(port: int) -> list[str]:
    return [
        f"http://localhost:{port}",
        f"http://127.1:{port}",
        f"http://2130706433:{port}",
        f"http://[::ffff:127.0.0.1]:{port}",
        f"http://0.0.0.0:{port}",
        f"http://user@127.0.0.1:{port}",
        f"http://127.0.0.1:{port}/.",
        f"http://127.0.0.1:{port}/api/..",
    ]


def test_every_spelling_of_its_own_address_is_refused_through_the_nonce(nodes) -> None:
    node = nodes()
    for url in spellings(node.port):
        with pytest.raises(NodeError) as refused:
            node.api("POST", "/peers", admin=True, json={"url": url})
        assert (refused.value.status, refused.value.code) == (400, "self-connection"), url
    assert node.api("GET", "/peers") == []
    assert node.status()["peers"] == 0
