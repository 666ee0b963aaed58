"""The memory pool: valid unconfirmed transactions waiting for a block.

Admission is consensus (the same checks a block applies) plus policy (policy.py). Transactions may
spend outputs of other pool transactions, so the pool is a forest of chains: every pool tx has its
in-pool parents (the txs whose outputs it spends) and children (the txs spending its outputs).
Insertion order is always parents first, which keeps every list the pool returns topological.

Core: txmempool.cpp (CTxMemPool) and AcceptToMemoryPool / MaybeUpdateMempoolForReorg in
validation.cpp; the block template order follows BlockAssembler::addPackageTxs in miner.cpp.
"""

import heapq
import math
import time
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from ..consensus.block import Block
from ..consensus.check import check_transaction
from ..consensus.connect import Coin, check_signatures, check_tx_inputs
from ..consensus.errors import RejectError
from ..consensus.hashes import to_display
from ..consensus.params import ChainParams
from ..consensus.tx import OutPoint, Tx
from .policy import DEFAULT_MIN_FEE_RATE, check_standard

DEFAULT_MAX_BYTES = 50_000_000  # Core: DEFAULT_MAX_MEMPOOL_SIZE_MB (300 MB there)
DEFAULT_ANCESTOR_LIMIT = 25  # Core: DEFAULT_ANCESTOR_LIMIT, the tx and its in-pool ancestors
DEFAULT_DESCENDANT_LIMIT = 25  # Core: DEFAULT_DESCENDANT_LIMIT, a pool tx and its descendants


class CoinSource(Protocol):
    """The confirmed UTXO set of the active chain (Core: CCoinsView)."""

    def get(self, outpoint: OutPoint, /) -> Coin | None: ...


@dataclass(frozen=True)
class MempoolEntry:
    """A pool transaction with what ordering needs (Core: CTxMemPoolEntry)."""

    tx: Tx
    fee: int
    size: int
    time: int  # when it entered the pool, seconds since the epoch
    height: int  # the chain height when it entered

    @property
    def txid(self) -> bytes:
        return self.tx.txid

    @property
    def fee_rate(self) -> float:
        """Base units per byte (Core: CFeeRate)."""
        return self.fee / self.size


