"""`--db memory:`: a throwaway chain that works like any other and is gone when the node stops."""

from framework import TestNode


def test_node_in_memory(nodes) -> None:
    a: TestNode = nodes("--db", "memory:")
    b: TestNode = nodes()
    mined_a = a.mine(3)
    mined_b = b.mine(5)
    b.send_blocks_to(a, mined_b)  # a heavier branch: a reorgs onto it
    assert (a.height(), a.tip()) == (5, mined_b[-1])
    assert {t["hash"]: t["status"] for t in a.api("GET", "/tips")}[mined_a[-1]] == "valid-fork"
    assert a.api("GET", f"/blocks/{mined_b[2]}")["height"] == 3
    a.restart()
    assert a.height() == 0  # nothing was written: a new chain
    assert not (a.data_dir / "regtest" / "chain.db").exists()
