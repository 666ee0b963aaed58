"""wallet_encryption and every refused input of the wallet commands: one `error:` line on stderr,
exit code 1, no traceback, the wallet file unchanged and no transaction sent."""

import json
import re
import stat
from pathlib import Path

import pytest
from framework import TestNode
from walletcli import CliWallet

from pocketchain.consensus.keys import encode_address
from pocketchain.consensus.params import DEVNET

# every word of an encrypted wallet file outside its hex fields (wallet/keystore.py)
HEADER_WORDS = {
    *("format", "pocketchain", "wallet", "version", "network", "regtest", "encrypted", "true"),
    *("kdf", "name", "scrypt", "n", "r", "p", "salt", "cipher", "aes", "gcm", "nonce"),
    "ciphertext",
}


def test_wallet_encryption(nodes, tmp_path: Path) -> None:
    node = nodes()
    wallet = CliWallet(tmp_path / "w.json", node)
    address, mnemonic = wallet.create()
    text = wallet.path.read_text()
    assert stat.S_IMODE(wallet.path.stat().st_mode) == 0o600
    document = json.loads(text)
    assert document["encrypted"] is True and document["kdf"]["name"] == "scrypt"
    # outside the hex fields (where "fee" or "add" can turn up) only the header's own words are
    # readable: no word of the mnemonic ("salt" or "wallet" may be one, as a header word)
    readable = re.sub(r'"[0-9a-f]+"', '""', text)
    assert set(re.findall(r"[a-z]+", readable)) <= HEADER_WORDS
    assert mnemonic not in text and address not in text

    line = wallet.refused("wallet", "address", passphrase="not the passphrase")
    assert "wrong passphrase" in line
    out = wallet.run("wallet", "address", passphrase="")  # none given, and no terminal to ask
    assert out.returncode == 1 and "passphrase" in out.stderr
    assert wallet.path.read_text() == text  # unchanged
    assert wallet.ok("wallet", "address") == address

    plain = CliWallet(tmp_path / "plain.json", node, passphrase=None)
    out = plain.run("wallet", "create", "--no-passphrase")
    assert out.returncode == 0 and "not encrypted" in out.stderr
    document = json.loads(plain.path.read_text())
    assert document["encrypted"] is False
    assert stat.S_IMODE(plain.path.stat().st_mode) == 0o600
    assert plain.ok("wallet", "address") == out.stdout.strip()  # no passphrase asked

    # the encrypted file swapped for an unencrypted one: refused while a passphrase is given
    wallet.path.write_bytes(plain.path.read_bytes())
    line = wallet.refused("wallet", "address")
    assert "not encrypted, yet a passphrase was given" in line
    assert "not encrypted" in wallet.refused("wallet", "send", address, "1")


@pytest.fixture
def funded(nodes, tmp_path: Path) -> tuple[TestNode, CliWallet]:
    node = nodes()
    wallet = CliWallet(tmp_path / "w.json", node)
    address, _ = wallet.create()
    node.mine(101, address)
    return node, wallet


def test_wallet_refuses_bad_input_with_one_line(funded, tmp_path: Path) -> None:
    node, wallet = funded
    payee, _ = CliWallet(tmp_path / "payee.json", node).create()
    before = wallet.path.read_bytes()
    foreign = encode_address(DEVNET.hrp, bytes(20))
    refusals = {
        ("wallet", "send", "pcrt1notanaddress", "1"): "not a valid address",
        ("wallet", "send", foreign, "1"): "another network",
        ("wallet", "send", payee, "0"): "more than zero",
        ("wallet", "send", payee, "-1"): "amount",
        ("wallet", "send", payee, "1.123456789"): "0.00000001",
        ("wallet", "send", payee, "one"): "amount",
        ("wallet", "send", payee, "1e3"): "amount",
        ("wallet", "send", payee, "21000001"): "amount",
        ("wallet", "send", payee, "1", "--fee", "-0.1"): "amount",
        ("wallet", "send", payee, "5000"): "insufficient funds",
        ("post", "x" * 513): "512",
        ("post", "é" * 257): "512",  # 514 bytes of UTF-8
        ("post", "   "): "text",
        ("wallet", "faucet", "0"): "more than zero",
        ("wallet", "faucet", "101"): "bad-amount",  # the node's limit
    }
    for args, expected in refusals.items():
        line = wallet.refused(*args)
        assert expected in line, (args, line)
    assert node.api("GET", "/mempool")["count"] == 0
    assert wallet.path.read_bytes() == before

    line = wallet.refused("wallet", "create")
    assert "already exists" in line
    assert wallet.path.read_bytes() == before

    other = CliWallet(tmp_path / "other.json", node)
    assert "checksum" in other.refused("wallet", "import", "--mnemonic", "abandon " * 12)
    assert "not a BIP-39 word" in other.refused(
        "wallet", "import", "--mnemonic", "abandon " * 11 + "pocketchain"
    )
    assert not other.path.exists()

    assert "no wallet" in CliWallet(tmp_path / "none.json", node).refused("wallet", "balance")

    node.stop()  # the node is gone: one line, the file untouched
    assert "unreachable" in wallet.refused("wallet", "balance")
    assert "unreachable" in wallet.refused("wallet", "send", payee, "1")
    assert wallet.path.read_bytes() == before


def test_wallet_refuses_a_node_of_another_network(tmp_path: Path) -> None:
    node = TestNode(tmp_path / "dev", "devnet")
    node.start()
    try:
        wallet = CliWallet(tmp_path / "w.json", node)
        wallet.create()
        assert "serves 'devnet'" in wallet.refused("wallet", "balance")
    finally:
        node.kill()
