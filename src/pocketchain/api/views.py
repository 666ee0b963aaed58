"""What the reading routes show: JSON views of blocks and transactions (never what is hashed),
and the answers built from the chain, the mempool and the store.

Every function taking a `Node` reads state the writer owns: call it through `node.call`; but
`status`, which reads the snapshot the writer publishes, from any thread.
"""

from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any, TypeVar

from .. import __version__
from ..chain.records import block_prevouts, decode_undo
from ..consensus.block import Block, BlockHeader
from ..consensus.connect import is_mature
from ..consensus.errors import RejectError
from ..consensus.hashes import from_display, to_display
from ..consensus.keys import decode_address, encode_address, key_hash
from ..consensus.merkle import merkle_branch
from ..consensus.pow import compact_to_target
from ..consensus.tx import OutPoint, Tx
from ..mempool.pool import MempoolEntry
from ..node.node import Node
from . import models
from .errors import ApiError

T = TypeVar("T")


def header_json(header: BlockHeader) -> dict[str, Any]:
    return {
        "hash": header.hash_hex,
        "version": header.version,
        "prev": to_display(header.prev),
        "merkle_root": to_display(header.merkle_root),
        "time": header.time,
        "bits": f"{header.bits:08x}",
        "nonce": header.nonce,
    }


def tx_json(tx: Tx, hrp: str) -> dict[str, Any]:
    inputs = [
        {
            "txid": to_display(i.prevout.txid),
            "vout": i.prevout.vout,
            "pubkey": i.pubkey.hex(),
            "signature": i.signature.hex(),
        }
        for i in tx.inputs
    ]
    if tx.is_coinbase:
        inputs = [{"coinbase": tx.inputs[0].signature.hex(), "height": tx.coinbase_height}]
    return {
        "txid": to_display(tx.txid),
        "version": tx.version,
        "size": tx.size,
        "inputs": inputs,
        "outputs": [
            {"amount": o.amount, "address": encode_address(hrp, o.key_hash)} for o in tx.outputs
        ],
        "data": tx.data.decode("utf-8", "replace") if tx.data else None,
        "hex": tx.raw.hex(),
    }


def block_json(
    block: Block, height: int, confirmations: int, next_hash: str | None, hrp: str
) -> dict[str, Any]:
    return {
        **header_json(block.header),
        "height": height,
        "confirmations": confirmations,
        "size": block.size,
        "txs": [tx_json(tx, hrp) for tx in block.txs],
        "next": next_hash,
    }


# -- the chain ------------------------------------------------------------------------------------


def status(node: Node, peers: int, synced: bool) -> models.Status:
    """From the writer's last snapshot (any thread)."""
    snapshot = node.snapshot
    tip = snapshot.tip
    target = compact_to_target(tip.header.bits)[0]
    return models.Status(
        network=node.params.name,
        hrp=node.params.hrp,
        magic=node.params.magic.hex(),
        pow_limit=f"{node.params.pow_limit:064x}",
        genesis=node.params.genesis.header.hash_hex,
        version=__version__,
        height=tip.height,
        tip=tip.header.hash_hex,
        bits=f"{tip.header.bits:08x}",
        difficulty=node.params.pow_limit / max(target, 1),
        chainwork=f"{tip.chainwork:064x}",
        peers=peers,
        mempool=snapshot.mempool_txs,
        mining=node.mining,
        hashrate=node.miner.hashrate,
        synced=synced,
    )


def block_list(node: Node, start: int | None, limit: int) -> models.BlockList:
    """Active-chain blocks from height `start` (at most the tip) down, newest first."""
    chain = node.chain
    top = chain.height if start is None else min(start, chain.height)
    entries = chain.chain[max(top - limit + 1, 0) : top + 1][::-1]
    sizes = node.store.block_sizes([e.hash for e in entries])
    return models.BlockList(
        blocks=[
            models.BlockSummary(
                hash=e.header.hash_hex,
                height=e.height,
                prev=to_display(e.header.prev),
                time=e.header.time,
                bits=f"{e.header.bits:08x}",
                size=sizes[e.hash][0],
                tx_count=sizes[e.hash][1],
            )
            for e in entries
        ]
    )


def block_detail(node: Node, block_hash: bytes) -> models.Block:
    """A whole block of the tree, on the active chain or not."""
    chain = node.chain
    entry = chain.entries.get(block_hash)
    found = chain.get_block(block_hash) if entry else None
    if entry is None or found is None:
        raise ApiError(404, "not-found", f"no block {to_display(block_hash)}")
    active = chain.in_active_chain(entry)
    confirmations = chain.height - entry.height + 1 if active else 0
    following = (
        chain.chain[entry.height + 1].header.hash_hex
        if active and entry.height < chain.height
        else None
    )
    view = block_json(found, entry.height, confirmations, following, node.params.hrp)
    return models.Block(**view)


