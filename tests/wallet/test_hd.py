"""BIP-32 private derivation against the BIP's published test vectors 1, 2 and 3."""

from hashlib import sha256

import pytest

from pocketchain.consensus.keys import pubkey_from_secret
from pocketchain.wallet import hd
from pocketchain.wallet.hd import (
    HARDENED,
    ExtendedKey,
    derive_child,
    derive_path,
    master_key,
    parse_path,
)
from pocketchain.wallet.mnemonic import mnemonic_to_seed

ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141  # secp256k1 n
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def decode_xprv(text: str) -> ExtendedKey:
    """The key and chain code of a base58check extended private key (78 bytes + 4 of checksum)."""
    number = 0
    for char in text:
        number = number * 58 + BASE58.index(char)
    raw = number.to_bytes(82, "big")  # an xprv starts with version 0488ade4: no leading zeros
    payload, checksum = raw[:78], raw[78:]
    assert sha256(sha256(payload).digest()).digest()[:4] == checksum
    assert payload[:4] == bytes.fromhex("0488ade4") and payload[45] == 0
    return ExtendedKey(secret=payload[46:78], chain_code=payload[13:45])


SEED_1 = "000102030405060708090a0b0c0d0e0f"
SEED_2 = (
    "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b78"
    "75726f6c696663605d5a5754514e4b484542"
)
SEED_3 = (
    "4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0"
    "d0c64d2e8a1e7d1457df2e5a3c51c73235be"
)
# (seed, path, ext prv) as the BIP lists them; paths use both ' and h for hardened.
VECTORS = [
    (
        SEED_1,
        "m",
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
    ),
    (
        SEED_1,
        "m/0'",
        "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7",
    ),
    (
        SEED_1,
        "m/0'/1",
        "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs",
    ),
    (
        SEED_1,
        "m/0h/1/2h",
        "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM",
    ),
    (
        SEED_1,
        "m/0'/1/2'/2",
        "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334",
    ),
    (
        SEED_1,
        "m/0'/1/2'/2/1000000000",
        "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76",
    ),
    (
        SEED_2,
        "m",
        "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U",
    ),
    (
        SEED_2,
        "m/0",
        "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt",
    ),
    (
        SEED_2,
        "m/0/2147483647'",
        "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9",
    ),
    (
        SEED_2,
        "m/0/2147483647h/1",
        "xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPPdbRCHuWS6T8XA2ECKADdw4Ef",
    ),
    (
        SEED_2,
        "m/0/2147483647'/1/2147483646'",
        "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc",
    ),
    (
        SEED_2,
        "m/0/2147483647'/1/2147483646'/2",
        "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLEcBYJUuekgW4BYPJcr9E7j",
    ),
    (
        SEED_3,
        "m",
        "xprv9s21ZrQH143K25QhxbucbDDuQ4naNntJRi4KUfWT7xo4EKsHt2QJDu7KXp1A3u7Bi1j8ph3EGsZ9Xvz9dGuVrtHHs7pXeTzjuxBrCmmhgC6",
    ),
    (
        SEED_3,
        "m/0'",
        "xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBcBUdJCVVFceUvJFjaPdGZ2y9WACViL4L",
    ),
]


@pytest.mark.parametrize(("seed", "path", "xprv"), VECTORS)
def test_bip32_vectors(seed: str, path: str, xprv: str) -> None:
    assert derive_path(bytes.fromhex(seed), path) == decode_xprv(xprv)


def test_derive_path_is_derive_child_step_by_step() -> None:
    seed = bytes.fromhex(SEED_1)
    key = master_key(seed)
    for index in (HARDENED, 1, HARDENED + 2, 2, 1_000_000_000):
        key = derive_child(key, index)
    assert key == derive_path(seed, "m/0'/1/2'/2/1000000000")


def test_a_bip39_seed_gives_the_published_master_key() -> None:
    """The BIP-39 vector "abandon ... about" with passphrase TREZOR lists its BIP-32 master key."""
    seed = mnemonic_to_seed("abandon " * 11 + "about", "TREZOR")
    expected = "xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF"  # noqa: E501
    assert master_key(seed) == decode_xprv(expected)


def test_derived_secrets_are_valid_keys() -> None:
    key = derive_path(bytes(range(32)), "m/86'/1'/0'/0/5")
    assert len(key.secret) == len(key.chain_code) == 32
    assert len(pubkey_from_secret(key.secret)) == 32


@pytest.mark.parametrize(
    ("path", "indexes"),
    [
        ("m", []),
        ("m/0", [0]),
        ("m/86'/1'/0'/0/5", [86 + HARDENED, 1 + HARDENED, HARDENED, 0, 5]),
        ("m/86h/1h/0h/1/0", [86 + HARDENED, 1 + HARDENED, HARDENED, 1, 0]),
        ("m/2147483647'/2147483647", [2**32 - 1, HARDENED - 1]),
    ],
)
def test_parse_path(path: str, indexes: list[int]) -> None:
    assert parse_path(path) == indexes


@pytest.mark.parametrize(
    "path",
    ["", "/", "M", "0", "86'/0'", "m/", "m//0", "m/0/", "m/-1", "m/+1", "m/x", "m/0''", "m/0'h",
     "m/ 1", "m/1 ", "m/2147483648", "m/2147483648'", "m/0x10", "m/1/m"],
)  # fmt: skip
def test_parse_path_refuses_a_malformed_path(path: str) -> None:
    with pytest.raises(ValueError):
        parse_path(path)


@pytest.mark.parametrize("index", [-1, 2**32])
def test_derive_child_refuses_an_index_out_of_range(index: int) -> None:
    with pytest.raises(ValueError, match="child index"):
        derive_child(master_key(bytes(16)), index)


@pytest.mark.parametrize("size", [0, 15, 65])
def test_master_key_refuses_a_seed_of_the_wrong_size(size: int) -> None:
    with pytest.raises(ValueError, match="seed"):
        master_key(bytes(size))


@pytest.mark.parametrize("left", [bytes(32), ORDER.to_bytes(32, "big"), bytes([0xFF]) * 32])
def test_an_invalid_master_key_is_refused(monkeypatch: pytest.MonkeyPatch, left: bytes) -> None:
    monkeypatch.setattr(hd, "_hmac_halves", lambda key, data: (left, bytes(32)))
    with pytest.raises(ValueError, match="invalid master key"):
        master_key(bytes(32))


@pytest.mark.parametrize("index", [5, HARDENED + 5])
@pytest.mark.parametrize("invalid", ["tweak-not-below-n", "child-is-zero"])
def test_an_invalid_child_skips_to_the_next_index(
    monkeypatch: pytest.MonkeyPatch, index: int, invalid: str
) -> None:
    """BIP-32: if IL >= n or the child key is 0, proceed with the next index."""
    parent = master_key(bytes.fromhex(SEED_1))
    expected = derive_child(parent, index + 1)
    real = hd._hmac_halves
    k = int.from_bytes(parent.secret, "big")
    bad_tweak = ORDER if invalid == "tweak-not-below-n" else ORDER - k

    def first_child_invalid(key: bytes, data: bytes) -> tuple[bytes, bytes]:
        left, right = real(key, data)
        if int.from_bytes(data[-4:], "big") == index:
            return bad_tweak.to_bytes(32, "big"), right
        return left, right

    monkeypatch.setattr(hd, "_hmac_halves", first_child_invalid)
    assert derive_child(parent, index) == expected
