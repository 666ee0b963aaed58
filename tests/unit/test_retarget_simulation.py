"""Devnet's retargeting, simulated: seeded miners find blocks after exponentially distributed
times, and each target is what `next_bits` asks of the next block (aserti3-2d anchored at the
parent). Also: timestamps an attacker picks cannot push the target outside [1, pow_limit]."""

import random
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.consensus.contextual import next_bits
from pocketchain.consensus.params import DEVNET
from pocketchain.consensus.pow import (
    block_work,
    compact_to_target,
    target_from_bits,
    target_to_compact,
)
from pocketchain.consensus.retarget import asert_next_bits

SPACING = DEVNET.spacing
HALFLIFE = DEVNET.asert_halflife
POW_LIMIT = 0x7FFFFF << 232  # an easy limit, like bits 0x207fffff
HASHRATE = 1_000_000.0  # hashes per second, about one Python mining core
# The target at which HASHRATE finds a block every SPACING seconds on average.
EQUILIBRIUM_BITS = target_to_compact((1 << 256) // (SPACING * int(HASHRATE)) - 1)

TOLERANCE = 0.15
RUNS = 200
WARM_UP = 50  # blocks at the old hash power before it changes
WINDOW = 100  # blocks watched after the change
RECOVERED_BY = 30  # blocks after the change


def simulate(
    seed: int, blocks: int, hashrate_at: Callable[[int], float]
) -> tuple[list[float], list[float]]:
    """Mine `blocks` blocks on top of a block at height 0 whose target suits the hash power.

    Returns, for heights 1..blocks, the spacing the block's target implies at the hash power
    then mining (expected hashes / hashrate) and the time the block actually took.
    """
    rng = random.Random(seed)
    times = {0: 0}
    bits = EQUILIBRIUM_BITS
    now = 0.0
    implied: list[float] = []
    solve_times: list[float] = []
    for height in range(1, blocks + 1):
        expected = block_work(bits) / hashrate_at(height)
        solve = rng.expovariate(1.0 / expected)
        implied.append(expected)
        solve_times.append(solve)
        now += solve
        times[height] = int(now)  # headers carry whole seconds
        bits = next_bits(DEVNET, height, bits, times.__getitem__)
    return implied, solve_times


def mean_implied_after_change(factor: float) -> list[float]:
    """Implied spacing averaged over RUNS seeds, for blocks 1..WINDOW after hash power x factor."""

    def hashrate_at(height: int) -> float:
        return HASHRATE if height <= WARM_UP else HASHRATE * factor

    totals = [0.0] * WINDOW
    for seed in range(RUNS):
        implied, _ = simulate(seed, WARM_UP + WINDOW, hashrate_at)
        for i, value in enumerate(implied[WARM_UP:]):
            totals[i] += value
    return [total / RUNS for total in totals]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_constant_hash_power_keeps_the_spacing(seed: int) -> None:
    _, solve_times = simulate(seed, 200, lambda _height: HASHRATE)
    mean = sum(solve_times) / len(solve_times)
    assert abs(mean - SPACING) <= TOLERANCE * SPACING, mean


@pytest.mark.parametrize("factor", [2.0, 0.5])
def test_recovers_after_hash_power_changes(factor: float) -> None:
    averages = mean_implied_after_change(factor)
    # Right after the change the old target is off by the whole factor: there is work to do.
    assert abs(averages[0] - SPACING / factor) <= TOLERANCE * SPACING / factor
    # From block RECOVERED_BY after the change to the end of the window: within tolerance.
    for blocks_after, average in enumerate(averages, start=1):
        if blocks_after >= RECOVERED_BY:
            assert abs(average - SPACING) <= TOLERANCE * SPACING, (blocks_after, average)


# --- timestamps an attacker chooses ------------------------------------------------------------

EASIEST_BITS = target_to_compact(POW_LIMIT)
HARDEST_BITS = target_to_compact(1)


@pytest.mark.parametrize("time_delta", [2**32, 10**12, 2**62, 2**200])
def test_far_future_timestamp_stops_at_pow_limit(time_delta: int) -> None:
    bits = asert_next_bits(EQUILIBRIUM_BITS, time_delta, 1, SPACING, HALFLIFE, POW_LIMIT)
    assert bits == EASIEST_BITS
    assert compact_to_target(bits)[0] <= POW_LIMIT


@pytest.mark.parametrize("time_delta", [-(2**32), -(10**12), -(2**62), -(2**200)])
def test_far_past_timestamp_stops_at_one(time_delta: int) -> None:
    bits = asert_next_bits(EQUILIBRIUM_BITS, time_delta, 1, SPACING, HALFLIFE, POW_LIMIT)
    assert bits == HARDEST_BITS
    assert compact_to_target(bits)[0] == 1


@given(
    time_delta=st.integers(-(2**70), 2**70),
    height_delta=st.integers(0, 2**40),
    anchor_target=st.integers(1, POW_LIMIT),
)
def test_any_timestamp_gives_a_valid_target(
    time_delta: int, height_delta: int, anchor_target: int
) -> None:
    anchor_bits = target_to_compact(anchor_target)
    if target_from_bits(anchor_bits, POW_LIMIT) is None:
        return  # rounds down to zero: not a target an anchor block can have
    bits = asert_next_bits(anchor_bits, time_delta, height_delta, SPACING, HALFLIFE, POW_LIMIT)
    target = target_from_bits(bits, POW_LIMIT)
    assert target is not None
    assert 1 <= target <= POW_LIMIT
