"""Coin selection and building: the fee is what the rate asks, the change comes back, the plan
spends no more coins than it needs, and the signed transaction is what the plan said."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import kh, secret
from pocketchain.consensus.check import check_transaction
from pocketchain.consensus.connect import Coin, check_signatures
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import COIN, OutPoint, TxOut
from pocketchain.wallet.build import (
    InsufficientFundsError,
    Spendable,
    plan_payment,
    sign_plan,
    signed_size,
    spending_order,
)

SECRETS = {kh(n): secret(n) for n in range(3)}


def spendable(n: int, amount: int, confirmed: bool = True) -> Spendable:
    return Spendable(OutPoint(bytes([n]) * 32, n), amount, kh(n % 3), confirmed)


coin_lists = st.lists(
    st.tuples(st.integers(1, 50 * COIN), st.booleans()), min_size=0, max_size=12
).map(lambda cs: [spendable(n, amount, conf) for n, (amount, conf) in enumerate(cs)])


@given(
    coins=coin_lists,
    amount=st.integers(1, 100 * COIN),
    rate=st.integers(1, 50),
    data=st.binary(max_size=40),
)
def test_a_plan_pays_exactly_and_keeps_the_change(coins, amount, rate, data) -> None:
    payment = TxOut(amount, kh(7))
    try:
        plan = plan_payment(coins, [payment], kh(8), rate, data=data)
    except InsufficientFundsError as exc:
        assert exc.available == sum(c.amount for c in coins) < exc.needed
        return
    spent = sum(c.amount for c in plan.inputs)
    assert spent == sum(o.amount for o in plan.outputs) + plan.fee
    assert plan.outputs[0] == payment
    exact = rate * signed_size(len(plan.inputs), len(plan.outputs), data)
    if len(plan.outputs) == 2:  # change: the fee is exactly the rate times the size
        assert plan.outputs[1].key_hash == kh(8) and plan.outputs[1].amount > 0
        assert plan.fee == exact
    else:  # no change: what is left would not pay for its own output
        assert exact <= plan.fee < rate * signed_size(len(plan.inputs), 2, data)
    # the first coins in spending order, and no more than needed
    assert list(plan.inputs) == spending_order(coins)[: len(plan.inputs)]
    fewer = sum(c.amount for c in plan.inputs[:-1])
    assert fewer < amount + rate * signed_size(len(plan.inputs) - 1, 1, data)


def test_confirmed_coins_go_first_largest_first() -> None:
    coins = [spendable(1, 5 * COIN), spendable(2, 40 * COIN, False), spendable(3, 9 * COIN)]
    plan = plan_payment(coins, [TxOut(12 * COIN, kh(7))], kh(8), 1)
    assert [c.amount for c in plan.inputs] == [9 * COIN, 5 * COIN]  # unconfirmed change last
    plan = plan_payment(coins, [TxOut(15 * COIN, kh(7))], kh(8), 1)
    assert [c.confirmed for c in plan.inputs] == [True, True, False]


def test_a_fixed_fee_and_a_post() -> None:
    coins = [spendable(1, 10 * COIN)]
    plan = plan_payment(coins, [TxOut(COIN, kh(7))], kh(8), 1, fixed_fee=12_345)
    assert plan.fee == 12_345 and plan.outputs[1].amount == 9 * COIN - 12_345
    post = plan_payment(coins, [], None, 3, data=b"hello")
    assert post.outputs == (TxOut(10 * COIN - post.fee, coins[0].key_hash),)  # to the author
    assert post.fee == 3 * signed_size(1, 1, b"hello")
    with pytest.raises(InsufficientFundsError):  # a post whose coin only covers the fee
        plan_payment([spendable(1, post.fee)], [], None, 3, data=b"hello")


@given(coins=coin_lists.filter(lambda cs: sum(c.amount for c in cs) > 2 * COIN))
def test_the_signed_transaction_is_the_plan(coins) -> None:
    plan = plan_payment(coins, [TxOut(COIN, kh(7))], kh(8), 2, data=b"memo")
    tx = sign_plan(plan, SECRETS.__getitem__, REGTEST.magic)
    check_transaction(tx)
    assert tx.size == signed_size(len(plan.inputs), len(plan.outputs), b"memo")
    assert [txin.prevout for txin in tx.inputs] == [c.outpoint for c in plan.inputs]
    assert tx.outputs == plan.outputs and tx.data == b"memo"
    spent = [Coin(c.amount, c.key_hash, 1, False) for c in plan.inputs]
    check_signatures(tx, spent, REGTEST.magic)  # raises if any input is not signed right
