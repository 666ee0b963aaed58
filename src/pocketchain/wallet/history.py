"""The wallet's transactions, newest first, as a person reads them: who paid whom, how much.

The node lists each address's transactions with what it received and sent in them; the wallet
adds them up across its addresses, then looks at each transaction shown to name the other side:
the payer of what came in (the address of its first input's key), the payee of what went out
(the first output that is not the wallet's), or the wallet itself.
"""

from dataclasses import dataclass

from .._results import AddressTx, CoinbaseInput, TransactionStatus
from ..consensus.hashes import to_display
from ..consensus.keys import decode_address, encode_address, key_hash
from ..consensus.tx import Tx
from .chain import Chain
from .sync import PAGE, WalletState
from .wallet import Wallet


@dataclass(frozen=True)
class HistoryEntry:
    """One transaction of a wallet's history, as `pocketchain wallet history --json` prints it."""

    txid: str
    time: int
    height: int | None
    position: int | None  # in its block
    confirmations: int
    status: str  # confirmed, mempool, conflicted or abandoned
    direction: str  # received, sent, self, post or mined
    amount: int  # what the wallet gained (negative: what it paid, fee included)
    counterparty: str  # an address, or "coinbase"
    text: str | None  # a post's text


@dataclass
class _Flow:
    time: int
    height: int | None
    position: int | None
    confirmations: int
    received: int = 0
    sent: int = 0


def history(wallet: Wallet, node: Chain, state: WalletState, limit: int) -> list[HistoryEntry]:
    flows: dict[str, _Flow] = {}
    for address in state.addresses:
        for row in _address_txs(node, address):
            flow = flows.setdefault(
                row.txid, _Flow(row.time, row.height, row.position, row.confirmations)
            )
            flow.received += row.received
            flow.sent += row.sent
    entries = [
        _entry(wallet, node.tx(txid), flow)
        for txid, flow in sorted(flows.items(), key=lambda item: _newest(item[1]))[:limit]
    ]
    for sent in wallet.sent:  # the wallet's own that the chain no longer has
        status, _ = state.sent_status.get(sent.txid, ("", 0))
        if status in ("conflicted", "abandoned"):
            entries.append(_lost(wallet, Tx.parse(bytes.fromhex(sent.hex)), sent.time, status))
    return sorted(entries, key=_newest)[:limit]


def _address_txs(node: Chain, address: str) -> list[AddressTx]:
    rows: list[AddressTx] = []
    while True:
        page = node.address_txs(address, rows[-1].txid if rows else None, PAGE)
        rows += page
        if len(page) < PAGE:
            return rows


def _newest(row: "_Flow | HistoryEntry") -> tuple[bool, int, int, int]:
    """Unconfirmed first (the latest first), then by height and place in the block, downward."""
    return row.height is not None, -(row.height or 0), -(row.position or 0), -row.time


def _entry(wallet: Wallet, tx: TransactionStatus, flow: _Flow) -> HistoryEntry:
    hrp = wallet.params.hrp
    first = tx.inputs[0]
    outside = [o.address for o in tx.outputs if not wallet.owns(decode_address(hrp, o.address))]
    if isinstance(first, CoinbaseInput):
        direction, counterparty = "mined", "coinbase"
    elif flow.sent == 0:
        direction = "received"
        counterparty = encode_address(hrp, key_hash(bytes.fromhex(first.pubkey)))
    elif outside:
        direction, counterparty = "sent", outside[0]
    else:  # every output came back: a payment to oneself, or a post
        direction = "post" if tx.data else "self"
        counterparty = tx.outputs[0].address
    return HistoryEntry(
        txid=tx.txid,
        time=flow.time,
        height=flow.height,
        position=flow.position,
        confirmations=flow.confirmations,
        status=tx.status,
        direction=direction,
        amount=flow.received - flow.sent,
        counterparty=counterparty,
        text=tx.data,
    )


def _lost(wallet: Wallet, tx: Tx, time: int, status: str) -> HistoryEntry:
    """A sent transaction the node does not have: what it would have paid, to whom."""
    outside = [out for out in tx.outputs if not wallet.owns(out.key_hash)]
    payee = outside[0].key_hash if outside else tx.outputs[0].key_hash
    return HistoryEntry(
        txid=to_display(tx.txid),
        time=time,
        height=None,
        position=None,
        confirmations=0,
        status=status,
        direction="sent" if outside else ("post" if tx.data else "self"),
        amount=-sum(out.amount for out in outside),  # the fee is not known without its coins
        counterparty=encode_address(wallet.params.hrp, payee),
        text=tx.data.decode("utf-8", "replace") if tx.data else None,
    )
