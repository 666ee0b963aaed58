"""Bech32 and Bech32m strings (BIP-173, BIP-350): a checksummed base32 text format for addresses.

A string is a human-readable part (HRP), the separator "1", then 5-bit data values written with a
32-character alphabet, the last six of which are a BCH checksum over the HRP and the data.
Bech32 and Bech32m differ only in the constant the checksum is xored with.
"""

import enum
from collections.abc import Iterable, Sequence

__all__ = ["CHARSET", "Encoding", "convertbits", "decode", "encode"]

# BIP-173: the data alphabet; a character's index is its 5-bit value.
CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
# BIP-173: the generator of the BCH code, one word per bit of the top 5-bit group.
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_MAX_LENGTH = 90
_CHECKSUM_LENGTH = 6


class Encoding(enum.Enum):
    """Which checksum a string carries; the value is the constant xored into it."""

    BECH32 = 1  # BIP-173
    BECH32M = 0x2BC830A3  # BIP-350


def _polymod(values: Iterable[int]) -> int:
    """The remainder of the values, as a polynomial over GF(32), modulo the generator."""
    remainder = 1
    for value in values:
        top = remainder >> 25
        remainder = (remainder & 0x1FFFFFF) << 5 ^ value
        for bit, word in enumerate(_GENERATOR):
            if top >> bit & 1:
                remainder ^= word
    return remainder


def _hrp_values(hrp: str) -> list[int]:
    # BIP-173: the checksum covers each HRP character's high bits, a zero, then its low 5 bits.
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _has_non_printable_ascii(text: str) -> bool:
    # BIP-173: every character must be US-ASCII in the range 33..126.
    return any(not 33 <= ord(c) <= 126 for c in text)


def encode(hrp: str, data: Sequence[int], encoding: Encoding) -> str:
    """Write `hrp` and the 5-bit `data` values as a lowercase string with an `encoding` checksum."""
    if not hrp:
        raise ValueError("The human-readable part must not be empty.")
    if _has_non_printable_ascii(hrp):
        raise ValueError("The human-readable part may only use US-ASCII characters 33 to 126.")
    if any(not 0 <= value < 32 for value in data):
        raise ValueError("Every data value must fit in 5 bits (0 to 31).")
    hrp = hrp.lower()  # BIP-173: encoders output lowercase, and the checksum uses that form
    remainder = _polymod(_hrp_values(hrp) + list(data) + [0] * _CHECKSUM_LENGTH) ^ encoding.value
    checksum = [remainder >> 5 * (_CHECKSUM_LENGTH - 1 - i) & 31 for i in range(_CHECKSUM_LENGTH)]
    text = hrp + "1" + "".join(CHARSET[value] for value in [*data, *checksum])
    if len(text) > _MAX_LENGTH:  # BIP-173: at most 90 characters
        raise ValueError(f"The encoded string would be longer than {_MAX_LENGTH} characters.")
    return text


def decode(text: str) -> tuple[str, list[int], Encoding]:
    """Split a Bech32 or Bech32m string into its lowercase HRP, data values and checksum kind."""
    if _has_non_printable_ascii(text):
        raise ValueError("The string may only use US-ASCII characters 33 to 126.")
    if len(text) > _MAX_LENGTH:  # BIP-173: at most 90 characters
        raise ValueError(f"The string is longer than {_MAX_LENGTH} characters.")
    # BIP-173: decoders must reject strings that mix upper and lower case.
    if any(c.islower() for c in text) and any(c.isupper() for c in text):
        raise ValueError("The string mixes upper and lower case letters.")
    # BIP-173: the last "1" is the separator, since "1" may also appear in the HRP.
    hrp, separator, data_part = text.lower().rpartition("1")
    if not separator:
        raise ValueError("The string has no '1' separator.")
    if not hrp:
        raise ValueError("The human-readable part before the '1' separator is empty.")
    if len(data_part) < _CHECKSUM_LENGTH:  # BIP-173: the data part ends with a 6-character checksum
        raise ValueError(f"The checksum is shorter than {_CHECKSUM_LENGTH} characters.")
    for char in data_part:
        if char not in CHARSET:
            raise ValueError(f"The data part contains {char!r}, which is not a Bech32 character.")
    values = [CHARSET.index(char) for char in data_part]
    try:
        # BIP-350: the checksum remainder is 1 for Bech32 and 0x2bc830a3 for Bech32m.
        encoding = Encoding(_polymod(_hrp_values(hrp) + values))
    except ValueError:
        raise ValueError("The checksum matches neither Bech32 nor Bech32m.") from None
    return hrp, values[:-_CHECKSUM_LENGTH], encoding


def convertbits(data: Iterable[int], frombits: int, tobits: int, pad: bool) -> list[int]:
    """Regroup `frombits`-bit values into `tobits`-bit values, most significant bit first.

    With `pad`, a last partial group is filled with zero bits. Without it, the leftover bits must
    be fewer than `frombits` and all zero, and are dropped.
    """
    pending = 0  # the bits read but not yet written, as an integer
    pending_bits = 0
    out: list[int] = []
    for value in data:
        if not 0 <= value < 1 << frombits:
            raise ValueError(f"The value {value} does not fit in {frombits} bits.")
        pending = pending << frombits | value
        pending_bits += frombits
        while pending_bits >= tobits:
            pending_bits -= tobits
            out.append(pending >> pending_bits)
            pending &= (1 << pending_bits) - 1
    if pad:
        if pending_bits:
            out.append(pending << (tobits - pending_bits))
    elif pending_bits >= frombits:  # BIP-173: an incomplete last group has at most 4 bits (5 to 8)
        raise ValueError(f"The data ends with {pending_bits} bits of padding, a whole extra group.")
    elif pending:  # BIP-173: padding bits must be zero
        raise ValueError("The padding bits at the end of the data are not all zero.")
    return out
