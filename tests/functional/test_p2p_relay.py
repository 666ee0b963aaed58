"""Relay along a line A - B - C: A and C are not peers, yet blocks and transactions cross."""

from coins import address, spend_hex
from framework import connected, sync_all, wait_until


def test_blocks_and_txs_cross_a_line_of_three(nodes) -> None:
    a = nodes("--no-discover")  # each keeps to the peers it is given
    b = nodes("--no-discover", "--peer", a.url)
    c = nodes("--no-discover", "--peer", b.url)
    wait_until(lambda: connected(a, b) and connected(b, a), what="A and B to shake hands")
    wait_until(lambda: connected(b, c) and connected(c, b), what="B and C to shake hands")
    assert [p["url"] for p in a.api("GET", "/peers")] == [b.url]  # A does not know C
    assert c.status()["peers"] == 1 and b.status()["peers"] == 2

    hashes = a.mine(101, address(1))
    assert sync_all([a, b, c]) == hashes[-1]
    assert c.height() == 101

    coinbase = a.api("GET", f"/blocks/{hashes[0]}")["txs"][0]["txid"]
    txid, raw = spend_hex(coinbase, 0, 49_0000_0000, to=2, key=1)
    c.api("POST", "/txs", json={"hex": raw})  # C's transaction reaches A through B
    wait_until(lambda: txid in [t["txid"] for t in a.api("GET", "/mempool")["txs"]], 15)

    block = a.mine(1)[0]  # and A's block with it reaches C
    assert sync_all([a, b, c], 15) == block
    assert c.api("GET", f"/txs/{txid}")["confirmations"] == 1
    assert c.api("GET", "/mempool")["count"] == 0
    # the nodes' logs tell what happened, not every request one made to another
    for node in (a, b, c):
        assert "HTTP Request:" not in node.log_text(), node.log_text()
