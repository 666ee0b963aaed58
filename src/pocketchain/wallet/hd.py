"""Hierarchical deterministic keys (BIP-32), private derivation only.

A seed gives a master key; each key gives 2**32 children by index. Indexes from HARDENED up are
hardened: derived from the parent's secret, so a leaked child key and the parent's public data never
reveal the parent. A path such as "m/86'/1'/0'/0/5" names a key by the indexes from the master.
"""

import hmac
import re
from typing import NamedTuple

from coincurve import PrivateKey

HARDENED = 0x8000_0000
_ORDER = 0xFFFFFFFF_FFFFFFFF_FFFFFFFF_FFFFFFFE_BAAEDCE6_AF48A03B_BFD25E8C_D0364141  # secp256k1 n
_PATH_STEP = re.compile(r"([0-9]+)(['h]?)")


class ExtendedKey(NamedTuple):
    secret: bytes  # 32-byte private key
    chain_code: bytes  # 32 bytes that, with the key, derive the children


def _hmac_halves(key: bytes, data: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA512 split into its left and right 32 bytes (IL, IR in the BIP)."""
    digest = hmac.digest(key, data, "sha512")
    return digest[:32], digest[32:]


def master_key(seed: bytes) -> ExtendedKey:
    """The master key of a 16- to 64-byte seed; ValueError in the (2**-127) case it is invalid."""
    if not 16 <= len(seed) <= 64:
        raise ValueError(f"a seed has 16 to 64 bytes, not {len(seed)}")
    secret, chain_code = _hmac_halves(b"Bitcoin seed", seed)
    if not 0 < int.from_bytes(secret, "big") < _ORDER:
        raise ValueError("invalid master key; use another seed")
    return ExtendedKey(secret, chain_code)


def derive_child(parent: ExtendedKey, index: int) -> ExtendedKey:
    """The child key at `index` (CKDpriv).

    If that index gives an invalid key (IL >= n, or a zero key: odds about 2**-127), the BIP says
    to proceed with the next index, so this returns the first valid child from `index` on, staying
    on the same side (normal or hardened) of HARDENED.
    """
    if not 0 <= index < 2**32:
        raise ValueError(f"child index {index} is not between 0 and 2**32 - 1")
    hardened = index >= HARDENED
    if hardened:
        prefix = b"\x00" + parent.secret
    else:
        prefix = PrivateKey(parent.secret).public_key.format(compressed=True)
    parent_int = int.from_bytes(parent.secret, "big")
    for child_index in range(index, 2**32 if hardened else HARDENED):
        tweak, chain_code = _hmac_halves(parent.chain_code, prefix + child_index.to_bytes(4, "big"))
        tweak_int = int.from_bytes(tweak, "big")
        child = (tweak_int + parent_int) % _ORDER
        if tweak_int < _ORDER and child != 0:
            return ExtendedKey(child.to_bytes(32, "big"), chain_code)
    raise ValueError(f"no valid child key from index {index} on")


def parse_path(path: str) -> list[int]:
    """The indexes of a key path: "m/86'/1'/0'/0/5" -> [86 + H, 1 + H, 0 + H, 0, 5], H = HARDENED.

    ' or h after an index marks it hardened. ValueError for a malformed path: no leading "m", an
    empty step, an index of 2**31 or more.
    """
    first, *steps = path.split("/")
    if first != "m":
        raise ValueError(f"a key path starts with m, like m/86'/0'/0'/0/0, not {path!r}")
    indexes = []
    for step in steps:
        match = _PATH_STEP.fullmatch(step)
        if match is None or int(match[1]) >= HARDENED:
            raise ValueError(f"{step!r} in {path!r} is not an index below 2**31, then ' or h")
        indexes.append(int(match[1]) + (HARDENED if match[2] else 0))
    return indexes


def derive_path(seed: bytes, path: str) -> ExtendedKey:
    """The key at `path` (see parse_path) below the master key of `seed`."""
    key = master_key(seed)
    for index in parse_path(path):
        key = derive_child(key, index)
    return key