def block_at(node: Node, height: int) -> models.Block:
    if not 0 <= height <= node.chain.height:
        raise ApiError(404, "not-found", f"no block at height {height}")
    return block_detail(node, node.chain.chain[height].hash)


def raw_blocks(node: Node, hashes: list[bytes]) -> models.RawBlocks:
    found = node.store.get_blocks(hashes)
    return models.RawBlocks(
        blocks=[
            models.RawBlock(hash=to_display(h), hex=found[h].hex()) for h in hashes if h in found
        ]
    )


def tips(node: Node) -> list[models.ChainTip]:
    return [
        models.ChainTip(
            hash=to_display(t.hash),
            height=t.height,
            chainwork=f"{t.chainwork:064x}",
            branchlen=t.branchlen,
            status=t.status,  # type: ignore[arg-type]  # the chainstate's four names
        )
        for t in node.chain.tips()
    ]


# -- transactions ---------------------------------------------------------------------------------


def _confirmed(node: Node, txid: bytes) -> tuple[Block, int, int]:
    """(block, height, position) of a transaction of the active chain; 404 for any other."""
    row = node.store.find_tx(txid)
    if row is None:
        where = "is not in a block yet" if txid in node.mempool else "is not known"
        raise ApiError(404, "not-found", f"transaction {to_display(txid)} {where}")
    found = node.chain.get_block(row.block)
    assert found is not None, "the txs table only holds blocks of the active chain"
    return found, row.height, row.position


def _fee(node: Node, block: Block, tx: Tx) -> int | None:
    """Inputs minus outputs of a confirmed tx: the coins it spent from earlier blocks are in the
    block's undo data, the others are outputs of the block's own transactions."""
    if tx.is_coinbase:
        return None
    undo = node.store.get_undo(block.hash)
    assert undo is not None, "every block of the active chain but genesis has undo data"
    spent = block_prevouts(block, decode_undo(undo))
    return sum(spent[i.prevout].amount for i in tx.inputs) - sum(o.amount for o in tx.outputs)


def transaction(node: Node, txid: bytes) -> models.TransactionStatus:
    """A transaction of the mempool, or else of the active chain."""
    hrp = node.params.hrp
    entry = node.mempool.get(txid)
    if entry is not None:
        return models.TransactionStatus(
            **tx_json(entry.tx, hrp),
            status="mempool",
            block=None,
            height=None,
            confirmations=0,
            fee=entry.fee,
        )
    found, height, position = _confirmed(node, txid)
    tx = found.txs[position]
    return models.TransactionStatus(
        **tx_json(tx, hrp),
        status="confirmed",
        block=found.header.hash_hex,
        height=height,
        confirmations=node.chain.height - height + 1,
        fee=_fee(node, found, tx),
    )


def proof(node: Node, txid: bytes) -> models.MerkleProof:
    found, _, position = _confirmed(node, txid)
    branch = merkle_branch([tx.txid for tx in found.txs], position)
    return models.MerkleProof(
        txid=to_display(txid),
        block=found.header.hash_hex,
        merkle_root=to_display(found.header.merkle_root),
        index=position,
        branch=[to_display(h) for h in branch],
    )


def mempool(node: Node, limit: int) -> models.Mempool:
    pool = node.mempool
    return models.Mempool(
        count=len(pool),
        bytes=pool.bytes,
        txs=[
            models.MempoolTransaction(
                **tx_json(e.tx, node.params.hrp), fee=e.fee, fee_rate=e.fee_rate
            )
            for e in pool.by_fee_rate()[:limit]
        ],
    )


# -- addresses and posts: the mempool's newest first, then the chain's --------------------------


def _newest_first(
    node: Node,
    before: bytes | None,
    limit: int,
    from_pool: Callable[[MempoolEntry], T | None],
    from_chain: Callable[[tuple[int, int] | None, int], list[T]],
) -> list[T]:
    """A page of items: those `from_pool` makes of pool transactions, newest arrival first, then
    `from_chain(after, count)` for confirmed ones below the (height, position) `after`.
    `before` continues after that txid, in the pool or on the active chain (404 otherwise)."""
    pool = node.mempool.entries()[::-1]
    after = None
    if before is not None:
        if before in node.mempool:
            pool = pool[[e.txid for e in pool].index(before) + 1 :]
        else:
            row = node.store.find_tx(before)
            if row is None:
                raise ApiError(404, "not-found", f"no transaction {to_display(before)}")
            pool, after = [], (row.height, row.position)
    page = list(islice((item for e in pool if (item := from_pool(e)) is not None), limit))
    if len(page) < limit:
        page += from_chain(after, limit - len(page))
    return page


