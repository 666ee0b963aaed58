"""A client that speaks to a node as a peer would, from an address of its choice in 127.0.0.0/8:
its hello, and a block that breaks a rule (to earn a ban)."""

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
        self.http = httpx.Client(base_url=node.url, transport=transport, timeout=60)

    def hello(self, url: str, nonce: str = "b" * 16) -> httpx.Response:
        """Say hello as a node listening at `url`."""
        status = self.node.status()
        body = {k: status[k] for k in ("network", "height", "tip", "chainwork")}
        body |= {"url": url, "genesis": REGTEST.genesis.header.hash_hex, "nonce": nonce}
        return self.http.post("/api/v1/peers/hello", json=body)

    def close(self) -> None:
        self.http.close()


def greedy_block(node: TestNode) -> Block:
    """A block on the node's tip whose coinbase claims more than it may (bad-cb-amount)."""
    tip = node.api("GET", f"/blocks/{node.tip()}")
    prev, height, when = from_display(tip["hash"]), tip["height"] + 1, tip["time"] + 1
    block = assemble_block(REGTEST, prev, height, when, 0x207FFFFF, (), 1, kh(1), b"x")
    header = solve(block.header)
    assert header is not None
    return Block(header, block.txs)
