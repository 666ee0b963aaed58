"""The faucet of regtest and devnet: the node's mining wallet pays whoever asks.

The mining wallet is the node's own key (keyfiles.py), which the coinbases pay when the node
mines without --mine-to. A payout spends the wallet's oldest spendable coins, pays the amount,
sends the change back to the mining key and pays the mempool's minimum fee rate. It runs on the
writer like everything that reads the chain and the mempool: two payouts never pick one coin.
"""

from collections.abc import Iterator

from ..consensus.connect import Coin, is_mature
from ..consensus.errors import RejectError
from ..consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from .core import NodeCore as Node  # the writer's state: a payout runs on the writer

PAGE = 100  # coins read from the store at a time


DEFAULT_AMOUNT = 10 * COIN
MAX_AMOUNT = 100 * COIN


class FaucetEmptyError(RejectError):
    """The mining wallet's spendable coins do not cover a payout and its fee (409)."""

    def __init__(self, spendable: int, amount: int) -> None:
        super().__init__(
            "faucet-empty",
            f"the faucet has {spendable} base units spendable, not enough for {amount} and the"
            " fee; mine some blocks first",
        )


def checked_amount(value: object) -> int:
    """A whole number of base units from 1 to MAX_AMOUNT (a JSON true is no number)."""
    if type(value) is int and 0 < value <= MAX_AMOUNT:
        return value
    raise RejectError(
        "bad-amount", f"amount must be a whole number of base units from 1 to {MAX_AMOUNT}"
    )


def spendable_coins(node: Node, kh: bytes) -> Iterator[tuple[OutPoint, Coin]]:
    """The confirmed coins paying `kh` that the next block may spend and that no mempool
    transaction spends, oldest first. Call on the writer."""
    spend_height = node.chain.height + 1
    offset = 0
    while page := node.store.address_coins(kh, PAGE, offset):
        for outpoint, coin in page:
            mature = is_mature(coin, spend_height, node.params)
            if mature and node.pool.spender(outpoint) is None:
                yield outpoint, coin
        offset += PAGE


def pay(node: Node, to: bytes, amount: int) -> Tx:
    """Pay `amount` base units to the key hash `to` from the mining wallet, and submit the
    transaction like any other (validated, announced, relayed). Call on the writer.

    FaucetEmptyError when the spendable coins fall short; RejectError if the mempool refuses it.
    """
    rate = node.pool.min_fee_rate
    chosen: list[OutPoint] = []
    total = 0
    for outpoint, coin in spendable_coins(node, node.miner_key_hash):
        chosen.append(outpoint)
        total += coin.amount
        if total < amount:
            continue
        # signatures are fixed size, so the amounts do not change the size (a change output the
        # fee uses up only makes it smaller)
        fee = rate * _payout(node, chosen, total, to, amount, 0).size
        if total >= amount + fee:
            tx = _payout(node, chosen, total, to, amount, fee)
            node.accept_tx(tx)
            return tx
    raise FaucetEmptyError(total, amount)


def _payout(node: Node, inputs: list[OutPoint], total: int, to: bytes, amount: int, fee: int) -> Tx:
    """`inputs` (worth `total`) paying `amount` to `to`, `fee`, and the rest back to the mining
    key, signed with the mining key."""
    change = total - amount - fee
    outputs = [TxOut(amount, to)]
    if change > 0:
        outputs.append(TxOut(change, node.miner_key_hash))
    unsigned = Tx(TX_VERSION, tuple(TxIn(op, b"", b"") for op in inputs), tuple(outputs))
    secrets = (node.miner_secret,) * len(inputs)  # the node's own key: the faucet is the node
    return sign_tx(unsigned, secrets, node.params.magic)
