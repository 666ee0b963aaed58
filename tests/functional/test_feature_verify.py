"""`pocketchain chain verify` on a stopped node: ok on an honest chain, one line naming the first
bad block on a tampered one."""

import json
import sqlite3

from framework import TestNode


def test_verify_names_the_first_bad_block(nodes) -> None:
    node: TestNode = nodes()
    hashes = node.mine(10)
    assert node.stop() == 0
    ok = node.verify()
    assert (ok.returncode, ok.stderr) == (0, "")
    assert ok.stdout.startswith("ok: 10 blocks, 10 transactions, 10 unspent outputs")
    as_json = json.loads(node.verify("--json").stdout)
    assert as_json == {"height": 10, "transactions": 10, "coins": 10, "tip": hashes[-1]}

    db = sqlite3.connect(node.data_dir / "regtest" / "chain.db")
    (raw,) = db.execute(
        "SELECT data FROM blocks WHERE hash = ?", (bytes.fromhex(hashes[6])[::-1],)
    ).fetchone()
    tampered = raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:]  # a coinbase output's key hash
    db.execute("UPDATE blocks SET data = ? WHERE data = ?", (tampered, raw))
    db.commit()
    db.close()
    bad = node.verify()
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert bad.stderr.count("\n") == 1
    assert bad.stderr.startswith(f"error: block 7 ({hashes[6]}) is bad: bad-txnmrklroot")


def test_verify_without_a_chain_is_one_clear_line(tmp_path) -> None:
    node = TestNode(tmp_path / "empty")
    result = node.verify()
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: no regtest chain in {tmp_path / 'empty'}"
