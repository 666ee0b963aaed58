"""Bech32 / Bech32m: the BIP-173 and BIP-350 test vectors, error detection, and round trips."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.consensus.bech32 import Encoding, convertbits, decode, encode

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

# BIP-173 "The following strings are valid Bech32".
VALID_BECH32 = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]

# BIP-350 "The following strings are valid Bech32m".
VALID_BECH32M = [
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
]

# Each expected message fragment below is matched against the ValueError raised.
OUT_OF_RANGE = "US-ASCII characters 33 to 126"
TOO_LONG = "longer than 90 characters"
NO_SEPARATOR = "no '1' separator"
EMPTY_HRP = "human-readable part before the '1' separator is empty"
BAD_CHAR = "not a Bech32 character"
SHORT_CHECKSUM = "checksum is shorter than 6 characters"
BAD_CHECKSUM = "matches neither Bech32 nor Bech32m"
MIXED_CASE = "mixes upper and lower case"

# BIP-350 "The following string are not valid Bech32m (with reason for invalidity)".
INVALID_BECH32M = [
    pytest.param(chr(0x20) + "1xj0phk", OUT_OF_RANGE, id="HRP character out of range (0x20)"),
    pytest.param(chr(0x7F) + "1g6xzxy", OUT_OF_RANGE, id="HRP character out of range (0x7F)"),
    pytest.param(chr(0x80) + "1vctc34", OUT_OF_RANGE, id="HRP character out of range (0x80)"),
    pytest.param(
        "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
        TOO_LONG,
        id="overall max length exceeded",
    ),
    pytest.param("qyrz8wqd2c9m", NO_SEPARATOR, id="No separator character"),
    pytest.param("1qyrz8wqd2c9m", EMPTY_HRP, id="Empty HRP"),
    pytest.param("y1b0jsk6g", BAD_CHAR, id="Invalid data character (b)"),
    pytest.param("lt1igcx5c0", BAD_CHAR, id="Invalid data character (i)"),
    pytest.param("in1muywd", SHORT_CHECKSUM, id="Too short checksum"),
    pytest.param("mm1crxm3i", BAD_CHAR, id="Invalid character in checksum (i)"),
    pytest.param("au1s5cgom", BAD_CHAR, id="Invalid character in checksum (o)"),
    pytest.param("M1VUXWEZ", BAD_CHECKSUM, id="checksum calculated with uppercase form of HRP"),
    pytest.param("16plkw9", EMPTY_HRP, id="empty HRP (16plkw9)"),
    pytest.param("1p2gdwpf", EMPTY_HRP, id="empty HRP (1p2gdwpf)"),
]

# BIP-173 "The following string are not valid Bech32 (with reason for invalidity)".
INVALID_BECH32 = [
    pytest.param(chr(0x20) + "1nwldj5", OUT_OF_RANGE, id="HRP character out of range (0x20)"),
    pytest.param(chr(0x7F) + "1axkwrx", OUT_OF_RANGE, id="HRP character out of range (0x7F)"),
    pytest.param(chr(0x80) + "1eym55h", OUT_OF_RANGE, id="HRP character out of range (0x80)"),
    pytest.param(
        "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
        TOO_LONG,
        id="overall max length exceeded",
    ),
    pytest.param("pzry9x0s0muk", NO_SEPARATOR, id="No separator character"),
    pytest.param("1pzry9x0s0muk", EMPTY_HRP, id="Empty HRP"),
    pytest.param("x1b4n0q5v", BAD_CHAR, id="Invalid data character"),
    pytest.param("li1dgmt3", SHORT_CHECKSUM, id="Too short checksum"),
    pytest.param("de1lg7wt" + chr(0xFF), OUT_OF_RANGE, id="Invalid character in checksum"),
    pytest.param("A1G7SGD8", BAD_CHECKSUM, id="checksum calculated with uppercase form of HRP"),
    pytest.param("10a06t8", EMPTY_HRP, id="empty HRP (10a06t8)"),
    pytest.param("1qzzfhee", EMPTY_HRP, id="empty HRP (1qzzfhee)"),
]

# BIP-350 valid segwit addresses: (address, witness version, witness program).
SEGWIT_ADDRESSES = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", 0, "751e76e8199196d454941c45d1b3a323f1433bd6"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        0,
        "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
    ),
    (
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        1,
        "751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
    ),
    ("BC1SW50QGDZ25J", 16, "751e"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", 2, "751e76e8199196d454941c45d1b3a323"),
    (
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        0,
        "000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        1,
        "000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        1,
        "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    ),
]

# A 20-byte witness program under our own HRP, as a wallet would write it.
PROGRAM = bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")
ADDRESS = encode("pcrt", [0, *convertbits(PROGRAM, 8, 5, True)], Encoding.BECH32M)


@pytest.mark.parametrize("text", VALID_BECH32)
def test_bip173_valid_strings_decode_as_bech32_and_round_trip(text: str) -> None:
    hrp, data, encoding = decode(text)
    assert encoding is Encoding.BECH32
    assert encode(hrp, data, encoding) == text.lower()


@pytest.mark.parametrize("text", VALID_BECH32M)
def test_bip350_valid_strings_decode_as_bech32m_and_round_trip(text: str) -> None:
    hrp, data, encoding = decode(text)
    assert encoding is Encoding.BECH32M
    assert encode(hrp, data, encoding) == text.lower()


@pytest.mark.parametrize(("text", "message"), INVALID_BECH32M)
def test_bip350_invalid_strings_are_rejected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode(text)


@pytest.mark.parametrize(("text", "message"), INVALID_BECH32)
def test_bip173_invalid_strings_are_rejected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode(text)


@pytest.mark.parametrize(("address", "version", "program"), SEGWIT_ADDRESSES)
def test_bip350_segwit_addresses_give_their_witness_program(
    address: str, version: int, program: str
) -> None:
    _, data, encoding = decode(address)
    assert encoding is (Encoding.BECH32 if version == 0 else Encoding.BECH32M)
    assert data[0] == version
    assert bytes(convertbits(data[1:], 5, 8, False)) == bytes.fromhex(program)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        pytest.param(
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
            "bits of padding",
            id="zero padding of more than 4 bits",
        ),
        pytest.param(
            "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
            "not all zero",
            id="Non-zero padding in 8-to-5 conversion",
        ),
    ],
)
def test_bip350_bad_padding_is_rejected_by_convertbits(address: str, message: str) -> None:
    _, data, _ = decode(address)
    with pytest.raises(ValueError, match=message):
        convertbits(data[1:], 5, 8, False)


def test_address_decodes_to_its_program() -> None:
    hrp, data, encoding = decode(ADDRESS)
    assert (hrp, data[0], encoding) == ("pcrt", 0, Encoding.BECH32M)
    assert bytes(convertbits(data[1:], 5, 8, False)) == PROGRAM


@pytest.mark.parametrize("position", range(len(ADDRESS)))
def test_every_single_character_change_is_detected(position: int) -> None:
    original = ADDRESS[position]
    for char in CHARSET.replace(original, ""):
        with pytest.raises(ValueError):
            decode(ADDRESS[:position] + char + ADDRESS[position + 1 :])
    if original.isalpha():
        with pytest.raises(ValueError, match=MIXED_CASE):
            decode(ADDRESS[:position] + original.upper() + ADDRESS[position + 1 :])


@pytest.mark.parametrize(
    ("hrp", "data", "message"),
    [
        pytest.param("", [], "must not be empty", id="empty HRP"),
        pytest.param("a b", [], "US-ASCII characters 33 to 126", id="space in HRP"),
        pytest.param("a", [32], "fit in 5 bits", id="data value too big"),
        pytest.param("a", [-1], "fit in 5 bits", id="negative data value"),
        pytest.param("a", [0] * 83, "longer than 90 characters", id="too long"),
    ],
)
def test_encode_rejects_what_cannot_be_decoded(hrp: str, data: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encode(hrp, data, Encoding.BECH32M)


def test_encode_writes_lowercase() -> None:
    assert encode("A", [], Encoding.BECH32M) == "a1lqfn3a"


def test_convertbits_rejects_values_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="does not fit in 8 bits"):
        convertbits([256], 8, 5, True)


hrps = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=10)


@given(hrp=hrps, payload=st.binary(max_size=40), encoding=st.sampled_from(Encoding))
def test_encode_decode_round_trip(hrp: str, payload: bytes, encoding: Encoding) -> None:
    data = convertbits(payload, 8, 5, True)
    text = encode(hrp, data, encoding)
    assert decode(text) == (hrp, data, encoding)
    assert decode(text.upper()) == (hrp, data, encoding)


@given(payload=st.binary(max_size=200))
def test_convertbits_8_to_5_to_8_round_trip(payload: bytes) -> None:
    five_bit = convertbits(payload, 8, 5, True)
    assert len(five_bit) == (len(payload) * 8 + 4) // 5
    assert all(0 <= value < 32 for value in five_bit)
    assert convertbits(five_bit, 5, 8, False) == list(payload)
