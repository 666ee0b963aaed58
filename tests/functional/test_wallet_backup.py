"""wallet_backup and wallet_txn_doublespend: the mnemonic restores every address and coin, and a
restored copy that spends the same coins elsewhere loses cleanly once the networks meet."""

from pathlib import Path

from framework import connected, sync_all, wait_until
from walletcli import CliWallet

from pocketchain.consensus.tx import COIN


def test_wallet_backup(nodes, tmp_path: Path) -> None:
    node = nodes()
    wallet = CliWallet(tmp_path / "w.json", node)
    first, mnemonic = wallet.create()
    node.mine(101, first)
    given = [wallet.ok("wallet", "address", "--new") for _ in range(3)]
    wallet.send(given[2], "7")  # to the fourth address, change to a change address
    wallet.send(given[0], "3")
    node.mine(1)
    balance = wallet.balance()

    restored = CliWallet(tmp_path / "restored.json", node, passphrase="another passphrase")
    out = restored.run("wallet", "import", "--mnemonic", mnemonic)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == first
    assert restored.addresses() == [first, *given]  # found used on the chain, in order
    assert restored.balance() == balance
    assert [e["txid"] for e in restored.history()] == [e["txid"] for e in wallet.history()]

    # an import without a node still restores the keys; the chain is read when it is back
    node.stop()
    offline = CliWallet(tmp_path / "offline.json", node)
    out = offline.run("wallet", "import", "--mnemonic", mnemonic)
    assert out.returncode == 0 and "not scanned" in out.stderr
    node.start()
    assert offline.balance() == balance


def test_wallet_txn_doublespend(nodes, tmp_path: Path) -> None:
    a, b = nodes("--no-discover"), nodes("--no-discover")  # the partition below holds
    wallet = CliWallet(tmp_path / "w.json", a)
    address, mnemonic = wallet.create()
    a.mine(1, address)
    a.mine(100)  # one spendable coin, so both copies must spend it
    a.connect(b)
    wait_until(lambda: connected(a, b) and connected(b, a), what="A and B to shake hands")
    sync_all([a, b])
    copy = CliWallet(tmp_path / "copy.json", b)
    assert copy.run("wallet", "import", "--mnemonic", mnemonic).returncode == 0

    a.disconnect(b)  # the partition
    b.disconnect(a)
    payee_a, _ = CliWallet(tmp_path / "pa.json", a).create()
    payee_b, _ = CliWallet(tmp_path / "pb.json", b).create()
    lost = wallet.send(payee_a, "10")
    won = copy.send(payee_b, "20")
    a.mine(1)
    b.mine(2)  # more work: b's branch wins

    a.connect(b)
    tip = sync_all([a, b])
    assert b.tip() == tip
    wait_until(lambda: a.api("GET", f"/txs/{won}")["status"] == "confirmed", what="won confirmed")

    balance = wallet.balance()
    fee = b.api("GET", f"/txs/{won}")["fee"]
    assert balance["confirmed"] == 50 * COIN - 20 * COIN - fee
    assert balance == copy.balance()
    history = {e["txid"]: e for e in wallet.history()}
    assert history[lost]["status"] == "conflicted"
    assert history[won]["status"] == "confirmed"
    assert history[won]["direction"] == "sent" and history[won]["counterparty"] == payee_b
