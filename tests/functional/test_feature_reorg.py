"""feature_reorg: a node follows a longer chain found elsewhere, across restarts."""

from framework import TestNode


def test_deep_reorg_across_restart(nodes) -> None:
    a: TestNode = nodes()
    b: TestNode = nodes()
    mined_a = a.mine(5)
    mined_b = b.mine(8)
    a.restart()  # the short chain was persisted
    assert (a.height(), a.tip()) == (5, mined_a[-1])

    b.send_blocks_to(a, mined_b[:5])  # equal work: the first seen stays
    assert a.tip() == mined_a[-1]
    b.send_blocks_to(a, mined_b[5:])
    assert (a.height(), a.tip()) == (8, mined_b[-1])
    tips = {t["hash"]: t for t in a.api("GET", "/tips")}
    assert tips[mined_a[-1]]["status"] == "valid-fork"
    assert tips[mined_a[-1]]["branchlen"] == 5

    a.restart()
    assert a.tip() == mined_b[-1]
    assert a.api("GET", "/blocks/height/3")["hash"] == mined_b[2]
    assert a.stop() == 0
    verify = a.verify()
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith("ok: 8 blocks")
