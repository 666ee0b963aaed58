"""PostgreSQL backend parity: a node on `--db postgresql://…` mines, reorgs, restarts, verifies."""

import subprocess

from framework import EXE, TestNode


def test_node_on_postgresql(nodes, pg_database: str) -> None:
    a: TestNode = nodes("--db", pg_database)
    b: TestNode = nodes()
    mined_a = a.mine(3)
    mined_b = b.mine(5)
    a.restart()
    assert a.tip() == mined_a[-1]
    b.send_blocks_to(a, mined_b)
    assert (a.height(), a.tip()) == (5, mined_b[-1])
    assert {t["hash"]: t["status"] for t in a.api("GET", "/tips")}[mined_a[-1]] == "valid-fork"
    a.restart()
    assert a.tip() == mined_b[-1]
    assert a.stop() == 0
    verify = subprocess.run(
        [str(EXE), "chain", "verify", "--network", "regtest", "--db", pg_database],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith("ok: 5 blocks")
