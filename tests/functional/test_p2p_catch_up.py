"""A node that was offline catches up on start; a new node syncs the whole chain headers-first."""

from framework import connected, sync_all, wait_until


def test_a_restarted_node_catches_up_from_its_saved_peers(nodes) -> None:
    a = nodes()
    b = nodes("--peer", a.url)
    wait_until(lambda: connected(b, a), what="B to connect")
    a.mine(5)
    sync_all([a, b])

    b.stop()
    a.mine(40)
    b.start()  # no --peer this time: B remembers A
    assert sync_all([a, b], 30) == a.tip()
    assert b.height() == 45
    assert b.status()["synced"] is True


def test_a_fresh_node_syncs_a_long_chain_headers_first(nodes) -> None:
    a = nodes()
    a.mine(300)
    b = nodes()
    b.connect(a)
    assert sync_all([a, b], 60) == a.tip()
    tips = b.api("GET", "/tips")
    assert [t["status"] for t in tips] == ["active"]  # no header left without its block
    assert b.api("GET", "/blocks/height/150")["hash"] == a.api("GET", "/blocks/height/150")["hash"]
