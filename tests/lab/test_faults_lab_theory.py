"""The slower check (make test-faults): real nodes running the shipped scenarios agree with the
papers within their sampling error (3 standard errors, at fixed seeds)."""

import math
import random
import statistics

import pytest

from pocketchain.lab import scenario
from pocketchain.lab.theory import eyal_sirer, rosenfeld

pytestmark = pytest.mark.faults


def run(name: str, *params: str) -> dict:  # type: ignore[type-arg]
    chosen = scenario.load(name)
    report, _, _ = scenario.run(chosen, scenario.parse_params(chosen, params), seed=0)
    return report


def strategy_spread(alpha: float, gamma: float, blocks: int, runs: int = 300) -> float:
    """The standard deviation of the pool's revenue share over runs of `blocks` blocks, from the
    paper's state machine alone (no nodes): the sampling error a run of that length has."""
    rng, shares = random.Random(1), []
    for _ in range(runs):
        pool = honest = lead = 0
        tie = False
        for _ in range(blocks):
            if rng.random() < alpha:
                pool, lead, tie = (pool + 2, 0, False) if tie else (pool, lead + 1, False)
            elif tie:
                on_pool = rng.random() < gamma
                pool, honest, tie = pool + on_pool, honest + 2 - on_pool, False
            elif lead == 0:
                honest += 1
            elif lead == 1:
                lead, tie = 0, True
            elif lead == 2:
                pool, lead = pool + 2, 0
            else:
                pool, lead = pool + 1, lead - 1
        shares.append(pool / max(pool + honest, 1))
    return statistics.stdev(shares)


@pytest.mark.parametrize(("alpha", "gamma"), [(0.4, 0.0), (0.35, 0.5)])
def test_selfish_mining_earns_what_eyal_and_sirer_predict(alpha: float, gamma: float) -> None:
    report = run("selfish-mining", f"alpha={alpha}", f"gamma={gamma}", "blocks=5000")
    measured = report["result"]["revenue_share"]
    error = strategy_spread(alpha, gamma, 5000, runs=100)
    assert abs(measured - eyal_sirer(alpha, gamma)) <= 3 * error, (measured, error)
    assert measured > alpha  # above the threshold withholding pays


@pytest.mark.parametrize(("q", "z"), [(0.1, 1), (0.3, 2)])
def test_double_spends_succeed_as_often_as_the_exact_form_says(q: float, z: int) -> None:
    report = run("double-spend", f"q={q}", f"z={z}", "trials=1000")
    exact = rosenfeld(q, z)
    error = math.sqrt(exact * (1 - exact) / 1000)
    assert abs(report["result"]["success_rate"] - exact) <= 3 * error
