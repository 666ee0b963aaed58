"""The faucet's input checks (node/faucet.py) and rate limits (api/faucet.py), on a clock the
test moves."""

import pytest

from pocketchain.api.faucet import FaucetLimits, RateLimit, RateLimited
from pocketchain.consensus.errors import RejectError
from pocketchain.node.faucet import MAX_AMOUNT, checked_amount


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_is_a_sliding_window_per_key() -> None:
    clock = Clock()
    limit = RateLimit(2, 10, clock)
    assert limit.wait("a") == 0
    limit.add("a")
    clock.now += 4
    limit.add("a")
    assert limit.wait("a") == 6  # the first event leaves the window in 6 s
    assert limit.wait("b") == 0  # keys are counted apart
    clock.now += 5.5
    assert limit.wait("a") == 0.5
    clock.now += 0.5
    assert limit.wait("a") == 0  # the first event is 10 s old: one more may come
    limit.add("a")
    assert limit.wait("a") == 4  # the second event, 6 s old, is now the oldest


def test_rate_limit_forgets_what_left_the_window() -> None:
    clock = Clock()
    limit = RateLimit(1, 30, clock)
    for n in range(1_000):
        limit.add(f"key {n}")
        clock.now += 1
        assert len(limit) <= 30
    clock.now += 30
    assert len(limit) == 0


def test_one_payout_per_address_every_30_s() -> None:
    clock = Clock()
    limits = FaucetLimits(clock)
    limits.check(b"address", "client")
    limits.record(b"address", "client")
    clock.now += 0.5
    with pytest.raises(RateLimited) as refused:
        limits.check(b"address", "another client")
    assert refused.value.status_code == 429
    assert refused.value.headers == {"Retry-After": "30"}  # 29.5 s, rounded up
    assert "try again in 30 s" in refused.value.detail
    limits.check(b"another address", "client")
    clock.now += 29.5
    limits.check(b"address", "client")


def test_twenty_payouts_per_client_every_ten_minutes() -> None:
    clock = Clock()
    limits = FaucetLimits(clock)
    for n in range(20):
        limits.check(bytes([n]), "client")
        limits.record(bytes([n]), "client")
        clock.now += 10
    with pytest.raises(RateLimited) as refused:
        limits.check(b"new address", "client")
    assert refused.value.headers == {"Retry-After": str(600 - 200)}
    assert "20 times in the last 10 minutes" in refused.value.detail
    limits.check(b"new address", "another client")
    clock.now += 400
    limits.check(b"new address", "client")  # the first payout left the window


@pytest.mark.parametrize("amount", [1, 12_345, MAX_AMOUNT])
def test_amount_in_range(amount: int) -> None:
    assert checked_amount(amount) == amount


@pytest.mark.parametrize("amount", [0, -1, MAX_AMOUNT + 1, 2**64, 1.0, 1.5, "10", True, None, []])
def test_bad_amount(amount: object) -> None:
    with pytest.raises(RejectError) as refused:
        checked_amount(amount)
    assert refused.value.code == "bad-amount"
