"""The node's read model: named queries over the chain, the mempool and the store.

Each function builds the results of `_results.py` (the JSON forms of CONTRACT section 4) from
state the writer owns, so each runs on the writer (`Node.call`), one moment of the chain per
answer; `Node`'s public methods (`block`, `tx`, `posts`, ...) are how everything else asks.
"""

from collections.abc import Callable, Iterable
from itertools import islice
from typing import TypedDict, TypeVar

from .._results import (
    AddressSummary,
    AddressTx,
    Block,
    BlockSummary,
    ChainTip,
    CoinbaseInput,
    FeeRates,
    Found,
    Mempool,
    PooledTransaction,
    Post,
    Proof,
    Transaction,
    TransactionStatus,
    TxInput,
    TxOutput,
    Utxo,
)
from ..chain.records import block_prevouts, decode_undo
from ..consensus.block import Block as RawBlock
from ..consensus.connect import is_mature
from ..consensus.errors import NotFound, RejectError
from ..consensus.hashes import from_display, to_display
from ..consensus.keys import decode_address, encode_address, key_hash
from ..consensus.merkle import merkle_branch
from ..consensus.tx import OutPoint, Tx
from ..mempool.pool import MempoolEntry
from ..mining.assemble import TEMPLATE_BYTES
from .core import NodeCore as Node  # what the queries read: the writer's state

T = TypeVar("T")


def transaction(tx: Tx, hrp: str) -> Transaction:
    """A transaction's JSON form: its fields and what is derived from them."""
    return Transaction(**_tx_fields(tx, hrp))


class _TxJson(TypedDict):
    """The fields every JSON form of a transaction has, for the results that extend it."""

    txid: str
    version: int
    size: int
    inputs: tuple[TxInput | CoinbaseInput, ...]
    outputs: tuple[TxOutput, ...]
    data: str | None
    hex: str


def _tx_fields(tx: Tx, hrp: str) -> _TxJson:
    inputs: tuple[TxInput | CoinbaseInput, ...] = tuple(
        TxInput(
            txid=to_display(i.prevout.txid),
            vout=i.prevout.vout,
            pubkey=i.pubkey.hex(),
            signature=i.signature.hex(),
        )
        for i in tx.inputs
    )
    if tx.is_coinbase:
        inputs = (CoinbaseInput(coinbase=tx.inputs[0].signature.hex(), height=tx.coinbase_height),)
    return {
        "txid": to_display(tx.txid),
        "version": tx.version,
        "size": tx.size,
        "inputs": inputs,
        "outputs": tuple(
            TxOutput(amount=o.amount, address=encode_address(hrp, o.key_hash)) for o in tx.outputs
        ),
        "data": tx.data.decode("utf-8", "replace") if tx.data else None,
        "hex": tx.raw.hex(),
    }


# -- blocks ---------------------------------------------------------------------------------------


def block_list(node: Node, start: int | None, limit: int) -> tuple[BlockSummary, ...]:
    """Active-chain blocks from height `start` (at most the tip) down, newest first."""
    chain = node.chain
    top = chain.height if start is None else min(start, chain.height)
    entries = chain.chain[max(top - limit + 1, 0) : top + 1][::-1]
    sizes = node.store.block_sizes([e.hash for e in entries])
    return tuple(
        BlockSummary(
            hash=e.header.hash_hex,
            height=e.height,
            prev=to_display(e.header.prev),
            time=e.header.time,
            bits=f"{e.header.bits:08x}",
            size=sizes[e.hash][0],
            tx_count=sizes[e.hash][1],
        )
        for e in entries
    )


def block(node: Node, block_hash: bytes) -> Block:
    """A whole block of the tree, on the active chain or not; NotFound for an unknown one."""
    chain = node.chain
    entry = chain.entries.get(block_hash)
    found = chain.get_block(block_hash) if entry else None
    if entry is None or found is None:
        raise NotFound(f"no block {to_display(block_hash)}")
    active = chain.in_active_chain(entry)
    following = chain.chain[entry.height + 1] if active and entry.height < chain.height else None
    header = found.header
    return Block(
        hash=header.hash_hex,
        version=header.version,
        prev=to_display(header.prev),
        merkle_root=to_display(header.merkle_root),
        time=header.time,
        bits=f"{header.bits:08x}",
        nonce=header.nonce,
        height=entry.height,
        confirmations=chain.height - entry.height + 1 if active else 0,
        size=found.size,
        txs=tuple(transaction(tx, node.params.hrp) for tx in found.txs),
        next=following.header.hash_hex if following else None,
    )


def block_at(node: Node, height: int) -> Block:
    if not 0 <= height <= node.chain.height:
        raise NotFound(f"no block at height {height}")
    return block(node, node.chain.chain[height].hash)


