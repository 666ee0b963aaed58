"""Compact bits, proof of work, block work and retargeting, against Bitcoin Core's and
Bitcoin Cash Node's published test vectors, plus round-trip properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.consensus.pow import (
    UINT256_MAX,
    block_work,
    check_proof_of_work,
    compact_to_target,
    target_from_bits,
    target_to_compact,
)
from pocketchain.consensus.retarget import asert_next_bits, bitcoin_next_bits

# Bitcoin mainnet's powLimit in Core's chainparams (00000000ffff...ff).
MAIN_POW_LIMIT = (1 << 224) - 1
# The target of bits 0x1d00ffff (the genesis difficulty).
GENESIS_TARGET = 0xFFFF << 208
# Bitcoin mainnet's nPowTargetTimespan: two weeks.
MAIN_TIMESPAN = 14 * 24 * 60 * 60

GENESIS_HASH_DISPLAY = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"


def internal(value: int) -> bytes:
    """A 256-bit number as internal (little-endian) hash bytes."""
    return value.to_bytes(32, "little")


# --- SetCompact / GetCompact: Core's arith_uint256_tests, bignum_SetCompact ------------------

# (bits, target, GetCompact(negative) of that target, negative, overflow)
SET_COMPACT_CASES = [
    (0x00000000, 0, 0, False, False),
    (0x00123456, 0, 0, False, False),
    (0x01003456, 0, 0, False, False),
    (0x02000056, 0, 0, False, False),
    (0x03000000, 0, 0, False, False),
    (0x04000000, 0, 0, False, False),
    (0x00923456, 0, 0, False, False),
    (0x01803456, 0, 0, False, False),
    (0x02800056, 0, 0, False, False),
    (0x03800000, 0, 0, False, False),
    (0x04800000, 0, 0, False, False),
    (0x01123456, 0x12, 0x01120000, False, False),
    (0x01FEDCBA, 0x7E, 0x01FE0000, True, False),
    (0x02123456, 0x1234, 0x02123400, False, False),
    (0x03123456, 0x123456, 0x03123456, False, False),
    (0x04123456, 0x12345600, 0x04123456, False, False),
    (0x04923456, 0x12345600, 0x04923456, True, False),
    (0x05009234, 0x92340000, 0x05009234, False, False),
    (0x20123456, 0x123456 << 232, 0x20123456, False, False),
]


@pytest.mark.parametrize(("bits", "target", "compact", "negative", "overflow"), SET_COMPACT_CASES)
def test_set_compact_vectors(
    bits: int, target: int, compact: int, negative: bool, overflow: bool
) -> None:
    assert compact_to_target(bits) == (target, negative, overflow)
    assert target_to_compact(target, negative) == compact


def test_set_compact_overflow() -> None:
    target, negative, overflow = compact_to_target(0xFF123456)
    assert (negative, overflow) == (False, True)
    # A 256-bit integer keeps nothing of a mantissa shifted 252 bytes left.
    assert target == 0


def test_get_compact_never_sets_the_sign_bit() -> None:
    assert target_to_compact(0x80) == 0x02008000


def test_compact_range_checks() -> None:
    with pytest.raises(ValueError):
        compact_to_target(-1)
    with pytest.raises(ValueError):
        compact_to_target(1 << 32)
    with pytest.raises(ValueError):
        target_to_compact(-1)
    with pytest.raises(ValueError):
        target_to_compact(1 << 256)


# --- round-trip properties ---------------------------------------------------------------------

# Targets of every bit length, not only huge ones.
targets = st.integers(0, 256).flatmap(lambda n: st.integers(0, (1 << n) - 1))

# Compacts as GetCompact writes them: a mantissa with a non-zero top byte below 0x80, or one
# moved right a byte because its top bit would have been the sign.
normalized_compacts = st.one_of(
    st.builds(lambda size, m: size << 24 | m, st.integers(3, 32), st.integers(0x010000, 0x7FFFFF)),
    st.builds(lambda size, m: size << 24 | m, st.integers(3, 33), st.integers(0x008000, 0x00FFFF)),
    targets.map(target_to_compact),
)


@given(normalized_compacts)
def test_normalized_compact_round_trips(bits: int) -> None:
    target, negative, overflow = compact_to_target(bits)
    assert not negative
    assert not overflow
    assert target_to_compact(target) == bits


@given(targets)
def test_compact_rounds_down(target: int) -> None:
    decoded, negative, overflow = compact_to_target(target_to_compact(target))
    assert not negative
    assert not overflow
    assert decoded <= target
    # At least the 16 most significant bits survive.
    assert target - decoded < 1 << max(0, target.bit_length() - 16)


@given(targets.filter(lambda t: t > 0))
def test_negative_flag_round_trips(target: int) -> None:
    decoded, negative, _overflow = compact_to_target(target_to_compact(target, negative=True))
    assert negative == (decoded != 0)


# --- DeriveTarget / CheckProofOfWork ----------------------------------------------------------


def test_genesis_block_meets_its_target() -> None:
    genesis_hash = bytes.fromhex(GENESIS_HASH_DISPLAY)[::-1]
    assert int.from_bytes(genesis_hash, "little") == int(GENESIS_HASH_DISPLAY, 16)
    assert check_proof_of_work(genesis_hash, 0x1D00FFFF, GENESIS_TARGET)
    assert check_proof_of_work(genesis_hash, 0x1D00FFFF, MAIN_POW_LIMIT)


def test_hash_equal_to_target_passes_and_one_above_fails() -> None:
    assert check_proof_of_work(internal(GENESIS_TARGET), 0x1D00FFFF, GENESIS_TARGET)
    assert not check_proof_of_work(internal(GENESIS_TARGET + 1), 0x1D00FFFF, GENESIS_TARGET)


def test_bits_above_pow_limit_fail() -> None:
    # Target 0x1ffff << 208 is easier than the limit 0xffff << 208.
    assert target_from_bits(0x1D01FFFF, GENESIS_TARGET) is None
    assert not check_proof_of_work(internal(1), 0x1D01FFFF, GENESIS_TARGET)


# Core's pow_tests: CheckProofOfWork_test_negative_target.
def test_negative_target_fails() -> None:
    bits = target_to_compact(MAIN_POW_LIMIT, negative=True)
    assert compact_to_target(bits)[1]
    assert not check_proof_of_work(internal(1), bits, MAIN_POW_LIMIT)


# Core's pow_tests: CheckProofOfWork_test_overflow_target.
def test_overflow_target_fails() -> None:
    bits = ~0x00800000 & 0xFFFFFFFF
    assert compact_to_target(bits)[2]
    assert not check_proof_of_work(internal(1), bits, MAIN_POW_LIMIT)


# Core's pow_tests: CheckProofOfWork_test_too_easy_target.
def test_too_easy_target_fails() -> None:
    bits = target_to_compact(MAIN_POW_LIMIT * 2)
    assert not check_proof_of_work(internal(1), bits, MAIN_POW_LIMIT)


# Core's pow_tests: CheckProofOfWork_test_bigger_hash_than_target.
def test_bigger_hash_than_target_fails() -> None:
    bits = target_to_compact(MAIN_POW_LIMIT)
    assert not check_proof_of_work(internal(MAIN_POW_LIMIT * 2), bits, MAIN_POW_LIMIT)


# Core's pow_tests: CheckProofOfWork_test_zero_target.
def test_zero_target_fails() -> None:
    bits = target_to_compact(0)
    assert target_from_bits(bits, MAIN_POW_LIMIT) is None
    assert not check_proof_of_work(internal(0), bits, MAIN_POW_LIMIT)


def test_hash_must_be_32_bytes() -> None:
    with pytest.raises(ValueError):
        check_proof_of_work(bytes(31), 0x1D00FFFF, GENESIS_TARGET)


# --- GetBlockProof -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bits", "work"),
    [
        (0x1D00FFFF, 0x100010001),
        (0x207FFFFF, 2),
        (0x00000000, 0),  # zero target
        (0x04923456, 0),  # negative
        (0xFF123456, 0),  # overflow
        (0x01010000, 1 << 255),  # target 1: half of all hashes
    ],
)
def test_block_work_vectors(bits: int, work: int) -> None:
    assert block_work(bits) == work


@given(normalized_compacts)
def test_block_work_matches_cores_formula(bits: int) -> None:
    target = compact_to_target(bits)[0]
    if target == 0:
        assert block_work(bits) == 0
    else:
        # GetBlockProof: (~bnTarget / (bnTarget + 1)) + 1 in 256-bit arithmetic.
        assert block_work(bits) == (UINT256_MAX ^ target) // (target + 1) + 1


# --- CalculateNextWorkRequired: Core's pow_tests (mainnet parameters) -------------------------


@pytest.mark.parametrize(
    ("first_time", "last_time", "last_bits", "expected"),
    [
        # get_next_work: blocks #30240 .. #32255, no limit applies.
        (1261130161, 1262152739, 0x1D00FFFF, 0x1D00D86A),
        # get_next_work_pow_limit: blocks #0 .. #2015, capped at powLimit.
        (1231006505, 1233061996, 0x1D00FFFF, 0x1D00FFFF),
        # get_next_work_lower_limit_actual: blocks #66528 .. #68543, timespan/4 floor.
        (1279008237, 1279297671, 0x1C05A3F4, 0x1C0168FD),
        # get_next_work_upper_limit_actual: up to block #46367, timespan*4 ceiling.
        (1263163443, 1269211443, 0x1C387F6F, 0x1D00E1FD),
    ],
)
def test_bitcoin_next_bits_core_vectors(
    first_time: int, last_time: int, last_bits: int, expected: int
) -> None:
    assert (
        bitcoin_next_bits(last_bits, first_time, last_time, MAIN_TIMESPAN, MAIN_POW_LIMIT)
        == expected
    )


@given(
    st.integers(0x03000001, 0x1D00FFFF).filter(lambda b: target_from_bits(b, MAIN_POW_LIMIT)),
    st.integers(-(10**9), 10**9),
)
def test_bitcoin_next_bits_stays_within_a_factor_of_four(last_bits: int, span: int) -> None:
    old = compact_to_target(last_bits)[0]
    new = compact_to_target(bitcoin_next_bits(last_bits, 0, span, MAIN_TIMESPAN, MAIN_POW_LIMIT))[0]
    assert new <= MAIN_POW_LIMIT
    assert new <= old * 4
    # Rounding down to a compact loses at most the bits below the top 16.
    assert new >= old // 4 - (1 << max(0, (old // 4).bit_length() - 16))


# --- aserti3-2d: BCHN's published test vectors --------------------------------------------------

# BCH mainnet: 600 s blocks, a two-day halflife, powLimit 00000000ffff...ff.
BCH_SPACING = 600
BCH_HALFLIFE = 2 * 24 * 3600

# (file, anchor height, anchor parent time, anchor bits, height, time, expected next bits):
# lines from bitcoin-cash-node qa-assets test_vectors/aserti3-2d.
ASERT_VECTORS = [
    ("run01", 1, 0, 0x1D00FFFF, 2, 1200, 0x1D00FFFF),
    ("run01", 1, 0, 0x1D00FFFF, 11, 6600, 0x1D00FFFF),
    ("run02", 1, 0, 0x1A2B3C4D, 11, 6600, 0x1A2B3C4D),
    ("run03", 1, 0, 0x01010000, 11, 6600, 0x01010000),
    ("run04", 1, 0, 0x01010000, 2, 174000, 0x01020000),
    ("run04", 1, 0, 0x01010000, 8, 1214400, 0x02008000),
    ("run04", 1, 0, 0x01010000, 224, 38668800, 0x1D008000),
    ("run04", 1, 0, 0x01010000, 225, 38842200, 0x1D00FFFF),
    ("run04", 1, 0, 0x01010000, 226, 39015600, 0x1D00FFFF),
    ("run05", 1, 0, 0x1D00FFFF, 2, 0, 0x1D00FEC5),
    ("run05", 1, 0, 0x1D00FFFF, 290, 0, 0x1C7F62C0),
    ("run05", 1, 0, 0x1D00FFFF, 60194, 0, 0x027F6200),
    ("run05", 1, 0, 0x1D00FFFF, 62498, 0, 0x017F0000),
    ("run05", 1, 0, 0x1D00FFFF, 64226, 0, 0x01010000),
    ("run05", 1, 0, 0x1D00FFFF, 64514, 0, 0x01010000),
    ("run06", 1, 0, 0x1802AEE8, 3, 1310, 0x1802AD91),
    ("run06", 1, 0, 0x1802AEE8, 9, 7099, 0x1802B39C),
    ("run06", 1, 0, 0x1802AEE8, 10, 7099, 0x1802B1F2),
    ("run06", 1, 0, 0x1802AEE8, 620, 378438, 0x1802C0EC),
    ("run07", 1, 0, 0x1802AEE8, 160, 22709, 0x1801FFEA),
    ("run07", 1, 0, 0x1802AEE8, 459, 29064, 0x1800FFB4),
    ("run08", 1, 0, 0x1802AEE8, 186, 1073114, 0x187EF4ED),
    ("run08", 1, 0, 0x1802AEE8, 187, 1078358, 0x19008158),
    ("run08", 1, 0, 0x1802AEE8, 481, 6842136, 0x1D00A31A),
    ("run08", 1, 0, 0x1802AEE8, 485, 6993399, 0x1D00FFFF),
    ("run09", 2147483642, 1234567290, 0x1802AEE8, 2147483643, 1234568190, 0x1802AE16),
    ("run09", 2147483642, 1234567290, 0x1802AEE8, 2147483652, 1234570890, 0x1802A6B7),
    ("run10", 9223372036854775802, 2147483047, 0x1802AEE8, 9223372036854775803, 2147484547,
     0x1802AFBB),
    ("run10", 9223372036854775802, 2147483047, 0x1802AEE8, 9223372036854775812, 2147492647,
     0x1802B73D),
]  # fmt: skip


@pytest.mark.parametrize("vector", ASERT_VECTORS, ids=[v[0] for v in ASERT_VECTORS])
def test_asert_bchn_vectors(vector: tuple[str, int, int, int, int, int, int]) -> None:
    _run, anchor_height, anchor_parent_time, anchor_bits, height, time, expected = vector
    bits = asert_next_bits(
        anchor_bits,
        time - anchor_parent_time,
        height - anchor_height,
        BCH_SPACING,
        BCH_HALFLIFE,
        MAIN_POW_LIMIT,
    )
    assert bits == expected


def test_asert_on_schedule_keeps_the_anchor_target() -> None:
    # The block right after the anchor, one spacing after it: exponent 0.
    assert asert_next_bits(0x1F00FFFF, 10, 1, 5, 40, 0x7FFFFF << 232) == 0x1F00FFFF


def test_asert_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        asert_next_bits(0x1D00FFFF, 0, -1, BCH_SPACING, BCH_HALFLIFE, MAIN_POW_LIMIT)
    with pytest.raises(ValueError):
        asert_next_bits(0x1D01FFFF, 0, 1, BCH_SPACING, BCH_HALFLIFE, MAIN_POW_LIMIT)
    with pytest.raises(ValueError):
        asert_next_bits(0x00000000, 0, 1, BCH_SPACING, BCH_HALFLIFE, MAIN_POW_LIMIT)
    with pytest.raises(ValueError):
        asert_next_bits(0x1D00FFFF, 0, 1, BCH_SPACING, 0, MAIN_POW_LIMIT)
    with pytest.raises(ValueError):
        asert_next_bits(0x1D00FFFF, 0, 1, 0, BCH_HALFLIFE, MAIN_POW_LIMIT)
