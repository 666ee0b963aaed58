"""Paying and posting: scan, choose coins, sign here, hand the node only the signed transaction
(an in-process Node or a Client: its `Chain`)."""

import time
from collections.abc import Callable

from ..consensus.errors import NotFound
from ..consensus.hashes import to_display
from ..consensus.tx import OutPoint, Tx, TxOut
from ..mempool.policy import DEFAULT_MIN_FEE_RATE, MAX_DATA_SIZE
from .build import Plan, Spendable, plan_payment, sign_plan
from .chain import Chain
from .errors import WalletError
from .sync import WalletState, scan
from .wallet import CHANGE, RECEIVE, SentTx, Wallet

FORGET_AFTER = 100  # confirmations after which the wallet stops following a transaction it sent


def fee_rate(node: Chain) -> int:
    """The node's estimate for the next block, in base units per byte; the policy's minimum
    from a node that gives no estimate."""
    try:
        estimate = node.fees().fee_rate
    except NotFound:
        return DEFAULT_MIN_FEE_RATE
    return max(estimate, DEFAULT_MIN_FEE_RATE)


def pay(wallet: Wallet, node: Chain, payee: bytes, amount: int, fixed_fee: int | None = None) -> Tx:
    """Send `amount` to the key hash `payee`, change to a fresh change address."""
    state = scan(wallet, node)
    rate = fee_rate(node) if fixed_fee is None else 0
    change_to = wallet.new_key_hash(CHANGE)
    plan = plan_payment(state.coins, (TxOut(amount, payee),), change_to, rate, fixed_fee)
    return _submit(wallet, node, state, plan)


def post(wallet: Wallet, node: Chain, text: str, moved: Callable[[Tx], None] | None = None) -> Tx:
    """A post: `text` in the data field, paying only the fee. Its author is the key of the
    first coin spent, and the wallet always posts as its identity, its first receiving address
    (the one `wallet create` printed): a coin of the identity goes first and the change comes
    back to it. When the identity has no coin left (a payment spent it), a transaction first
    moves a coin to it (given to `moved`, if set), and the post spends that."""
    data = post_data(text)
    identity = wallet.key_hash(RECEIVE, 0)
    state = scan(wallet, node)
    rate, coins = fee_rate(node), state.coins
    if not any(coin.key_hash == identity for coin in coins):
        move = _submit(wallet, node, state, plan_payment(coins, (), identity, rate))
        if moved is not None:
            moved(move)
        coins = [Spendable(OutPoint(move.txid, 0), move.outputs[0].amount, identity, False)]
    return _submit(wallet, node, state, plan_payment(coins, (), None, rate, None, data, identity))


def post_data(text: str) -> bytes:
    """A post's text as its data field; WalletError when it cannot be one."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise WalletError("the text is not valid UTF-8") from None
    if not data.strip():
        raise WalletError("a post needs some text")
    if len(data) > MAX_DATA_SIZE:
        raise WalletError(f"the text is {len(data)} bytes of UTF-8; a post holds {MAX_DATA_SIZE}")
    return data


def _submit(wallet: Wallet, node: Chain, state: WalletState, plan: Plan) -> Tx:
    """Sign the plan, hand it to the node, and remember it among the wallet's sent ones."""
    tx = sign_plan(plan, wallet.secret_of, wallet.params.magic)
    node.submit(tx)
    txid = to_display(tx.txid)
    wallet.sent = [
        s
        for s in wallet.sent
        if state.sent_status.get(s.txid, ("", 0))[1] < FORGET_AFTER  # deep in the chain: done
    ]
    wallet.sent.append(SentTx(txid, tx.raw.hex(), int(time.time())))
    return tx
