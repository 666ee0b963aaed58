"""wallet_post: a fresh wallet gets coins from the faucet and posts; the feed shows its author,
and a post cannot be made to look like another address's."""

from pathlib import Path

import pytest
from framework import NodeError
from walletcli import CliWallet

from pocketchain.consensus.hashes import from_display
from pocketchain.consensus.keys import decode_address
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import COIN, OutPoint, Tx, TxIn, TxOut


def test_wallet_post(nodes, tmp_path: Path) -> None:
    node = nodes()
    node.mine(101)  # to the node's own key: the faucet's coins
    author = CliWallet(tmp_path / "author.json", node)
    address, _ = author.create()
    faucet_txid = author.ok("wallet", "faucet")
    assert node.api("GET", f"/txs/{faucet_txid}")["outputs"][0] == {
        "amount": 10 * COIN,
        "address": address,
    }
    assert "insufficient funds" in author.refused("post", "too soon")  # unconfirmed, not ours
    node.mine(1)  # coins from others are spent once confirmed
    text = "hello, chain — ünïcode too"
    txid = author.ok("post", text)

    pending = node.api("GET", "/posts")["posts"][0]
    assert pending == {
        "txid": txid,
        "author": address,
        "content": text,
        "time": pending["time"],
        "height": None,
        "block": None,
    }
    tx = node.api("GET", f"/txs/{txid}")
    assert [o["address"] for o in tx["outputs"]] == [address]  # change back to the author
    assert tx["fee"] == tx["size"]  # the policy fee: the minimum rate, no more
    (block,) = node.mine(1)
    confirmed = node.api("GET", "/posts")["posts"][0]
    assert (confirmed["txid"], confirmed["height"], confirmed["block"]) == (txid, 103, block)
    entry = author.history()[0]
    assert (entry["direction"], entry["text"]) == ("post", text)

    # another post spends the change: the same author again
    second = author.ok("post", "second")
    assert node.api("GET", "/posts")["posts"][0]["author"] == address
    assert node.api("GET", f"/txs/{second}")["inputs"][0]["txid"] == txid


def test_after_a_payment_the_wallet_still_posts_as_its_identity(nodes, tmp_path: Path) -> None:
    """The README's tour: faucet coins, a payment (its change goes to a change address), then a
    post. The post is still signed by the address `wallet create` printed: a transaction first
    moves a coin back to it. `address --all` lists the change address, marked."""
    node = nodes()
    node.mine(101)
    alice = CliWallet(tmp_path / "alice.json", node)
    identity, _ = alice.create()
    bob, _ = CliWallet(tmp_path / "bob.json", node).create()
    alice.ok("wallet", "faucet")
    node.mine(1)
    paid = alice.ok("wallet", "send", bob, "2.5")
    change = next(
        o["address"] for o in node.api("GET", f"/txs/{paid}")["outputs"] if o["address"] != bob
    )
    assert change != identity  # the payment left the identity nothing
    out = alice.run("post", "hello, chain")
    txid = out.stdout.strip()
    assert node.api("GET", "/posts")["posts"][0]["author"] == identity
    move = node.api("GET", f"/txs/{txid}")["inputs"][0]["txid"]
    moved = node.api("GET", f"/txs/{move}")
    assert [o["address"] for o in moved["outputs"]] == [identity]  # the coin moved back to it
    assert out.stderr.strip() == (  # and the user is told, in one line
        f"your address {identity} had no coin left to post with: moved one to it first, in {move}"
    )
    node.mine(1)
    listed = alice.ok("wallet", "address", "--all").splitlines()
    assert listed == [identity, f"{change}  change"]
    assert alice.balance()["confirmed"] == node.api("GET", f"/addresses/{identity}")["balance"]


def test_a_post_cannot_be_forged(nodes, tmp_path: Path) -> None:
    """The author is whoever signed the first input: showing the victim's key without the
    victim's secret fails, on the victim's coin or on one's own."""
    node = nodes()
    node.mine(101)
    victim = CliWallet(tmp_path / "victim.json", node)
    victim_address, _ = victim.create()
    forger = CliWallet(tmp_path / "forger.json", node)
    forger_address, _ = forger.create()
    for address in (victim_address, forger_address):
        node.api("POST", "/faucet", json={"address": address})
    node.mine(1)
    real = tx_of(node, victim.ok("post", "the real words"))
    own = tx_of(node, forger.ok("post", "my own words"))
    node.mine(1)
    victim_coin = next(  # the victim's change: unspent, and paying to the victim's key
        OutPoint(from_display(c["txid"]), c["vout"])
        for c in node.api("GET", f"/addresses/{victim_address}/utxos")
    )
    forger_coin = OutPoint(own.txid, 0)
    victim_key, victim_signature = real.inputs[0].pubkey, real.inputs[0].signature

    def forged(coin: OutPoint) -> Tx:  # the victim's key and a signature of theirs, copied
        return Tx(
            real.version,
            (TxIn(coin, victim_key, victim_signature),),
            (TxOut(COIN, decode_address(REGTEST.hrp, forger_address)),),
            b"words never said",
        )

    for coin, code in ((victim_coin, "bad-signature"), (forger_coin, "bad-pubkey")):
        with pytest.raises(NodeError) as err:
            node.api("POST", "/txs", json={"hex": forged(coin).raw.hex()})
        assert (err.value.status, err.value.code) == (400, code)
    feed = node.api("GET", "/posts")["posts"]
    assert {(p["author"], p["content"]) for p in feed} == {
        (forger_address, "my own words"),
        (victim_address, "the real words"),
    }


def tx_of(node, txid: str) -> Tx:
    return Tx.parse(bytes.fromhex(node.api("GET", f"/txs/{txid}")["hex"]))