class Mempool:
    """Core: CTxMemPool. Not thread-safe: the node's single writer owns it."""

    def __init__(
        self,
        params: ChainParams,
        max_bytes: int = DEFAULT_MAX_BYTES,
        min_fee_rate: int = DEFAULT_MIN_FEE_RATE,
        *,
        max_ancestors: int = DEFAULT_ANCESTOR_LIMIT,
        max_descendants: int = DEFAULT_DESCENDANT_LIMIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.params = params
        self.max_bytes = max_bytes
        self.min_fee_rate = min_fee_rate
        self.max_ancestors = max_ancestors
        self.max_descendants = max_descendants
        self._clock = clock
        self._entries: dict[bytes, MempoolEntry] = {}  # by txid, in insertion order
        self._spenders: dict[OutPoint, bytes] = {}  # Core: mapNextTx
        self._seq: dict[bytes, int] = {}  # insertion number of each txid
        self._next_seq = 0
        self._by_rate: list[tuple[float, int, bytes]] = []  # (fee rate, -seq, txid), ascending
        self._size = 0

    # -- reading ----------------------------------------------------------------------------------

    def __contains__(self, txid: object) -> bool:
        return txid in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, txid: bytes) -> MempoolEntry | None:
        return self._entries.get(txid)

    def txs(self) -> list[Tx]:
        """Every pool transaction in insertion order (parents before children)."""
        return [entry.tx for entry in self._entries.values()]

    def entries(self) -> list[MempoolEntry]:
        """Every entry in insertion order (parents before children)."""
        return list(self._entries.values())

    def spender(self, outpoint: OutPoint) -> bytes | None:
        """The txid of the pool transaction spending `outpoint`, if any (Core: GetConflictTx)."""
        return self._spenders.get(outpoint)

    def by_fee_rate(self) -> list[MempoolEntry]:
        """Every entry, highest fee rate first; equal rates in insertion order."""
        return [self._entries[txid] for _, _, txid in reversed(self._by_rate)]

    def parents(self, txid: bytes) -> set[bytes]:
        """The pool transactions whose outputs `txid` spends."""
        tx = self._entries[txid].tx
        return {txin.prevout.txid for txin in tx.inputs if txin.prevout.txid in self._entries}

    def children(self, txid: bytes) -> set[bytes]:
        """The pool transactions spending outputs of `txid`."""
        tx = self._entries[txid].tx
        found = (self._spenders.get(OutPoint(txid, n)) for n in range(len(tx.outputs)))
        return {child for child in found if child is not None}

    def ancestors(self, txid: bytes) -> set[bytes]:
        """The in-pool ancestors of a pool tx, not itself (Core: CalculateMemPoolAncestors)."""
        return self._closure(self.parents(txid), self.parents)

    def descendants(self, txid: bytes) -> set[bytes]:
        """A pool tx and every in-pool descendant (Core: CalculateDescendants)."""
        return self._closure({txid}, self.children)

    @staticmethod
    def _closure(start: set[bytes], step: Callable[[bytes], set[bytes]]) -> set[bytes]:
        found = set(start)
        todo = list(start)
        while todo:
            for nxt in step(todo.pop()):
                if nxt not in found:
                    found.add(nxt)
                    todo.append(nxt)
        return found

    # -- admission --------------------------------------------------------------------------------

    def accept(self, tx: Tx, coins: CoinSource, tip_height: int) -> MempoolEntry:
        """Validate `tx` against the chain tip and the pool and add it (Core: AcceptToMemoryPool).

        Raises RejectError with a stable code; the pool is unchanged when it does.
        """
        entry = self._validate(tx, coins, tip_height)
        ancestors = self._check_chain_limits(tx)
        self._make_room(entry, ancestors)
        self._add(entry)
        return entry

    def load(self, raws: list[bytes], coins: CoinSource, tip_height: int) -> int:
        """Re-accept saved raw transactions in order, skipping invalid ones (Core: LoadMempool).

        Returns how many were accepted.
        """
        accepted = 0
        for raw in raws:
            try:
                self.accept(Tx.parse(raw), coins, tip_height)
            except RejectError:  # DecodeError included
                continue
            accepted += 1
        return accepted

    def _validate(
        self,
        tx: Tx,
        coins: CoinSource,
        tip_height: int,
        *,
        bypass_limits: bool = False,
        verify: bool = True,
        previous: MempoolEntry | None = None,
    ) -> MempoolEntry:
        """Every check but the pool's size and chain limits (Core: PreChecks and the script checks).

        `bypass_limits` skips the fee-rate floor (transactions back from disconnected blocks);
        `verify` False skips signatures already checked for this very txid.
        """
        txid = tx.txid
        if txid in self._entries:  # Core: "txn-already-in-mempool"
            raise RejectError(
                "txn-already-in-mempool", f"{to_display(txid)} is already in the pool"
            )
        check_transaction(tx)  # Core: CheckTransaction
        check_standard(tx)  # Core: IsStandardTx
        for txin in tx.inputs:  # Core: "txn-mempool-conflict" (replacement is not supported)
            other = self._spenders.get(txin.prevout)
            if other is not None:
                raise RejectError(
                    "txn-mempool-conflict",
                    f"input {txin.prevout} is already spent by {to_display(other)} in the pool",
                )
        spend_height = tip_height + 1
        try:
            fee, spent = check_tx_inputs(
                tx, self._coin_view(coins, spend_height), spend_height, self.params
            )
        except RejectError as exc:
            # Core: only when an input is gone can the transaction itself be confirmed already
            if exc.code == "bad-txns-inputs-missingorspent" and any(
                coins.get(OutPoint(txid, n)) is not None for n in range(len(tx.outputs))
            ):
                raise RejectError(
                    "txn-already-known", f"{to_display(txid)} is already confirmed"
                ) from None
            raise
        if verify:
            check_signatures(tx, spent, self.params.magic)
        size = tx.size
        if not bypass_limits and fee < self.min_fee_rate * size:  # Core: "min relay fee not met"
            raise RejectError(
                "mempool-min-fee-not-met",
                f"fee {fee} is below {self.min_fee_rate * size} ({self.min_fee_rate}/byte)",
            )
        if previous is not None:
            return MempoolEntry(tx, fee, size, previous.time, previous.height)
        return MempoolEntry(tx, fee, size, int(self._clock()), tip_height)

    def _coin_view(self, coins: CoinSource, spend_height: int) -> Callable[[OutPoint], Coin | None]:
        """Confirmed coins, then outputs of pool transactions (Core: CCoinsViewMemPool)."""

        def get(outpoint: OutPoint) -> Coin | None:
            coin = coins.get(outpoint)
            if coin is not None:
                return coin
            parent = self._entries.get(outpoint.txid)
            if parent is None or outpoint.vout >= len(parent.tx.outputs):
                return None
            out = parent.tx.outputs[outpoint.vout]
            return Coin(out.amount, out.key_hash, spend_height, False)  # Core: MEMPOOL_HEIGHT

        return get

    def _check_chain_limits(self, tx: Tx) -> set[bytes]:
        """The in-pool ancestors of `tx`, within the chain limits (Core: CheckPackageLimits)."""
        parents = {txin.prevout.txid for txin in tx.inputs if txin.prevout.txid in self._entries}
        ancestors = self._closure(parents, self.parents)
        if len(ancestors) + 1 > self.max_ancestors:
            raise RejectError(
                "too-long-mempool-chain",
                f"{len(ancestors)} unconfirmed ancestors, limit {self.max_ancestors - 1}",
            )
        for ancestor in ancestors:
            if len(self.descendants(ancestor)) + 1 > self.max_descendants:
                raise RejectError(
                    "too-long-mempool-chain",
                    f"{to_display(ancestor)} would exceed {self.max_descendants} descendants",
                )
        return ancestors

    def _make_room(self, entry: MempoolEntry, ancestors: set[bytes]) -> None:
        """Evict the lowest fee-rate entries (with their descendants) until `entry` fits, or refuse
        it if it would itself be among the lowest (Core: LimitMempoolSize / TrimToSize)."""
        excess = self._size + entry.size - self.max_bytes
        if excess <= 0:
            return
        evict: dict[bytes, None] = {}
        freed = 0
        for rate, _, victim in self._by_rate:  # lowest fee rate first, newest first among equals
            if freed >= excess:
                break
            if victim in evict:
                continue
            if rate >= entry.fee_rate or victim in ancestors:
                break
            for txid in self.descendants(victim):
                if txid not in evict:
                    evict[txid] = None
                    freed += self._entries[txid].size
        if freed < excess:
            raise RejectError(
                "mempool-full", f"the pool is full ({self._size} bytes) of higher fee rates"
            )
        for txid in evict:
            self._remove(txid)

    def _add(self, entry: MempoolEntry) -> None:
        txid = entry.txid
        self._entries[txid] = entry
        for txin in entry.tx.inputs:
            self._spenders[txin.prevout] = txid
        self._seq[txid] = self._next_seq
        insort(self._by_rate, (entry.fee_rate, -self._next_seq, txid))
        self._next_seq += 1
        self._size += entry.size

    # -- removal ----------------------------------------------------------------------------------

    def _remove(self, txid: bytes) -> MempoolEntry:
        """Drop one entry; its children (if any) are the caller's business."""
        entry = self._entries.pop(txid)
        for txin in entry.tx.inputs:
            if self._spenders.get(txin.prevout) == txid:
                del self._spenders[txin.prevout]
        key = (entry.fee_rate, -self._seq.pop(txid), txid)
        del self._by_rate[bisect_left(self._by_rate, key)]
        self._size -= entry.size
        return entry

    def remove(self, txid: bytes) -> list[Tx]:
        """Drop a pool tx and its descendants, parents first (Core: removeRecursive)."""
        if txid not in self._entries:
            return []
        return self._remove_all(self.descendants(txid))

    def _remove_all(self, txids: Iterable[bytes]) -> list[Tx]:
        ordered = sorted(txids, key=self._seq.__getitem__)
        return [self._remove(txid).tx for txid in ordered]

    def remove_for_block(self, block: Block) -> list[Tx]:
        """Drop what `block` confirms and what conflicts with it, with the conflicts' descendants;
        returns the conflicted transactions (Core: removeForBlock and removeConflicts)."""
        conflicted: list[Tx] = []
        for tx in block.txs:
            if tx.txid in self._entries:
                self._remove(tx.txid)  # its children now spend confirmed outputs: they stay
            for txin in tx.inputs:
                other = self._spenders.get(txin.prevout)
                if other is not None:
                    conflicted += self.remove(other)
        return conflicted

    def _trim(self) -> None:
        """Evict the lowest fee rates with their descendants until within max_bytes."""
        while self._size > self.max_bytes and self._by_rate:
            self.remove(self._by_rate[0][2])

    def reorg(
        self,
        connected: list[Block],
        disconnected: list[Block],
        coins: CoinSource,
        tip_height: int,
    ) -> None:
        """Follow a chain switch (Core: MaybeUpdateMempoolForReorg).

        Transactions of `disconnected` blocks come back (oldest block first), those confirmed by
        `connected` blocks go, and every pool transaction is checked again against `coins`, the
        new chain's UTXO set at `tip_height`: the ones that spend a coin now gone, or a coinbase
        no longer mature, leave with their descendants.
        """
        if not disconnected:  # the chain only grew: nothing can lose maturity or come back
            for block in connected:
                self.remove_for_block(block)
            return
        confirmed = {tx.txid for block in connected for tx in block.txs}
        previous = list(self._entries.values())
        self._clear()
        oldest_first = sorted(
            (block for block in disconnected if block.txs),
            key=lambda block: block.txs[0].coinbase_height,
        )
        for block in oldest_first:
            for tx in block.txs[1:]:
                if tx.txid not in confirmed:
                    self._readmit(tx, coins, tip_height, None)
        for entry in previous:
            if entry.txid not in confirmed:
                self._readmit(entry.tx, coins, tip_height, entry)
        self._trim()

    def _readmit(
        self, tx: Tx, coins: CoinSource, tip_height: int, previous: MempoolEntry | None
    ) -> None:
        """Add `tx` back if it still validates; a tx already in the pool keeps its time and height
        and skips the signature check it already passed (Core: the script execution cache)."""
        try:
            entry = self._validate(
                tx,
                coins,
                tip_height,
                bypass_limits=True,
                verify=previous is None,
                previous=previous,
            )
            self._check_chain_limits(tx)
        except RejectError:
            return
        self._add(entry)

    def _clear(self) -> None:
        self._entries.clear()
        self._spenders.clear()
        self._seq.clear()
        self._by_rate.clear()
        self._size = 0

    # -- block templates --------------------------------------------------------------------------

    def select(self, max_bytes: int) -> list[MempoolEntry]:
        """Entries for a block template of at most `max_bytes`, parents before children.

        Greedy by ancestor fee rate: a tx is worth the fees of itself and its not yet chosen
        ancestors over their sizes, so a high-fee child pulls in its low-fee parent
        (Core: BlockAssembler::addPackageTxs with the modified-entry scores).
        """
        return [entry for _, package in self._packages(max_bytes) for entry in package]

    def fee_rate_for(self, block_bytes: int) -> int:
        """The whole fee rate (base units per byte) a new transaction needs to make a block of
        `block_bytes` made now: the pool's floor when every pool tx fits, else one more than the
        lowest package rate `select` still takes, so the new tx would be taken before that
        package (Core: estimatesmartfee learns from past blocks; this looks at the next one).
        """
        if self._size <= block_bytes:
            return self.min_fee_rate
        # nothing fits (a block smaller than any package): any rate over the floor will do
        lowest = min((rate for rate, _ in self._packages(block_bytes)), default=0.0)
        return max(self.min_fee_rate, math.floor(lowest) + 1)

    def _packages(self, max_bytes: int) -> list[tuple[float, list[MempoolEntry]]]:
        """`select`'s choice as (package fee rate, members parents first), in the order chosen."""
        ancestors = {txid: self.ancestors(txid) for txid in self._entries}
        chosen: set[bytes] = set()
        version: dict[bytes, int] = dict.fromkeys(self._entries, 0)
        heap: list[tuple[float, int, int, bytes]] = []

        def package(txid: bytes) -> list[bytes]:
            return [txid, *(a for a in ancestors[txid] if a not in chosen)]

        def push(txid: bytes) -> None:
            members = [self._entries[m] for m in package(txid)]
            rate = sum(m.fee for m in members) / sum(m.size for m in members)
            heapq.heappush(heap, (-rate, self._seq[txid], version[txid], txid))

        for txid in self._entries:
            push(txid)
        result: list[tuple[float, list[MempoolEntry]]] = []
        used = 0
        while heap:
            neg_rate, _, ver, txid = heapq.heappop(heap)
            if txid in chosen or ver != version[txid]:
                continue  # already in, or its score changed since this was pushed
            members = sorted(package(txid), key=self._seq.__getitem__)
            size = sum(self._entries[m].size for m in members)
            if used + size > max_bytes:
                continue
            used += size
            chosen.update(members)
            result.append((-neg_rate, [self._entries[m] for m in members]))
            touched = {d for m in members for d in self.descendants(m)} - chosen
            for d in touched:  # their packages just got smaller: score them again
                version[d] += 1
                push(d)
        return result

    @property
    def bytes(self) -> int:
        """The total size of every pool transaction (Core: GetTotalTxSize)."""
        return self._size
