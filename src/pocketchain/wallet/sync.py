"""What the chain and the node's mempool say of a wallet, read from a node (its `Chain`).

`scan` looks at every address given out plus GAP more on each chain (a restored wallet finds its
used addresses this way), gathers the confirmed coins, and follows the transactions the wallet
sent: those still in the mempool give it unconfirmed change to spend, and one the node no longer
knows whose coins went elsewhere was conflicted (a double spend won against it).
"""

from dataclasses import dataclass, field

from ..consensus.errors import NotFound
from ..consensus.hashes import from_display
from ..consensus.tx import OutPoint, Tx
from .build import Spendable
from .chain import Chain
from .wallet import CHANGE, GAP, RECEIVE, SentTx, Wallet

PAGE = 500  # the largest page the node serves for address transactions


@dataclass
class WalletState:
    addresses: list[str] = field(default_factory=list)  # used, or given out
    coins: list[Spendable] = field(default_factory=list)  # spendable now, confirmed first
    confirmed: int = 0  # mature coins in blocks that no mempool transaction spends
    unconfirmed: int = 0  # what mempool transactions add (or take) in all
    immature: int = 0  # coinbase outputs still maturing
    # of each transaction the wallet sent: mempool, confirmed, conflicted or abandoned, and its
    # confirmations
    sent_status: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.confirmed + self.unconfirmed + self.immature


def scan(wallet: Wallet, node: Chain) -> WalletState:
    state = WalletState()
    spent_in_pool: set[OutPoint] = set()
    for chain in (RECEIVE, CHANGE):
        index = 0
        while index < wallet.issued[chain] + GAP:
            address = wallet.address(chain, index)
            summary = node.address(address)
            if summary.tx_count or summary.pending:
                wallet.see_used(chain, index)
            if index < wallet.issued[chain]:
                state.addresses.append(address)
                state.unconfirmed += summary.pending
                if summary.balance:
                    kh = wallet.key_hash(chain, index)
                    _add_coins(state, node, address, kh, spent_in_pool)
            index += 1
    _follow_sent(wallet, node, state, spent_in_pool)
    return state


def _add_coins(
    state: WalletState,
    node: Chain,
    address: str,
    kh: bytes,
    spent_in_pool: set[OutPoint],
) -> None:
    offset = 0
    while True:
        page = node.utxos(address, PAGE, offset)
        for coin in page:
            outpoint = OutPoint(from_display(coin.txid), coin.vout)
            if not coin.mature:
                state.immature += coin.amount
            elif coin.spent_in_mempool:
                spent_in_pool.add(outpoint)
                state.unconfirmed += coin.amount  # `pending` took it off already
            else:
                state.confirmed += coin.amount
                state.coins.append(Spendable(outpoint, coin.amount, kh, True))
        if len(page) < PAGE:
            return
        offset += PAGE


def _follow_sent(
    wallet: Wallet, node: Chain, state: WalletState, spent_in_pool: set[OutPoint]
) -> None:
    """The status of each transaction the wallet sent; unconfirmed change from those pending."""
    ours = {coin.outpoint for coin in state.coins} | spent_in_pool
    pending: list[Tx] = []
    for sent in wallet.sent:
        tx = Tx.parse(bytes.fromhex(sent.hex))
        status, confirmations = _status(node, sent)
        if status == "unknown":  # spent coins gone elsewhere: conflicted; else it was dropped
            gone = any(txin.prevout not in ours for txin in tx.inputs)
            status = "conflicted" if gone else "abandoned"
        state.sent_status[sent.txid] = status, confirmations
        if status == "mempool":
            pending.append(tx)
    spent = {txin.prevout for tx in pending for txin in tx.inputs}
    for tx in pending:
        for vout, out in enumerate(tx.outputs):
            outpoint = OutPoint(tx.txid, vout)
            if outpoint not in spent and wallet.owns(out.key_hash):
                state.coins.append(Spendable(outpoint, out.amount, out.key_hash, False))


def _status(node: Chain, sent: SentTx) -> tuple[str, int]:
    try:
        found = node.tx(sent.txid)
    except NotFound:
        return "unknown", 0
    return found.status, found.confirmations
