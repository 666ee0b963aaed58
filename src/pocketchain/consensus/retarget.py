"""Difficulty retargeting: Bitcoin's periodic rule and Bitcoin Cash's per-block ASERT.

Both are pure integer functions of a few numbers from the chain; the caller finds those numbers
(the first and last block of a period, or the anchor block) and passes the network's parameters.
"""

from .pow import (
    UINT256_MAX,
    compact_to_target,
    target_from_bits,
    target_to_compact,
)

# aserti3-2d's fixed point: exponents carry 16 fractional bits.
_RADIX_BITS = 16
_RADIX = 1 << _RADIX_BITS


def bitcoin_next_bits(
    last_bits: int,
    first_time: int,
    last_time: int,
    target_timespan: int,
    pow_limit: int,
) -> int:
    """Bits for the block after a retarget period, as Core's `CalculateNextWorkRequired`.

    `first_time` and `last_time` are the timestamps of the period's first and last blocks,
    `last_bits` the last block's bits. Core's chain-parameter sanity test requires
    pow_limit * 4 * target_timespan < 2**256, so its 256-bit product never wraps; Python
    integers never wrap either, so the two agree on every such network.
    """
    if target_timespan <= 0:
        raise ValueError("target_timespan must be positive")
    actual_timespan = last_time - first_time
    # CalculateNextWorkRequired: limit the adjustment step to a factor of 4 either way.
    actual_timespan = max(actual_timespan, target_timespan // 4)
    actual_timespan = min(actual_timespan, target_timespan * 4)
    # CalculateNextWorkRequired: bnNew.SetCompact(pindexLast->nBits) (flags not checked).
    target, _negative, _overflow = compact_to_target(last_bits)
    # CalculateNextWorkRequired: bnNew *= nActualTimespan; bnNew /= nPowTargetTimespan.
    new_target = target * actual_timespan // target_timespan
    # CalculateNextWorkRequired: never easier than powLimit.
    new_target = min(new_target, pow_limit)
    # CalculateNextWorkRequired: return bnNew.GetCompact().
    return target_to_compact(new_target)


def _div_trunc(numerator: int, denominator: int) -> int:
    """Integer division rounding toward zero, as C++ `/` on int64 (denominator > 0)."""
    quotient = abs(numerator) // denominator
    return quotient if numerator >= 0 else -quotient


def asert_next_bits(
    anchor_bits: int,
    time_delta: int,
    height_delta: int,
    spacing: int,
    halflife: int,
    pow_limit: int,
) -> int:
    """Bits for the block after the current one under aserti3-2d (Bitcoin Cash's ASERT DAA).

    As in the aserti3-2d spec: `time_delta` = current block's time - time of the anchor block's
    parent; `height_delta` = current block's height - anchor block's height; `anchor_bits` =
    the anchor block's bits. The target doubles for every `halflife` seconds the chain falls
    behind its ideal schedule of one block per `spacing` seconds, and halves for every `halflife`
    seconds it runs ahead.

    Matches BCHN's `CalculateASERT` bit for bit wherever BCHN's preconditions hold
    (pow_limit < 2**224, |time_delta - spacing * height_delta| < 2**47). Python integers do not
    overflow, so larger pow limits (short block times need easy targets) and any time_delta are
    computed exactly; the result is always a target in [1, pow_limit].
    """
    if spacing <= 0 or halflife <= 0:
        raise ValueError("spacing and halflife must be positive")
    if not 0 < pow_limit <= UINT256_MAX:
        raise ValueError("pow_limit must be a positive 256-bit integer")
    # CalculateASERT: assert(nHeightDiff >= 0).
    if height_delta < 0:
        raise ValueError("height_delta must not be negative")
    # CalculateASERT: assert(refTarget > 0 && refTarget <= powLimit).
    anchor_target = target_from_bits(anchor_bits, pow_limit)
    if anchor_target is None:
        raise ValueError("anchor_bits is not a valid target within pow_limit")

    # CalculateASERT: exponent = ((nTimeDiff - spacing * (nHeightDiff + 1)) * 65536) / nHalfLife,
    # a 16.16 fixed-point number of halflives, with C++'s truncating division.
    exponent = _div_trunc((time_delta - spacing * (height_delta + 1)) * _RADIX, halflife)
    # CalculateASERT: shifts = exponent >> 16 (arithmetic shift: floor), frac = uint16_t(exponent).
    shifts = exponent >> _RADIX_BITS
    frac = exponent & (_RADIX - 1)
    # CalculateASERT: factor = 65536 * 2**(frac / 65536) by the spec's cubic approximation.
    factor = _RADIX + (
        (
            195_766_423_245_049 * frac
            + 971_821_376 * frac * frac
            + 5_127 * frac * frac * frac
            + (1 << 47)
        )
        >> 48
    )
    # CalculateASERT: nextTarget = refTarget * factor.
    next_target = anchor_target * factor
    # CalculateASERT: multiply by 2**shifts / 65536.
    shifts -= _RADIX_BITS
    if shifts <= 0:
        next_target >>= -shifts
    elif next_target.bit_length() + shifts > pow_limit.bit_length():
        # CalculateASERT's overflow branch: a result this large is above powLimit anyway.
        next_target = pow_limit
    else:
        next_target <<= shifts
    # CalculateASERT: 0 is not a valid target but 1 is; never easier than powLimit.
    if next_target == 0:
        next_target = 1
    elif next_target > pow_limit:
        next_target = pow_limit
    # GetNextASERTWorkRequired: return nextTarget.GetCompact().
    return target_to_compact(next_target)
