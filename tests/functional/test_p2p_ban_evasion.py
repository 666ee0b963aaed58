"""A ban holds the address the offending requests came from: a new hello with a new URL is
refused, before and after a restart, while other addresses are not touched."""

import httpx
from framework import TestNode

from builders import kh
from pocketchain.consensus.block import Block
from pocketchain.consensus.hashes import from_display
from pocketchain.consensus.params import REGTEST
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve


class Sender:
    """Requests to `node` that come from `ip`."""

    def __init__(self, node: TestNode, ip: str) -> None:
        self.node = node
        transport = httpx.HTTPTransport(local_address=ip)
        self.http = httpx.Client(base_url=node.url, transport=transport, timeout=30)

    def hello(self, url: str) -> httpx.Response:
        status = self.node.status()
        body = {k: status[k] for k in ("network", "height", "tip", "chainwork")}
        genesis = REGTEST.genesis.header.hash_hex
        body |= {"url": url, "genesis": genesis, "nonce": "b" * 16}
        return self.http.post("/api/v1/peers/hello", json=body)


def greedy_block(node: TestNode) -> Block:
    """A block on the node's tip whose coinbase claims more than it may (bad-cb-amount)."""
    tip = node.api("GET", f"/blocks/{node.tip()}")
    block = assemble_block(
        REGTEST,
        from_display(tip["hash"]),
        tip["height"] + 1,
        tip["time"] + 1,
        0x207FFFFF,
        (),
        1,
        kh(1),
        b"x",
    )
    header = solve(block.header)
    assert header is not None
    return Block(header, block.txs)


def test_a_banned_sender_stays_banned_whatever_url_it_claims(nodes) -> None:
    node = nodes()
    bad, good = Sender(node, "127.0.0.77"), Sender(node, "127.0.0.78")
    key = bad.hello("http://127.0.0.77:7001").json()["key"]
    sent = bad.http.post(
        "/api/v1/peers/blocks",
        json={"hex": greedy_block(node).raw.hex()},
        headers={"X-Peer-Key": key},
    )
    assert sent.json()["error"]["code"] == "bad-cb-amount"
    (ban,) = node.api("GET", "/network")["bans"]
    assert ban["ip"] == "127.0.0.77" and "bad-cb-amount" in ban["reason"]
    for url in ("http://127.0.0.77:7002", "http://127.0.0.99:7003"):
        again = bad.hello(url)
        assert (again.status_code, again.json()["error"]["code"]) == (403, "banned")
    assert good.hello("http://127.0.0.78:7004").status_code == 200  # others are not touched
    node.restart()
    after = bad.hello("http://127.0.0.77:7005")
    assert (after.status_code, after.json()["error"]["code"]) == (403, "banned")
    assert [b["ip"] for b in node.api("GET", "/network")["bans"]] == ["127.0.0.77"]
