"""Compact targets ("nBits"), the proof-of-work check and the work a block proves.

A header carries its target in 32 bits: one byte of size (the target's length in bytes) and a
23-bit mantissa with a sign bit, like an old OpenSSL bignum. These functions follow Bitcoin Core's
`arith_uint256::SetCompact` / `GetCompact` and `pow.cpp` bit for bit, using Python integers as
unsigned 256-bit numbers.
"""

UINT256_MAX = (1 << 256) - 1

_SIGN_BIT = 0x00800000
_MANTISSA_MASK = 0x007FFFFF


def compact_to_target(bits: int) -> tuple[int, bool, bool]:
    """Decode compact `bits` into `(target, negative, overflow)`, as Core's `SetCompact`.

    The target is what a 256-bit integer would hold (bits shifted past bit 255 are lost); the
    flags say whether the encoding was negative or too large for 256 bits.
    """
    if not 0 <= bits <= 0xFFFFFFFF:
        raise ValueError("compact bits are an unsigned 32-bit integer")
    size = bits >> 24
    word = bits & _MANTISSA_MASK
    if size <= 3:
        # SetCompact: a short number keeps only the mantissa's top `size` bytes.
        word >>= 8 * (3 - size)
        target = word
    else:
        # SetCompact: arith_uint256 <<= drops whatever passes bit 255.
        target = (word << (8 * (size - 3))) & UINT256_MAX
    # SetCompact's pfNegative: the sign bit counts only when the (shifted) mantissa is non-zero.
    negative = word != 0 and (bits & _SIGN_BIT) != 0
    # SetCompact's pfOverflow: the value needs more than 256 bits.
    overflow = word != 0 and (
        size > 34 or (word > 0xFF and size > 33) or (word > 0xFFFF and size > 32)
    )
    return target, negative, overflow


def target_to_compact(target: int, negative: bool = False) -> int:
    """Encode a 256-bit target as compact bits, as Core's `GetCompact` (rounds down)."""
    if not 0 <= target <= UINT256_MAX:
        raise ValueError("a target is an unsigned 256-bit integer")
    size = (target.bit_length() + 7) // 8
    # GetCompact: a short number is left-aligned in the 3-byte mantissa; a long one keeps its
    # top 3 bytes and drops (rounds down) the rest.
    compact = target << (8 * (3 - size)) if size <= 3 else target >> (8 * (size - 3))
    if compact & _SIGN_BIT:
        # GetCompact: 0x00800000 is the sign, so move a mantissa that uses it one byte right.
        compact >>= 8
        size += 1
    compact |= size << 24
    if negative and compact & _MANTISSA_MASK:
        # GetCompact(fNegative): set the sign only on a non-zero mantissa.
        compact |= _SIGN_BIT
    return compact


def target_from_bits(bits: int, pow_limit: int) -> int | None:
    """The target `bits` encodes, or None if it is not a valid one, as Core's `DeriveTarget`."""
    target, negative, overflow = compact_to_target(bits)
    # DeriveTarget: reject negative, zero, overflowing and too-easy (above powLimit) targets.
    if negative or target == 0 or overflow or target > pow_limit:
        return None
    return target


def check_proof_of_work(block_hash: bytes, bits: int, pow_limit: int) -> bool:
    """True when `bits` is a valid target and the hash meets it, as Core's `CheckProofOfWork`.

    `block_hash` is the 32-byte SHA-256d digest in internal (little-endian) order.
    """
    if len(block_hash) != 32:
        raise ValueError("a block hash is 32 bytes")
    target = target_from_bits(bits, pow_limit)
    if target is None:
        return False
    # CheckProofOfWorkImpl: UintToArith256(hash) > bnTarget fails.
    return int.from_bytes(block_hash, "little") <= target


def block_work(bits: int) -> int:
    """Expected number of hashes to meet `bits`: 2**256 // (target + 1), as Core's `GetBlockProof`.

    0 for a negative, overflowing or zero target (GetBlockProof does not look at powLimit).
    """
    target, negative, overflow = compact_to_target(bits)
    # GetBlockProof: an invalid target proves no work.
    if negative or overflow or target == 0:
        return 0
    # GetBlockProof computes ~target / (target + 1) + 1, which equals 2**256 // (target + 1).
    return (1 << 256) // (target + 1)
