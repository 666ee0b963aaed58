"""The wallet file: one JSON object holding a payload, encrypted with a passphrase.

An encrypted file looks like this (an unencrypted test wallet has `"encrypted": false` and the
payload itself under "payload" instead of kdf, cipher and ciphertext):

    {"format": "pocketchain-wallet", "version": 1, "network": "devnet", "encrypted": true,
     "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "<16 bytes, hex>"},
     "cipher": {"name": "aes-256-gcm", "nonce": "<12 bytes, hex>"}, "ciphertext": "<hex>"}

scrypt turns the passphrase into a 256-bit key; AES-GCM encrypts the payload's JSON and
authenticates it together with the header (every field but the ciphertext, as canonical JSON), so
a wrong passphrase or a changed byte anywhere makes decryption fail. Every save uses a fresh salt
and nonce and replaces the file atomically; the file is readable by its owner only (mode 0600).
"""

import fcntl
import json
import math
import os
import secrets
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .errors import WalletError

FORMAT = "pocketchain-wallet"
VERSION = 1
SCRYPT_N = 2**15  # scrypt's cost: 32 MiB of memory and about 0.1 s per passphrase try
SCRYPT_R = 8
SCRYPT_P = 1
MAX_SCRYPT_COST = 2**21  # the most n * r * p a file may ask for (256 MiB), whatever it says
SALT_SIZE = 16
NONCE_SIZE = 12
KEY_SIZE = 32  # AES-256
LOCK_WAIT = 30.0  # seconds a command waits for another one changing the same wallet


def save_wallet(path: Path, payload: dict[str, Any], network: str, passphrase: str | None) -> None:
    """Write `payload` (JSON-serializable) to `path`, encrypted unless `passphrase` is None."""
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "network": network,
        "encrypted": passphrase is not None,
    }
    if passphrase is None:
        document = {**header, "payload": payload}
    else:
        document = _seal(header, payload, passphrase)
    data = json.dumps(document, indent=2, allow_nan=False).encode() + b"\n"
    try:
        _write_atomically(path, data)
    except OSError as exc:
        raise WalletError(f"cannot write the wallet {path}: {exc.strerror or exc}") from exc


