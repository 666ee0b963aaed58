"""wallet_basic, wallet_self_send and wallet_concurrent_commands: receive, send with change,
history and balance across confirmations, with the `pocketchain wallet` commands against a real
node."""

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from walletcli import CliWallet

from pocketchain.consensus.tx import COIN


def test_wallet_basic(nodes, tmp_path: Path) -> None:
    node = nodes()
    alice = CliWallet(tmp_path / "alice.json", node)
    bob = CliWallet(tmp_path / "bob.json", node)
    alice_address, _ = alice.create()
    bob_address, _ = bob.create()
    assert alice_address.startswith("pcrt1") and bob_address != alice_address
    assert stat.S_IMODE(alice.path.stat().st_mode) == 0o600

    node.mine(1, alice_address)
    assert alice.balance() | {"unit": None} == {
        "confirmed": 0,
        "unconfirmed": 0,
        "immature": 50 * COIN,  # a coinbase matures after 100 blocks
        "total": 50 * COIN,
        "unit": None,
    }
    node.mine(100)
    assert alice.balance()["confirmed"] == 50 * COIN

    txid = alice.send(bob_address, "12.5")
    tx = node.api("GET", f"/txs/{txid}")
    assert tx["status"] == "mempool"
    fee = tx["fee"]
    assert fee == tx["size"] * 1  # the minimum fee rate of an empty mempool, no more
    paid = {o["address"]: o["amount"] for o in tx["outputs"]}
    change_address = next(a for a in paid if a != bob_address)
    assert paid == {bob_address: 1_250_000_000, change_address: 50 * COIN - 1_250_000_000 - fee}
    assert change_address not in alice.addresses()  # change goes to a change address

    after_send = alice.balance()
    assert after_send["confirmed"] == 0  # the one coin is spent in the mempool
    assert after_send["unconfirmed"] == 50 * COIN - 1_250_000_000 - fee
    assert bob.balance()["unconfirmed"] == 1_250_000_000

    # a second payment before any block: the unconfirmed change pays for it
    second = alice.send(bob_address, "1")
    assert node.api("GET", f"/txs/{second}")["inputs"][0]["txid"] == txid

    node.mine(1)
    assert bob.balance() | {"unit": None} == {
        "confirmed": 1_350_000_000,
        "unconfirmed": 0,
        "immature": 0,
        "total": 1_350_000_000,
        "unit": None,
    }
    second_fee = node.api("GET", f"/txs/{second}")["fee"]
    assert alice.balance()["confirmed"] == 50 * COIN - 1_350_000_000 - fee - second_fee

    history = alice.history()
    assert [(e["txid"], e["direction"], e["confirmations"]) for e in history[:2]] == [
        (second, "sent", 1),
        (txid, "sent", 1),
    ]
    assert history[0]["counterparty"] == bob_address
    assert history[0]["amount"] == -(COIN + second_fee)
    assert history[-1]["direction"] == "mined" and history[-1]["confirmations"] == 102
    received = bob.history()
    assert [e["direction"] for e in received] == ["received", "received"]
    assert received[1]["counterparty"] == alice_address  # the payer: the key of its first input
    assert {e["amount"] for e in received} == {1_250_000_000, COIN}

    assert "sent" in alice.ok("wallet", "history")  # the table for people
    assert "PCRT" in alice.ok("wallet", "balance")


def test_wallet_self_send(nodes, tmp_path: Path) -> None:
    node = nodes()
    wallet = CliWallet(tmp_path / "w.json", node)
    address, _ = wallet.create()
    node.mine(101, address)  # the coinbases of blocks 1 and 2 are spendable in block 102
    own = wallet.ok("wallet", "address", "--new")
    assert own != address and wallet.addresses() == [address, own]
    before = wallet.balance()
    assert before["confirmed"] == 100 * COIN
    txid = wallet.send(own, "20")
    fee = node.api("GET", f"/txs/{txid}")["fee"]
    assert wallet.balance()["total"] == before["total"] - fee  # not doubled by paying itself
    node.mine(1)  # to the node's key; the coinbase of block 3 matures
    after = wallet.balance()
    assert after["total"] == before["total"] - fee
    assert after["confirmed"] == 150 * COIN - fee
    entry = next(e for e in wallet.history() if e["txid"] == txid)
    assert (entry["direction"], entry["amount"], entry["counterparty"]) == ("self", -fee, own)


def test_wallet_concurrent_commands(nodes, tmp_path: Path) -> None:
    """Commands that change one wallet file at the same time take turns (the file's lock):
    each picks coins the one before it did not spend, and each one's record is kept."""
    node = nodes()
    wallet = CliWallet(tmp_path / "w.json", node)
    address, _ = wallet.create()
    node.mine(103, address)  # three coinbases of 50 are spendable, all alike
    bob = CliWallet(tmp_path / "bob.json", node)
    bob_address, _ = bob.create()
    commands = [
        ("wallet", "send", bob_address, "10"),
        ("wallet", "send", bob_address, "20"),
        ("post", "three commands, one wallet"),
        ("wallet", "address", "--new"),
    ]
    with ThreadPoolExecutor(len(commands)) as pool:
        outs = list(pool.map(lambda args: wallet.ok(*args), commands))
    *txids, new_address = outs
    for txid in txids:
        assert node.api("GET", f"/txs/{txid}")["status"] == "mempool"
    assert new_address in wallet.addresses()
    node.mine(1)
    recorded = {e["txid"]: e["direction"] for e in wallet.history()}
    assert [recorded.get(t) for t in txids] == ["sent", "sent", "post"]
    assert bob.balance()["confirmed"] == 30 * COIN
