"""Spending: transactions and blocks checked against the set of unspent outputs.

Core: Consensus::CheckTxInputs, the script checks, and ConnectBlock. The UTXO view is passed in;
nothing is written: connect_block returns what the block spends and creates, and the caller
stores it (and keeps `spent` as the undo data).
"""

from collections.abc import Callable, Container
from typing import NamedTuple, Protocol

from .block import Block
from .errors import RejectError
from .hashes import to_display
from .keys import key_hash, verify
from .params import MAX_MONEY, ChainParams, block_subsidy
from .tx import OutPoint, Tx


class Coin(NamedTuple):
    """An unspent output with what the rules need to know about where it came from."""

    amount: int
    key_hash: bytes
    height: int
    coinbase: bool


class UtxoView(Protocol):
    def get(self, outpoint: OutPoint, /) -> Coin | None: ...


class BlockChanges(NamedTuple):
    spent: list[tuple[OutPoint, Coin]]  # coins of earlier blocks, in spending order: the undo data
    created: dict[OutPoint, Coin]  # new coins still unspent at the end of the block
    fees: int


def is_mature(coin: Coin, spend_height: int, params: ChainParams) -> bool:
    """Whether a block at `spend_height` may spend the coin (Core: COINBASE_MATURITY)."""
    return not coin.coinbase or spend_height - coin.height >= params.coinbase_maturity


def check_tx_inputs(
    tx: Tx, get: Callable[[OutPoint], Coin | None], spend_height: int, params: ChainParams
) -> tuple[int, list[Coin]]:
    """The fee and the coins a transaction spends (Core: Consensus::CheckTxInputs)."""
    coins = []
    total_in = 0
    for txin in tx.inputs:
        coin = get(txin.prevout)
        if coin is None:
            raise RejectError(
                "bad-txns-inputs-missingorspent", f"input {txin.prevout} is missing or spent"
            )
        if not is_mature(coin, spend_height, params):
            raise RejectError(
                "bad-txns-premature-spend-of-coinbase",
                f"coinbase output spent after {spend_height - coin.height} confirmations",
            )
        total_in += coin.amount
        if not 0 <= coin.amount <= MAX_MONEY or total_in > MAX_MONEY:
            raise RejectError("bad-txns-inputvalues-outofrange", "input values out of range")
        coins.append(coin)
    total_out = sum(out.amount for out in tx.outputs)
    if total_in < total_out:
        raise RejectError(
            "bad-txns-in-belowout", f"inputs {total_in} are below outputs {total_out}"
        )
    return total_in - total_out, coins


def check_signatures(tx: Tx, coins: list[Coin], magic: bytes, verified: bool = False) -> None:
    """Each input shows the key its coin pays to and signs the sighash (Core: script checks).

    `verified`: the signatures of these exact bytes were checked before (Core: the signature
    cache), so only the keys are compared with the coins.
    """
    for n, (txin, coin) in enumerate(zip(tx.inputs, coins, strict=True)):
        if key_hash(txin.pubkey) != coin.key_hash:
            raise RejectError("bad-pubkey", f"input {n} of {to_display(tx.txid)}: wrong key")
    if not verified and not signatures_valid(tx, magic):
        raise RejectError("bad-signature", f"{to_display(tx.txid)}: bad signature")


def signatures_valid(tx: Tx, magic: bytes) -> bool:
    """Every input's signature verifies against its own public key: needs no coin, so it can be
    checked ahead of time, in parallel (Core: CheckInputScripts on worker threads)."""
    digest = tx.sighash(magic)
    return all(verify(txin.pubkey, txin.signature, digest) for txin in tx.inputs)


def connect_block(
    block: Block,
    height: int,
    view: UtxoView,
    params: ChainParams,
    verified: Container[bytes] = frozenset(),
) -> BlockChanges:
    """Check every spend of a block that passed check_block (Core: ConnectBlock); the signatures
    of transactions whose txids are in `verified` were checked already."""
    created: dict[OutPoint, Coin] = {}
    spent: list[tuple[OutPoint, Coin]] = []
    spent_earlier: set[OutPoint] = set()

    def get(outpoint: OutPoint) -> Coin | None:
        coin = created.get(outpoint)
        if coin is None and outpoint not in spent_earlier:
            coin = view.get(outpoint)
        return coin

    coinbase = block.txs[0]
    _add_outputs(created, coinbase, height)  # Core adds them first: spending one is premature
    fees = 0
    for tx in block.txs[1:]:
        fee, coins = check_tx_inputs(tx, get, height, params)
        check_signatures(tx, coins, params.magic, tx.txid in verified)
        for txin, coin in zip(tx.inputs, coins, strict=True):
            if created.pop(txin.prevout, None) is None:  # a coin of this block is simply gone
                spent.append((txin.prevout, coin))
                spent_earlier.add(txin.prevout)
        fees += fee
        _add_outputs(created, tx, height)
    reward = sum(out.amount for out in coinbase.outputs)
    if reward > block_subsidy(height, params) + fees:
        raise RejectError("bad-cb-amount", f"coinbase pays {reward}, more than subsidy plus fees")
    return BlockChanges(spent, created, fees)


def _add_outputs(created: dict[OutPoint, Coin], tx: Tx, height: int) -> None:
    is_coinbase = tx.is_coinbase
    for index, out in enumerate(tx.outputs):
        created[OutPoint(tx.txid, index)] = Coin(out.amount, out.key_hash, height, is_coinbase)