@contextmanager
def wallet_lock(path: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the wallet's lock (the file `path` + ".lock" beside it, locked with flock) between
    reading the wallet and saving it: two commands that change one wallet run one after the
    other, so neither saves over what the other recorded (Core: the wallet directory's .lock).
    Raises WalletError when another process still holds it after `wait` seconds."""
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WalletError(
                        f"another command is changing {path}; try again once it has finished"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def wallet_exists(path: Path) -> bool:
    """Whether anything is at `path` (a wallet or not: creating a wallet must not overwrite it)."""
    return path.exists()


def wallet_network(path: Path) -> str:
    """The network the wallet at `path` is of; WalletError if no wallet is there."""
    network: str = _read_document(path)["network"]
    return network


def is_encrypted(path: Path) -> bool:
    """Whether the wallet at `path` needs a passphrase; WalletError if no wallet is there."""
    encrypted: bool = _read_document(path)["encrypted"]
    return encrypted


def load_wallet(path: Path, passphrase: str | None, network: str) -> dict[str, Any]:
    """The payload of the `network` wallet at `path`; WalletError, in one line, for anything wrong.

    A passphrase given for an unencrypted wallet is an error: the file may have been swapped for
    one without encryption, whose keys someone else knows.
    """
    document = _read_document(path)
    if document["network"] != network:
        raise WalletError(f"{path} is a {document['network']} wallet, not {network}")
    if not document["encrypted"]:
        payload = document.get("payload")
    elif passphrase is None:
        raise WalletError(f"{path} is encrypted and no passphrase was given")
    else:
        try:
            payload = json.loads(_unseal(document, passphrase))
        except InvalidTag:  # a wrong passphrase, or any byte of the file changed
            raise WalletError(f"wrong passphrase for {path}") from None
        except (KeyError, TypeError, ValueError):
            raise WalletError(f"{path} is damaged: its encryption fields are malformed") from None
    if not isinstance(payload, dict):
        raise WalletError(f"{path} is damaged: it holds no payload object")
    if not document["encrypted"] and passphrase is not None:
        raise WalletError(
            f"{path} is not encrypted, yet a passphrase was given: the file may have been"
            " replaced; it was not used (without the passphrase it would be)"
        )
    return payload


def _read_document(path: Path) -> dict[str, Any]:
    """The JSON object of a wallet file whose format, version, network and encrypted flag are
    valid; WalletError otherwise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise WalletError(
            f"no wallet at {path}; create one with `pocketchain wallet create`"
        ) from None
    except OSError as exc:
        raise WalletError(f"cannot read the wallet {path}: {exc.strerror or exc}") from None
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):  # not UTF-8 or not JSON, or nested absurdly deep
        document = None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise WalletError(f"{path} is not a pocketchain wallet")
    if document.get("version") != VERSION:
        raise WalletError(
            f"{path} is a version {document.get('version')!r} wallet; "
            f"this pocketchain reads version {VERSION}"
        )
    if not isinstance(document.get("network"), str) or not isinstance(
        document.get("encrypted"), bool
    ):
        raise WalletError(f"{path} is damaged: its network or encrypted field is missing")
    return document


def _seal(header: dict[str, Any], payload: dict[str, Any], passphrase: str) -> dict[str, Any]:
    """The encrypted document: the header with kdf and cipher fields, and the ciphertext."""
    salt, nonce = os.urandom(SALT_SIZE), os.urandom(NONCE_SIZE)
    sealed = {
        **header,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex()},
        "cipher": {"name": "aes-256-gcm", "nonce": nonce.hex()},
    }
    key = _derive_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    plaintext = json.dumps(payload, allow_nan=False).encode()
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _canonical(sealed))
    return {**sealed, "ciphertext": ciphertext.hex()}


def _unseal(document: dict[str, Any], passphrase: str) -> bytes:
    """The plaintext of an encrypted document.

    InvalidTag if the passphrase, the header or the ciphertext is wrong; KeyError, TypeError or
    ValueError if a field is missing or malformed.
    """
    kdf, cipher = document["kdf"], document["cipher"]
    if kdf["name"] != "scrypt" or cipher["name"] != "aes-256-gcm":
        raise ValueError("unknown key derivation or cipher")
    cost = (kdf["n"], kdf["r"], kdf["p"])
    if not all(type(value) is int and value > 0 for value in cost):
        raise ValueError("scrypt parameters must be positive integers")
    if math.prod(cost) > MAX_SCRYPT_COST:
        raise ValueError("scrypt parameters out of range")
    key = _derive_key(passphrase, bytes.fromhex(kdf["salt"]), *cost)
    header = {name: value for name, value in document.items() if name != "ciphertext"}
    nonce, ciphertext = bytes.fromhex(cipher["nonce"]), bytes.fromhex(document["ciphertext"])
    plaintext: bytes = AESGCM(key).decrypt(nonce, ciphertext, _canonical(header))
    return plaintext


def _derive_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """The AES key of a passphrase, NFKD-normalized so that é typed either way gives one key."""
    secret = unicodedata.normalize("NFKD", passphrase).encode()
    return Scrypt(salt=salt, length=KEY_SIZE, n=n, r=r, p=p).derive(secret)


def _canonical(header: dict[str, Any]) -> bytes:
    """The header as AES-GCM's associated data: one byte string for one header."""
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` by a file of `data` with mode 0600: a crash leaves the old file or the new.

    The new file is written beside the old one, synced, renamed over it, and the rename synced.
    """
    directory = path.parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = directory / f".{path.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with open(fd, "wb") as file:
            os.fchmod(file.fileno(), 0o600)  # exactly 0600, whatever the umask
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_fd)
    finally:
        os.close(directory_fd)
