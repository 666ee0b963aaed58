"""The wallet file: encryption round trips, tampering, damaged files, atomic writes, modes."""

import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pocketchain.wallet import keystore
from pocketchain.wallet.errors import WalletError
from pocketchain.wallet.keystore import (
    is_encrypted,
    load_wallet,
    save_wallet,
    wallet_exists,
    wallet_lock,
)

PAYLOAD: dict[str, Any] = {"mnemonic": "abandon " * 11 + "about", "accounts": [{"next": 3}]}
PASSPHRASE = "correct horse battery staple"
REAL_SCRYPT_N = keystore.SCRYPT_N


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cheap scrypt for most tests; test_the_real_scrypt_parameters_round_trip restores it."""
    monkeypatch.setattr(keystore, "SCRYPT_N", 2**10)


@pytest.fixture
def wallet(tmp_path: Path) -> Path:
    return tmp_path / "regtest" / "wallet.json"


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def read_json(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def write_json(path: Path, document: object) -> None:
    path.write_text(json.dumps(document))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def refused(path: Path, network: str = "regtest", passphrase: str | None = PASSPHRASE) -> str:
    """The one-line message load_wallet refuses `path` with."""
    with pytest.raises(WalletError) as excinfo:
        load_wallet(path, passphrase, network)
    message = str(excinfo.value)
    assert message and "\n" not in message
    return message


def test_an_encrypted_wallet_round_trips(wallet: Path) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", PASSPHRASE)
    assert load_wallet(wallet, PASSPHRASE, "regtest") == PAYLOAD
    assert wallet_exists(wallet) and is_encrypted(wallet)
    document = read_json(wallet)
    assert document.keys() == {
        "format", "version", "network", "encrypted", "kdf", "cipher", "ciphertext"
    }  # fmt: skip
    assert document["format"] == "pocketchain-wallet"
    assert (document["version"], document["network"], document["encrypted"]) == (1, "regtest", True)
    assert document["kdf"].keys() == {"name", "n", "r", "p", "salt"}
    assert document["kdf"]["name"] == "scrypt" and len(bytes.fromhex(document["kdf"]["salt"])) == 16
    assert document["cipher"]["name"] == "aes-256-gcm"
    assert len(bytes.fromhex(document["cipher"]["nonce"])) == 12
    assert "abandon" not in wallet.read_text()


def test_the_real_scrypt_parameters_round_trip(
    monkeypatch: pytest.MonkeyPatch, wallet: Path
) -> None:
    monkeypatch.setattr(keystore, "SCRYPT_N", REAL_SCRYPT_N)
    save_wallet(wallet, PAYLOAD, "devnet", PASSPHRASE)
    kdf = read_json(wallet)["kdf"]
    assert (kdf["n"], kdf["r"], kdf["p"]) == (32768, 8, 1)
    assert load_wallet(wallet, PASSPHRASE, "devnet") == PAYLOAD
    assert "wrong passphrase" in refused(wallet, "devnet", PASSPHRASE + "!")


def test_an_unencrypted_wallet_round_trips(wallet: Path) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", None)
    assert read_json(wallet) == {
        "format": "pocketchain-wallet",
        "version": 1,
        "network": "regtest",
        "encrypted": False,
        "payload": PAYLOAD,
    }
    assert not is_encrypted(wallet)
    assert load_wallet(wallet, None, "regtest") == PAYLOAD


def test_a_passphrase_for_an_unencrypted_wallet_is_refused(wallet: Path) -> None:
    """An encrypted wallet swapped for an unencrypted one is not used without a word."""
    save_wallet(wallet, PAYLOAD, "regtest", PASSPHRASE)
    save_wallet(wallet, {"seed": "the attacker's"}, "regtest", None)
    with pytest.raises(WalletError, match="not encrypted, yet a passphrase was given"):
        load_wallet(wallet, PASSPHRASE, "regtest")


def test_every_save_uses_a_fresh_salt_and_nonce(wallet: Path) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", PASSPHRASE)
    first = read_json(wallet)
    save_wallet(wallet, PAYLOAD, "regtest", PASSPHRASE)
    second = read_json(wallet)
    assert first["kdf"]["salt"] != second["kdf"]["salt"]
    assert first["cipher"]["nonce"] != second["cipher"]["nonce"]
    assert first["ciphertext"] != second["ciphertext"]


def test_a_decomposed_passphrase_opens_a_wallet_saved_with_a_composed_one(wallet: Path) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", "caf\u00e9")
    assert load_wallet(wallet, "cafe\u0301", "regtest") == PAYLOAD


@pytest.mark.usefixtures("permissive_umask")
@pytest.mark.parametrize("passphrase", [PASSPHRASE, None])
def test_the_file_is_0600_on_create_and_on_overwrite(wallet: Path, passphrase: str | None) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", passphrase)
    assert mode(wallet) == 0o600
    assert mode(wallet.parent) == 0o700
    wallet.chmod(0o644)
    save_wallet(wallet, {"other": 1}, "regtest", passphrase)
    assert mode(wallet) == 0o600
    assert load_wallet(wallet, passphrase, "regtest") == {"other": 1}


def test_an_existing_directory_is_left_as_it_is(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    save_wallet(tmp_path / "wallet.json", PAYLOAD, "regtest", None)
    assert mode(tmp_path) == 0o755


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    monkeypatch: pytest.MonkeyPatch, wallet: Path
) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", PASSPHRASE)
    before = wallet.read_bytes()

    def disk_full(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(WalletError, match=r"cannot write the wallet .*: No space left on device"):
        save_wallet(wallet, {"new": True}, "regtest", PASSPHRASE)
    assert wallet.read_bytes() == before
    assert [path.name for path in wallet.parent.iterdir()] == ["wallet.json"]
    assert load_wallet(wallet, PASSPHRASE, "regtest") == PAYLOAD


def test_the_lock_lets_one_holder_in_at_a_time(wallet: Path) -> None:
    with (
        wallet_lock(wallet),
        pytest.raises(WalletError, match=r"another command is changing .*wallet\.json"),
        wallet_lock(wallet, wait=0.2),  # another open file: as another process would
    ):
        pass  # pragma: no cover
    with wallet_lock(wallet, wait=0.2):  # released when the holder's block ends
        assert not wallet.exists()  # the lock is a file of its own, beside the wallet
    assert wallet.with_name(wallet.name + ".lock").exists()


def test_wrong_passphrase(wallet: Path) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", PASSPHRASE)
    assert refused(wallet, passphrase="Correct horse battery staple") == (
        f"wrong passphrase for {wallet}"
    )
    assert refused(wallet, passphrase="") == f"wrong passphrase for {wallet}"


def test_an_encrypted_wallet_needs_a_passphrase(wallet: Path) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", PASSPHRASE)
    assert refused(wallet, passphrase=None) == f"{wallet} is encrypted and no passphrase was given"


@pytest.mark.parametrize("passphrase", [PASSPHRASE, None])
def test_a_wallet_of_another_network_is_refused(wallet: Path, passphrase: str | None) -> None:
    save_wallet(wallet, PAYLOAD, "devnet", passphrase)
    assert refused(wallet, "regtest", passphrase) == f"{wallet} is a devnet wallet, not regtest"


def test_no_wallet_there(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.json"
    assert not wallet_exists(missing)
    expected = f"no wallet at {missing}; create one with `pocketchain wallet create`"
    assert refused(missing) == expected
    with pytest.raises(WalletError, match=r"^no wallet at"):
        is_encrypted(missing)


def test_a_directory_is_not_a_wallet(tmp_path: Path) -> None:
    assert wallet_exists(tmp_path)
    assert refused(tmp_path).startswith(f"cannot read the wallet {tmp_path}")


def tamper_network(document: dict[str, Any]) -> None:
    document["network"] = "devnet"


def tamper_kdf_n(document: dict[str, Any]) -> None:
    document["kdf"]["n"] *= 2


def tamper_salt(document: dict[str, Any]) -> None:
    document["kdf"]["salt"] = "00" * 16


def tamper_nonce(document: dict[str, Any]) -> None:
    document["cipher"]["nonce"] = "00" * 12


def add_a_field(document: dict[str, Any]) -> None:
    document["note"] = "added later"


def flip_a_ciphertext_bit(document: dict[str, Any]) -> None:
    ciphertext = bytearray.fromhex(document["ciphertext"])
    ciphertext[0] ^= 1
    document["ciphertext"] = ciphertext.hex()


def truncate_the_ciphertext(document: dict[str, Any]) -> None:
    document["ciphertext"] = document["ciphertext"][:-2]


@pytest.mark.parametrize(
    "tamper",
    [
        tamper_network,
        tamper_kdf_n,
        tamper_salt,
        tamper_nonce,
        add_a_field,
        flip_a_ciphertext_bit,
        truncate_the_ciphertext,
    ],
)
def test_a_tampered_wallet_does_not_decrypt(
    wallet: Path, tamper: Callable[[dict[str, Any]], None]
) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", PASSPHRASE)
    document = read_json(wallet)
    tamper(document)
    write_json(wallet, document)
    assert refused(wallet, document["network"]) == f"wrong passphrase for {wallet}"


def encrypted_document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": "pocketchain-wallet",
        "version": 1,
        "network": "regtest",
        "encrypted": True,
        "kdf": {"name": "scrypt", "n": 1024, "r": 8, "p": 1, "salt": "00" * 16},
        "cipher": {"name": "aes-256-gcm", "nonce": "00" * 12},
        "ciphertext": "00" * 40,
    }
    for name, value in changes.items():
        document[name] = value
    return document


def kdf(**changes: Any) -> dict[str, Any]:
    return {"name": "scrypt", "n": 1024, "r": 8, "p": 1, "salt": "00" * 16, **changes}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is not a pocketchain wallet"),
        (b"garbage", "is not a pocketchain wallet"),
        (b"\xff\xfe\x00garbage", "is not a pocketchain wallet"),
        (b"[" * 100_000, "is not a pocketchain wallet"),
        (b"[1, 2]", "is not a pocketchain wallet"),
        (b'{"format": "other-wallet", "version": 1}', "is not a pocketchain wallet"),
        (b'{"format": "pocketchain-wallet", "version": 2}', "is a version 2 wallet"),
        (b'{"format": "pocketchain-wallet"}', "reads version 1"),
        (json.dumps(encrypted_document(network=None)).encode(), "is damaged"),
        (json.dumps(encrypted_document(encrypted="yes")).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf=None)).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf="scrypt")).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf=kdf(name="argon2"))).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf=kdf(n=2**40))).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf=kdf(n=-1024))).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf=kdf(n=1000))).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf=kdf(n="1024"))).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf=kdf(r=0))).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf=kdf(salt="xyz"))).encode(), "is damaged"),
        (json.dumps(encrypted_document(kdf=kdf(salt=7))).encode(), "is damaged"),
        (json.dumps(encrypted_document(cipher={"name": "rot13"})).encode(), "is damaged"),
        (json.dumps(encrypted_document(cipher=[])).encode(), "is damaged"),
        (json.dumps(encrypted_document(ciphertext="0")).encode(), "is damaged"),
        (json.dumps(encrypted_document(ciphertext=None)).encode(), "is damaged"),
        (json.dumps(encrypted_document(ciphertext="00" * 40)).encode(), "wrong passphrase"),
        (json.dumps(encrypted_document(encrypted=False)).encode(), "is damaged"),
        (json.dumps(encrypted_document(encrypted=False, payload=[1])).encode(), "is damaged"),
    ],
)
def test_a_damaged_file_gives_a_one_line_wallet_error(
    wallet: Path, content: bytes, message: str
) -> None:
    wallet.parent.mkdir()
    wallet.write_bytes(content)
    assert message in refused(wallet)


@pytest.mark.parametrize("passphrase", [PASSPHRASE, None])
def test_a_truncated_wallet_gives_a_wallet_error(wallet: Path, passphrase: str | None) -> None:
    save_wallet(wallet, PAYLOAD, "regtest", passphrase)
    content = wallet.read_bytes()
    for size in (0, 1, len(content) // 2, len(content) - 3):
        wallet.write_bytes(content[:size])
        refused(wallet, passphrase=passphrase)


def test_is_encrypted_refuses_a_file_that_is_not_a_wallet(wallet: Path) -> None:
    wallet.parent.mkdir()
    wallet.write_text('{"hello": "world"}')
    with pytest.raises(WalletError, match="is not a pocketchain wallet"):
        is_encrypted(wallet)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=16,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=st.dictionaries(st.text(), JSON_VALUES, max_size=6),
    passphrase=st.none() | st.text(max_size=20),
)
def test_any_json_payload_round_trips(
    wallet: Path, payload: dict[str, Any], passphrase: str | None
) -> None:
    save_wallet(wallet, payload, "regtest", passphrase)
    assert load_wallet(wallet, passphrase, "regtest") == payload
    assert is_encrypted(wallet) == (passphrase is not None)
