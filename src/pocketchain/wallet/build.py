"""Coin selection and transaction building: which coins pay, what change comes back, signed.

Pure functions: the wallet gives them its coins, the payment and a fee rate (or a fixed fee) and
gets a plan, then a signed transaction. The fee is exactly the rate times the signed size (input
signatures have a fixed size, so the size is known before signing); whatever the inputs bring
above payment and fee comes back as change, never left to the miner, except an amount smaller
than what the change output itself would cost.
"""

from collections.abc import Callable, Sequence
from typing import NamedTuple

from ..consensus.keys import PUBKEY_SIZE, SIGNATURE_SIZE
from ..consensus.tx import TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from .errors import WalletError


class Spendable(NamedTuple):
    outpoint: OutPoint
    amount: int
    key_hash: bytes
    confirmed: bool  # in a block; else an output of the wallet's own unconfirmed transaction


class Plan(NamedTuple):
    inputs: tuple[Spendable, ...]
    outputs: tuple[TxOut, ...]  # the payments, then the change if any
    fee: int
    data: bytes


class InsufficientFundsError(WalletError):
    def __init__(self, available: int, needed: int) -> None:
        super().__init__(f"insufficient funds: {available} units spendable, {needed} needed")
        self.available = available
        self.needed = needed


def signed_size(inputs: int, outputs: int, data: bytes) -> int:
    """The size of a signed transaction with this shape (signatures have a fixed size)."""
    dummy_in = TxIn(OutPoint(bytes(32), 0), bytes(PUBKEY_SIZE), bytes(SIGNATURE_SIZE))
    dummy_out = TxOut(0, bytes(20))
    return Tx(TX_VERSION, (dummy_in,) * inputs, (dummy_out,) * outputs, data).size


def spending_order(coins: Sequence[Spendable], prefer: bytes | None = None) -> list[Spendable]:
    """The coins of the key hash `prefer` first (a post's author), then confirmed coins before
    the wallet's unconfirmed change, the largest first in each."""
    return sorted(
        coins, key=lambda c: (c.key_hash != prefer, not c.confirmed, -c.amount, c.outpoint)
    )


def plan_payment(
    coins: Sequence[Spendable],
    payments: Sequence[TxOut],
    change_to: bytes | None,
    fee_rate: int,
    fixed_fee: int | None = None,
    data: bytes = b"",
    prefer: bytes | None = None,
) -> Plan:
    """The coins to spend, in `spending_order`, until they cover the payments and the fee.

    `change_to` None sends the change back to the key hash of the first input (a post's
    author: `prefer` puts the coins of that key first). `fixed_fee` replaces `fee_rate` times
    the size. Raises InsufficientFundsError.
    """
    paid = sum(out.amount for out in payments)
    chosen: list[Spendable] = []
    total = 0
    for coin in spending_order(coins, prefer):
        chosen.append(coin)
        total += coin.amount
        plan = _plan(chosen, total, payments, change_to, fee_rate, fixed_fee, data)
        if plan is not None:
            return plan
    needed = paid + _fee(max(len(chosen), 1), len(payments) + 1, data, fee_rate, fixed_fee)
    raise InsufficientFundsError(total, needed)


def _fee(inputs: int, outputs: int, data: bytes, fee_rate: int, fixed_fee: int | None) -> int:
    return fixed_fee if fixed_fee is not None else fee_rate * signed_size(inputs, outputs, data)


def _plan(
    chosen: list[Spendable],
    total: int,
    payments: Sequence[TxOut],
    change_to: bytes | None,
    fee_rate: int,
    fixed_fee: int | None,
    data: bytes,
) -> Plan | None:
    """The plan with these inputs (change output if it is worth its own cost), or None."""
    paid = sum(out.amount for out in payments)
    change_key = change_to if change_to is not None else chosen[0].key_hash
    fee = _fee(len(chosen), len(payments) + 1, data, fee_rate, fixed_fee)
    change = total - paid - fee
    if change > 0:
        outputs = (*payments, TxOut(change, change_key))
        return Plan(tuple(chosen), outputs, fee, data)
    if not payments:  # a transaction needs an output: without change a post has none
        return None
    fee_without = _fee(len(chosen), len(payments), data, fee_rate, fixed_fee)
    if total - paid >= fee_without:  # too little left for a change output to pay for itself
        return Plan(tuple(chosen), tuple(payments), total - paid, data)
    return None


def sign_plan(plan: Plan, secret_of: Callable[[bytes], bytes], magic: bytes) -> Tx:
    """The plan as a transaction, each input signed with the secret of the key it pays to."""
    unsigned = Tx(
        TX_VERSION,
        tuple(TxIn(coin.outpoint, b"", b"") for coin in plan.inputs),
        plan.outputs,
        plan.data,
    )
    return sign_tx(unsigned, tuple(secret_of(coin.key_hash) for coin in plan.inputs), magic)