def _pool_flows(node: Node, kh: bytes) -> dict[bytes, tuple[int, int]]:
    """(received, sent) of `kh` in each pool transaction touching it, by txid.

    An input spends a coin of `kh` exactly when its public key hashes to `kh` (the pool checked
    every signature), so only those coins are looked up: confirmed, or outputs of the pool.
    """
    touching: dict[bytes, tuple[int, list[OutPoint]]] = {}
    for entry in node.mempool.entries():
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
            parent = node.mempool.get(op.txid)
            assert parent is not None, "a pool transaction only spends coins that exist"
            amounts[op] = parent.tx.outputs[op.vout].amount
    return amounts


def address_summary(node: Node, kh: bytes) -> models.AddressSummary:
    totals = node.store.address_totals(kh)
    pending = sum(paid - spent for paid, spent in _pool_flows(node, kh).values())
    return models.AddressSummary(
        address=encode_address(node.params.hrp, kh),
        balance=totals.balance,
        pending=pending,
        received=totals.received,
        sent=totals.sent,
        tx_count=totals.tx_count,
    )


def address_coins(node: Node, kh: bytes, limit: int, offset: int) -> list[models.AddressCoin]:
    spend_height = node.chain.height + 1
    return [
        models.AddressCoin(
            txid=to_display(op.txid),
            vout=op.vout,
            amount=coin.amount,
            height=coin.height,
            coinbase=coin.coinbase,
            mature=is_mature(coin, spend_height, node.params),  # in the next block
            spent_in_mempool=node.mempool.spender(op) is not None,
        )
        for op, coin in node.store.address_coins(kh, limit, offset)
    ]


def address_txs(node: Node, kh: bytes, before: bytes | None, limit: int) -> list[models.AddressTx]:
    chain = node.chain
    flows = _pool_flows(node, kh)

    def from_pool(entry: MempoolEntry) -> models.AddressTx | None:
        if entry.txid not in flows:
            return None
        received, sent = flows[entry.txid]
        return models.AddressTx(
            txid=to_display(entry.txid),
            height=None,
            block=None,
            position=None,
            time=entry.time,
            received=received,
            sent=sent,
            confirmations=0,
        )

    def from_chain(after: tuple[int, int] | None, count: int) -> list[models.AddressTx]:
        return [
            models.AddressTx(
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


def posts(node: Node, before: bytes | None, limit: int) -> models.Posts:
    chain = node.chain
    hrp = node.params.hrp

    def from_pool(entry: MempoolEntry) -> models.Post | None:
        tx = entry.tx
        if not tx.data or tx.is_coinbase:
            return None
        return models.Post(
            txid=to_display(tx.txid),
            author=encode_address(hrp, key_hash(tx.inputs[0].pubkey)),
            content=tx.data.decode("utf-8", "replace"),
            time=entry.time,
            height=None,
            block=None,
        )

    def from_chain(after: tuple[int, int] | None, count: int) -> list[models.Post]:
        return [
            models.Post(
                txid=to_display(row.txid),
                author=encode_address(hrp, row.author),
                content=row.content.decode("utf-8", "replace"),
                time=row.time,
                height=row.height,
                block=chain.chain[row.height].header.hash_hex,
            )
            for row in node.store.recent_posts(count, after)
        ]

    return models.Posts(posts=_newest_first(node, before, limit, from_pool, from_chain))


def search(node: Node, query: str) -> models.SearchResults:
    """What a height, a block hash, a txid or an address names on this node."""
    chain, q = node.chain, query.strip()
    found: list[models.Found] = []
    if q.isascii() and q.isdigit() and int(q) <= chain.height:  # not other scripts' digits
        found.append(models.Found(kind="block", id=chain.chain[int(q)].header.hash_hex))
    elif len(q) == 64 and all(c in "0123456789abcdefABCDEF" for c in q):
        key = from_display(q.lower())
        if key in chain.entries:
            found.append(models.Found(kind="block", id=q.lower()))
        if node.mempool.get(key) is not None or node.store.find_tx(key) is not None:
            found.append(models.Found(kind="tx", id=q.lower()))
    else:
        try:
            decode_address(node.params.hrp, q.lower())
            found.append(models.Found(kind="address", id=q.lower()))
        except RejectError:
            pass
    return models.SearchResults(query=query, results=found)
