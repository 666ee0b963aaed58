"""A partition heals: both sides converge on the most-work chain within seconds, and the
transactions of the losing branch are back in the mempools."""

from coins import address, spend_hex
from framework import connected, sync_all, wait_until


def test_the_heavier_side_wins_and_the_losers_txs_return(nodes) -> None:
    a = nodes("--no-discover")  # the partition below holds
    b = nodes("--no-discover", "--peer", a.url)
    wait_until(lambda: connected(a, b) and connected(b, a), what="A and B to shake hands")
    hashes = a.mine(101, address(1))
    sync_all([a, b])

    a.disconnect(b)  # the partition
    b.disconnect(a)
    assert a.api("GET", "/peers") == [] and b.api("GET", "/peers") == []

    coinbase = a.api("GET", f"/blocks/{hashes[0]}")["txs"][0]["txid"]
    txid, raw = spend_hex(coinbase, 0, 49_0000_0000, to=2, key=1)
    b.api("POST", "/txs", json={"hex": raw})
    b_block = b.mine(1)[0]  # B confirms the tx on its side
    a.mine(3)  # A's side does more work
    assert b.api("GET", f"/txs/{txid}")["status"] == "confirmed"

    a.connect(b)  # heal
    assert sync_all([a, b], 15) == a.tip()
    assert b.height() == 104
    for node in (a, b):  # the tx left B's losing block; both pools have it
        wait_until(lambda n=node: n.api("GET", f"/txs/{txid}")["status"] == "mempool", 15)
    fork = [t for t in b.api("GET", "/tips") if t["hash"] == b_block]
    assert fork and fork[0]["status"] == "valid-fork"
