"""Paying and posting: scan, choose coins, sign here, hand the node only the signed transaction
(an in-process Node or a Client: its `Chain`)."""

import time

from ..consensus.errors import NotFound
from ..consensus.hashes import to_display
from ..consensus.tx import Tx, TxOut
from ..mempool.policy import DEFAULT_MIN_FEE_RATE, MAX_DATA_SIZE
from .build import plan_payment, sign_plan
from .chain import Chain
from .errors import WalletError
from .sync import scan
from .wallet import CHANGE, SentTx, Wallet

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
    return _send(wallet, node, (TxOut(amount, payee),), b"", fixed_fee)


def post(wallet: Wallet, node: Chain, text: str) -> Tx:
    """A post: `text` in the data field, paying only the fee; the change goes back to the
    author, the key of the first coin spent, so a wallet keeps posting as the same address."""
    return _send(wallet, node, (), post_data(text), None)


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


def _send(
    wallet: Wallet,
    node: Chain,
    payments: tuple[TxOut, ...],
    data: bytes,
    fixed_fee: int | None,
) -> Tx:
    state = scan(wallet, node)
    rate = fee_rate(node) if fixed_fee is None else 0
    change_to = wallet.new_key_hash(CHANGE) if payments else None
    plan = plan_payment(state.coins, payments, change_to, rate, fixed_fee, data)
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
