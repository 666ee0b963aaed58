"""The papers' figures: Nakamoto's table (the Bitcoin paper, section 11), Rosenfeld's exact form
against a direct sum over the attacker's progress, and Eyal and Sirer's closed form."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.lab.theory import catch_up, eyal_sirer, nakamoto, rosenfeld, selfish_threshold

# The Bitcoin paper, section 11: "Solving for P less than 0.1%" tables, as printed.
NAKAMOTO_Q01 = [1.0, 0.2045873, 0.0509779, 0.0131722, 0.0034552, 0.0009137, 0.0002428,
                0.0000647, 0.0000173, 0.0000046, 0.0000012]  # fmt: skip
NAKAMOTO_Q03 = {0: 1.0, 5: 0.1773523, 10: 0.0416605, 15: 0.0101008, 20: 0.0024804,
                25: 0.0006132, 30: 0.0001522, 35: 0.0000379, 40: 0.0000095, 45: 0.0000024,
                50: 0.0000006}  # fmt: skip


@pytest.mark.parametrize("z", range(11))
def test_nakamoto_q_0_1_matches_the_paper(z: int) -> None:
    assert round(nakamoto(0.1, z), 7) == NAKAMOTO_Q01[z]


@pytest.mark.parametrize("z", sorted(NAKAMOTO_Q03))
def test_nakamoto_q_0_3_matches_the_paper(z: int) -> None:
    assert round(nakamoto(0.3, z), 7) == NAKAMOTO_Q03[z]


def direct(q: float, z: int, terms: int = 2000) -> float:
    """The attacker pre-mines one block, then has m blocks when the merchant's payment gets its
    z-th confirmation (negative binomial); it wins at once if 1 + m > z, else catches up."""
    p = 1 - q
    return sum(
        math.comb(m + z - 1, m) * p**z * q**m * (1.0 if m >= z else catch_up(q, z - m))
        for m in range(terms)
    )


@given(st.floats(0.01, 0.45), st.integers(1, 12))
def test_rosenfeld_is_the_direct_sum(q: float, z: int) -> None:
    assert rosenfeld(q, z) == pytest.approx(direct(q, z), abs=1e-9)


def test_rosenfeld_one_confirmation_is_twice_q() -> None:
    # with a pre-mined block the attacker wins with one confirmation iff its next block comes
    # first (q) or the merchant's does and it then catches up one (p * q / p)
    assert rosenfeld(0.1, 1) == pytest.approx(0.2)
    assert rosenfeld(0.1, 0) == 1.0 and rosenfeld(0.6, 5) == 1.0


@given(st.floats(0.0, 1.0))
def test_selfish_mining_pays_exactly_its_share_at_the_threshold(gamma: float) -> None:
    alpha = selfish_threshold(gamma)
    if alpha > 0:
        assert eyal_sirer(alpha, gamma) == pytest.approx(alpha, abs=1e-12)


def test_eyal_sirer_known_points() -> None:
    assert selfish_threshold(0) == pytest.approx(1 / 3)
    assert selfish_threshold(0.5) == pytest.approx(1 / 4)
    assert eyal_sirer(0.4, 0) == pytest.approx(0.4837, abs=1e-4)
    assert eyal_sirer(0.25, 0) < 0.25 < eyal_sirer(0.25, 0.9)  # below the threshold it loses