def tips(node: Node) -> tuple[ChainTip, ...]:
    return tuple(
        ChainTip(
            hash=to_display(t.hash),
            height=t.height,
            chainwork=f"{t.chainwork:064x}",
            branchlen=t.branchlen,
            status=t.status,  # type: ignore[arg-type]  # the chainstate's four names
        )
        for t in node.chain.tips()
    )


# -- transactions ---------------------------------------------------------------------------------


def _confirmed(node: Node, txid: bytes) -> tuple[RawBlock, int, int]:
    """(block, height, position) of a transaction of the active chain; NotFound otherwise."""
    row = node.store.find_tx(txid)
    if row is None:
        where = "is not in a block yet" if txid in node.pool else "is not known"
        raise NotFound(f"transaction {to_display(txid)} {where}")
    found = node.chain.get_block(row.block)
    assert found is not None, "the txs table only holds blocks of the active chain"
    return found, row.height, row.position


def _fee(node: Node, found: RawBlock, tx: Tx) -> int | None:
    """Inputs minus outputs of a confirmed tx: the coins it spent from earlier blocks are in the
    block's undo data, the others are outputs of the block's own transactions."""
    if tx.is_coinbase:
        return None
    undo = node.store.get_undo(found.hash)
    assert undo is not None, "every block of the active chain but genesis has undo data"
    spent = block_prevouts(found, decode_undo(undo))
    return sum(spent[i.prevout].amount for i in tx.inputs) - sum(o.amount for o in tx.outputs)


def transaction_status(node: Node, txid: bytes) -> TransactionStatus:
    """A transaction of the mempool, or else of the active chain."""
    hrp = node.params.hrp
    entry = node.pool.get(txid)
    if entry is not None:
        return TransactionStatus(
            **_tx_fields(entry.tx, hrp),
            status="mempool",
            block=None,
            height=None,
            confirmations=0,
            fee=entry.fee,
        )
    found, height, position = _confirmed(node, txid)
    tx = found.txs[position]
    return TransactionStatus(
        **_tx_fields(tx, hrp),
        status="confirmed",
        block=found.header.hash_hex,
        height=height,
        confirmations=node.chain.height - height + 1,
        fee=_fee(node, found, tx),
    )


def proof(node: Node, txid: bytes) -> Proof:
    found, _, position = _confirmed(node, txid)
    branch = merkle_branch([tx.txid for tx in found.txs], position)
    return Proof(
        txid=to_display(txid),
        block=found.header.hash_hex,
        merkle_root=to_display(found.header.merkle_root),
        index=position,
        branch=tuple(to_display(h) for h in branch),
    )


def mempool(node: Node, limit: int) -> Mempool:
    pool = node.pool
    return Mempool(
        count=len(pool),
        bytes=pool.bytes,
        txs=tuple(
            PooledTransaction(**_tx_fields(e.tx, node.params.hrp), fee=e.fee, fee_rate=e.fee_rate)
            for e in pool.by_fee_rate()[:limit]
        ),
    )


def fees(node: Node) -> FeeRates:
    """The mempool's floor, and the rate that gets a new transaction into the next block."""
    pool = node.pool
    return FeeRates(min_fee_rate=pool.min_fee_rate, fee_rate=pool.fee_rate_for(TEMPLATE_BYTES))


# -- addresses and posts: the mempool's newest first, then the chain's --------------------------


def _newest_first(
    node: Node,
    before: bytes | None,
    limit: int,
    from_pool: Callable[[MempoolEntry], T | None],
    from_chain: Callable[[tuple[int, int] | None, int], list[T]],
) -> tuple[T, ...]:
    """A page of items: those `from_pool` makes of pool transactions, newest arrival first, then
    `from_chain(after, count)` for confirmed ones below the (height, position) `after`.
    `before` continues after that txid, in the pool or on the active chain (NotFound else)."""
    pool = node.pool.entries()[::-1]
    after = None
    if before is not None:
        if before in node.pool:
            pool = pool[[e.txid for e in pool].index(before) + 1 :]
        else:
            row = node.store.find_tx(before)
            if row is None:
                raise NotFound(f"no transaction {to_display(before)}")
            pool, after = [], (row.height, row.position)
    page = list(islice((item for e in pool if (item := from_pool(e)) is not None), limit))
    if len(page) < limit:
        page += from_chain(after, limit - len(page))
    return tuple(page)


def _pool_flows(node: Node, kh: bytes) -> dict[bytes, tuple[int, int]]:
    """(received, sent) of `kh` in each pool transaction touching it, by txid.

    An input spends a coin of `kh` exactly when its public key hashes to `kh` (the pool checked
    every signature), so only those coins are looked up: confirmed, or outputs of the pool.
    """
    touching: dict[bytes, tuple[int, list[OutPoint]]] = {}
    for entry in node.pool.entries():
        paid = [o.amount for o in entry.tx.outputs if o.key_hash == kh]
        spent = [i.prevout for i in entry.tx.inputs if key_hash(i.pubkey) == kh]
        if paid or spent:
            touching[entry.txid] = (sum(paid), spent)
    amounts = _coin_amounts(node, [op for _, spent in touching.values() for op in spent])
    return {
        txid: (paid, sum(amounts[op] for op in spent)) for txid, (paid, spent) in touching.items()
    }


