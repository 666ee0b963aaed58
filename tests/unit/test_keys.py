"""Keys, BIP-340 signatures and bech32m addresses with a network prefix."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.consensus import bech32
from pocketchain.consensus.errors import RejectError
from pocketchain.consensus.keys import (
    decode_address,
    encode_address,
    key_hash,
    pubkey_from_secret,
    sign,
    verify,
)
from pocketchain.consensus.params import DEVNET, MAIN, REGTEST

SECRET = bytes(31) + b"\x03"
DIGEST = bytes(range(32))

# BIP-340 test vector 0: secret key 3, all-zero message and aux randomness
BIP340_PUBKEY = "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"
BIP340_SIG = (
    "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca8215"
    "25f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0"
)


def test_bip340_vector_0() -> None:
    assert pubkey_from_secret(SECRET).hex() == BIP340_PUBKEY
    assert sign(SECRET, bytes(32), bytes(32)).hex() == BIP340_SIG
    assert verify(bytes.fromhex(BIP340_PUBKEY), bytes.fromhex(BIP340_SIG), bytes(32))


def test_signature_verifies_only_for_its_key_and_digest() -> None:
    pubkey = pubkey_from_secret(SECRET)
    sig = sign(SECRET, DIGEST)
    assert verify(pubkey, sig, DIGEST)
    assert not verify(pubkey, sig, bytes(32))
    assert not verify(pubkey_from_secret(bytes(31) + b"\x04"), sig, DIGEST)


@pytest.mark.parametrize(
    ("pubkey", "sig"),
    [(b"", b""), (bytes(33), bytes(64)), (bytes(32), bytes(64)), (b"\xff" * 32, bytes(64))],
    ids=["empty", "33-byte key", "zero key", "not on curve"],
)
def test_malformed_keys_never_raise(pubkey: bytes, sig: bytes) -> None:
    assert verify(pubkey, sig, DIGEST) is False


@pytest.mark.parametrize("params", [REGTEST, DEVNET, MAIN], ids=lambda p: p.name)
def test_address_round_trip_and_prefix(params) -> None:
    kh = key_hash(pubkey_from_secret(SECRET))
    address = encode_address(params.hrp, kh)
    assert address.startswith(params.hrp + "1q")
    assert decode_address(params.hrp, address) == kh
    assert decode_address(params.hrp, address.upper()) == kh


@given(st.binary(min_size=20, max_size=20))
def test_any_key_hash_round_trips(kh: bytes) -> None:
    assert decode_address("pc", encode_address("pc", kh)) == kh


def test_address_of_another_network_is_refused() -> None:
    address = encode_address(MAIN.hrp, bytes(20))
    with pytest.raises(RejectError, match="another network") as err:
        decode_address(REGTEST.hrp, address)
    assert err.value.code == "bad-address"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("", "not a valid address"),
        ("pcrt1qqqqqqqq", "not a valid address"),
        (bech32.encode("pcrt", [0] * 33, bech32.Encoding.BECH32), "bech32m"),
        (
            bech32.encode(
                "pcrt", [1, *bech32.convertbits(bytes(20), 8, 5, True)], bech32.Encoding.BECH32M
            ),
            "version",
        ),
        (
            bech32.encode(
                "pcrt", [0, *bech32.convertbits(bytes(32), 8, 5, True)], bech32.Encoding.BECH32M
            ),
            "length",
        ),
        (bech32.encode("pcrt", [], bech32.Encoding.BECH32M), "not a valid address"),
    ],
    ids=["empty", "bad checksum", "bech32 checksum", "version 1", "32-byte program", "no data"],
)
def test_bad_addresses_are_refused_with_a_reason(address: str, reason: str) -> None:
    with pytest.raises(RejectError, match=reason) as err:
        decode_address("pcrt", address)
    assert err.value.code == "bad-address"


def test_a_one_character_typo_is_always_detected() -> None:
    address = encode_address(REGTEST.hrp, key_hash(pubkey_from_secret(SECRET)))
    for pos in range(len(REGTEST.hrp) + 1, len(address)):
        for ch in bech32.CHARSET:
            if ch != address[pos]:
                with pytest.raises(RejectError):
                    decode_address(REGTEST.hrp, address[:pos] + ch + address[pos + 1 :])