def _coin_amounts(node: Node, outpoints: Iterable[OutPoint]) -> dict[OutPoint, int]:
    """The amounts of coins pool transactions spend: confirmed ones, then the pool's outputs."""
    wanted = list(outpoints)
    amounts = {op: coin.amount for op, coin in node.chain.coins.fetch(wanted).items()}
    for op in wanted:
        if op not in amounts:
            parent = node.pool.get(op.txid)
            assert parent is not None, "a pool transaction only spends coins that exist"
            amounts[op] = parent.tx.outputs[op.vout].amount
    return amounts


def address_summary(node: Node, kh: bytes) -> AddressSummary:
    totals = node.store.address_totals(kh)
    pending = sum(paid - spent for paid, spent in _pool_flows(node, kh).values())
    return AddressSummary(
        address=encode_address(node.params.hrp, kh),
        balance=totals.balance,
        pending=pending,
        received=totals.received,
        sent=totals.sent,
        tx_count=totals.tx_count,
    )


def utxos(node: Node, kh: bytes, limit: int, offset: int) -> tuple[Utxo, ...]:
    spend_height = node.chain.height + 1
    return tuple(
        Utxo(
            txid=to_display(op.txid),
            vout=op.vout,
            amount=coin.amount,
            height=coin.height,
            coinbase=coin.coinbase,
            mature=is_mature(coin, spend_height, node.params),  # in the next block
            spent_in_mempool=node.pool.spender(op) is not None,
        )
        for op, coin in node.store.address_coins(kh, limit, offset)
    )


def address_txs(node: Node, kh: bytes, before: bytes | None, limit: int) -> tuple[AddressTx, ...]:
    chain = node.chain
    flows = _pool_flows(node, kh)

    def from_pool(entry: MempoolEntry) -> AddressTx | None:
        if entry.txid not in flows:
            return None
        received, sent = flows[entry.txid]
        return AddressTx(
            txid=to_display(entry.txid),
            height=None,
            block=None,
            position=None,
            time=entry.time,
            received=received,
            sent=sent,
            confirmations=0,
        )

    def from_chain(after: tuple[int, int] | None, count: int) -> list[AddressTx]:
        return [
            AddressTx(
                txid=to_display(row.txid),
                height=row.height,
                block=chain.chain[row.height].header.hash_hex,
                position=row.position,
                time=chain.chain[row.height].header.time,
                received=row.received,
                sent=row.sent,
                confirmations=chain.height - row.height + 1,
            )
            for row in node.store.address_history(kh, count, after)
        ]

    return _newest_first(node, before, limit, from_pool, from_chain)


def posts(node: Node, before: bytes | None, limit: int) -> tuple[Post, ...]:
    chain = node.chain
    hrp = node.params.hrp

    def from_pool(entry: MempoolEntry) -> Post | None:
        tx = entry.tx
        if not tx.data or tx.is_coinbase:
            return None
        return Post(
            txid=to_display(tx.txid),
            author=encode_address(hrp, key_hash(tx.inputs[0].pubkey)),
            content=tx.data.decode("utf-8", "replace"),
            time=entry.time,
            height=None,
            block=None,
        )

    def from_chain(after: tuple[int, int] | None, count: int) -> list[Post]:
        return [
            Post(
                txid=to_display(row.txid),
                author=encode_address(hrp, row.author),
                content=row.content.decode("utf-8", "replace"),
                time=row.time,
                height=row.height,
                block=chain.chain[row.height].header.hash_hex,
            )
            for row in node.store.recent_posts(count, after)
        ]

    return _newest_first(node, before, limit, from_pool, from_chain)


def search(node: Node, query: str) -> tuple[Found, ...]:
    """What a height, a block hash, a txid or an address names on this node."""
    chain, q = node.chain, query.strip()
    found: list[Found] = []
    if q.isascii() and q.isdigit() and int(q) <= chain.height:  # not other scripts' digits
        found.append(Found(kind="block", id=chain.chain[int(q)].header.hash_hex))
    elif len(q) == 64 and all(c in "0123456789abcdefABCDEF" for c in q):
        key = from_display(q.lower())
        if key in chain.entries:
            found.append(Found(kind="block", id=q.lower()))
        if node.pool.get(key) is not None or node.store.find_tx(key) is not None:
            found.append(Found(kind="tx", id=q.lower()))
    else:
        try:
            decode_address(node.params.hrp, q.lower())
            found.append(Found(kind="address", id=q.lower()))
        except RejectError:
            pass
    return tuple(found)
