"""The chainstate: the block tree, the active chain with the most work, and its UTXO set.

Blocks come in through `process_block`. A block is checked on its own, then against its parent,
stored, and the best chain is activated: the valid chain with the most cumulative work, the block
whose data came first winning a tie (Core: ActivateBestChain). Switching branches disconnects
blocks with their undo data down to the fork point and connects the other branch; a block that
fails is marked invalid with all its descendants, and the best remaining chain is activated
instead. Blocks that cannot join the tree yet wait in memory (waiting.py); headers and blocks
nobody asked for are stored only when they carry enough work (Core's anti-DoS rules).
"""

import time
from collections import deque
from collections.abc import Sequence
from typing import NamedTuple

from ..consensus.block import MAX_HEADERS, Block, BlockHeader
from ..consensus.check import check_block, check_block_header
from ..consensus.connect import BlockChanges, connect_block
from ..consensus.errors import PocketchainError, RejectError
from ..consensus.hashes import to_display
from ..consensus.params import ChainParams
from ..consensus.pow import block_work
from ..consensus.tx import OutPoint
from .coins import CoinCache
from .index import (
    ActiveChain,
    BlockTree,
    Entry,
    check_header_in_context,
    check_in_context,
    fork_point,
)
from .interfaces import Store
from .records import (
    AddressRow,
    BlockWrite,
    PostRow,
    Status,
    TxRow,
    block_prevouts,
    decode_undo,
    encode_undo,
)
from .sigcache import SignatureCache
from .waiting import WaitingBlocks

ANTI_DOS_BLOCKS = 144  # Core: GetAntiDoSWorkThreshold, a day of blocks' work below the tip
MUTATED = {"bad-txnmrklroot", "bad-txns-duplicate"}  # Core: BLOCK_MUTATED, not the header's fault
_BAD_PARENT = RejectError("bad-prevblk", "previous block is invalid")


class ImportResult(NamedTuple):
    """What a block did: `accepted`, `duplicate`, `orphan` (its parent is unknown), `held` (nobody
    asked for it and its branch has less work than the active chain: it waits in memory) or
    `invalid`, and how the active chain moved. An `invalid` block passed the first checks but
    failed when connected: `error` says why (the chain may still have moved, to its ancestors)."""

    status: str
    connected: list[Block]
    disconnected: list[Block]
    error: RejectError | None = None


class ChainTip(NamedTuple):
    hash: bytes
    height: int
    chainwork: int
    branchlen: int
    status: str  # active, valid-fork, invalid, headers-only (Core: getchaintips)


class Chainstate:
    def __init__(self, params: ChainParams, store: Store, coin_cache_size: int = 200_000):
        self.params = params
        self.store = store
        self.coins = CoinCache(store, coin_cache_size)
        self.sig_cache = SignatureCache()
        self.entries = BlockTree()
        self.candidates: set[Entry] = set()  # could become the tip (Core: setBlockIndexCandidates)
        self.waiting = WaitingBlocks()  # orphans, and blocks of lighter branches nobody asked for
        self._blocks: dict[bytes, Block] = {}  # accepted blocks not yet connected, parsed
        self._failures: dict[bytes, RejectError] = {}  # why blocks failed in this call
        self._seq = 1  # the next sequence id (Core: nBlockSequenceId)
        # blocks stored before their parent's data, by parent, in the order their data came
        # (Core: m_blocks_unlinked)
        self._unlinked: dict[bytes, list[Entry]] = {}
        self._load()

    # -- start-up -------------------------------------------------------------------------------

    def _load(self) -> None:
        genesis = self.params.genesis
        stored = self.store.get_meta("genesis")
        if stored is None:
            entry = self._new_entry(genesis.header, None, Status.HAVE_DATA | Status.VALID)
            self._chain_data_from(entry)
            self.store.add_index(entry.row(), genesis.raw)
            self.store.set_meta("genesis", genesis.hash)
            self.store.set_meta("tip", genesis.hash)  # the genesis outputs are not spendable
        elif stored != genesis.hash:
            raise PocketchainError(
                f"this database holds another chain (genesis {to_display(stored)}), "
                f"not {self.params.name}"
            )
        else:
            self.entries.load(self.store.load_index())
            self._seq = self.entries.last_seq() + 1
            waiting = self.entries.stored_before_parent()
            for entry in sorted(waiting, key=lambda e: e.seq):
                assert entry.prev is not None
                self._unlinked.setdefault(entry.prev.hash, []).append(entry)
        self.chain = ActiveChain(self.entries[self.store.get_meta("tip") or genesis.hash])
        self._reset_candidates()
        self.activate_best_chain()  # finish a switch a crash interrupted

    def _new_entry(self, header: BlockHeader, prev: Entry | None, status: Status) -> Entry:
        entry = self.entries.append(header, prev, status)
        self.entries.link(entry)
        return entry

    # -- reading --------------------------------------------------------------------------------

    @property
    def tip(self) -> Entry:
        return self.chain[-1]

    @property
    def height(self) -> int:
        return len(self.chain) - 1

    def in_active_chain(self, entry: Entry) -> bool:
        return entry in self.chain

    def get_block(self, block_hash: bytes) -> Block | None:
        raw = self.store.get_block(block_hash)
        return None if raw is None else Block.parse(raw)

    def tips(self) -> list[ChainTip]:
        """Every branch end the node knows, the active tip first (Core: getchaintips)."""
        tip = self.tip
        ends = {*self.entries.leaves(), tip}
        out = []
        for entry in sorted(ends, key=lambda e: (e != tip, -e.height)):
            if entry == tip:
                status = "active"
            elif entry.failed:
                status = "invalid"
            elif not entry.chain_data:
                status = "headers-only"
            else:
                status = "valid-fork"
            branchlen = entry.height - fork_point(entry, tip).height
            out.append(ChainTip(entry.hash, entry.height, entry.chainwork, branchlen, status))
        return out

    # -- blocks in --------------------------------------------------------------------------------

    def process_block(
        self, block: Block, now: int | None = None, *, requested: bool = True
    ) -> ImportResult:
        """Check, store and, if it makes a better chain, connect a block (Core: ProcessNewBlock).

        `requested` is False for a block nobody asked for (one posted to the API or announced by
        a peer): it is stored only when its branch has at least the active chain's work, and
        otherwise waits in memory (`held`) until the branch catches up (Core: AcceptBlock).
        Raises RejectError with Core's reject code when the block breaks a rule.
        """
        now = int(time.time()) if now is None else now
        self._failures.clear()
        known = self.entries.get(block.hash)
        if known is not None and known.failed:
            raise RejectError("duplicate-invalid", "block is already known to be invalid")
        # before the duplicate check, as Core: a known header with other transactions is mutated
        try:
            check_block(block, self.params)
        except RejectError as error:
            if known is not None and not known.have_data and error.code not in MUTATED:
                self._mark_failed(known, error)  # Core: AcceptBlock, the header's block is bad
            raise
        if (known is not None and known.have_data) or block.hash in self.waiting:
            return ImportResult("duplicate", [], [])
        branch = self.waiting.branch_to(block)
        parent = self.entries.get(branch[0].header.prev)
        if parent is None:
            self.waiting.add(block)
            return ImportResult("orphan", [], [])
        if not requested and self._too_light(parent, branch):
            self._keep_headers(branch, now)
            self.waiting.add(block)
            return ImportResult("held", [], [])
        for waited in branch[:-1]:
            self.waiting.pop(waited.hash)
            try:
                parent = self._accept(waited, parent, now)
            except RejectError:  # an ancestor that waited here broke a rule
                raise RejectError(_BAD_PARENT.code, _BAD_PARENT.message) from None
        self._accept(block, parent, now)
        self._accept_waiting_descendants(block.hash, now)
        connected, disconnected = self.activate_best_chain()
        failure = self._failures.get(block.hash)
        if failure is not None:
            return ImportResult("invalid", connected, disconnected, failure)
        return ImportResult("accepted", connected, disconnected)

    def _too_light(self, parent: Entry, branch: list[Block]) -> bool:
        """A branch nobody asked for is stored only with at least the tip's work, and the
        minimum chain work (Core: AcceptBlock's fHasMoreOrSameWork and nMinimumChainWork)."""
        work = parent.chainwork + sum(block_work(b.header.bits) for b in branch)
        return work < max(self.tip.chainwork, self.params.minimum_chain_work)

    def _keep_headers(self, branch: list[Block], now: int) -> None:
        """The headers of a branch too light to store, in the tree without their blocks, so the
        competing branch shows as `headers-only` (Core: AcceptBlock accepts the header before it
        drops a block with too little work). A header that breaks a rule rejects the block; one
        below the anti-DoS work is only not kept."""
        try:
            self.process_headers([b.header for b in branch], now)
        except RejectError as error:
            if error.code != "too-little-chainwork":
                raise

    def _accept_waiting_descendants(self, block_hash: bytes, now: int) -> None:
        """Blocks that waited for `block_hash`, accepted parents first. One that breaks a rule is
        dropped, and so are its descendants (their parent never joins the tree)."""
        for waited in self.waiting.take_descendants(block_hash):
            parent = self.entries.get(waited.header.prev)
            if parent is None:
                continue
            try:
                self._accept(waited, parent, now)
            except RejectError:
                continue  # its own fault; its parent stands

    def _accept(self, block: Block, parent: Entry, now: int) -> Entry:
        """Contextual checks and storage (Core: AcceptBlock)."""
        if parent.failed:
            raise RejectError("bad-prevblk", "previous block is invalid")
        entry = self.entries.get(block.hash)
        try:
            check_in_context(block, parent, now, self.params)
        except RejectError as error:
            # Core: AcceptBlock marks a header's block that breaks a rule failed, so a sync does
            # not fetch it again; a block too far in the future may be fine later
            if entry is not None and error.code != "time-too-new":
                self._mark_failed(entry, error)
            raise
        with self.store.transaction():
            if entry is None:
                entry = self._new_entry(block.header, parent, Status.HAVE_DATA)
                linked = self._data_arrived(entry)
                self.store.add_index(entry.row(), block.raw)
            else:  # the header came first
                entry.status |= Status.HAVE_DATA
                linked = self._data_arrived(entry)
                self.store.add_block_data(entry.row(), block.raw)
            self.store.update_index(e.row() for e in linked if e != entry)
        self._blocks[entry.hash] = block
        return entry

    def _data_arrived(self, entry: Entry) -> list[Entry]:
        """The entries that became complete now that `entry` has its data: it, and the
        descendants that waited for it, if its parent is complete; else none yet, and `entry`
        waits, its sequence id saying when its data came (Core: ReceivedBlockTransactions)."""
        assert entry.prev is not None
        if entry.prev.chain_data:
            return self._chain_data_from(entry)
        entry.seq = self._next_seq()
        self._unlinked.setdefault(entry.prev.hash, []).append(entry)
        return []

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq - 1

    def _chain_data_from(self, entry: Entry) -> list[Entry]:
        """`entry` and its ancestors are all stored now, and so may be descendants whose data
        came early: each gets the next sequence id, in the order they became complete (those
        that waited in the order their data came), which breaks ties between chains of equal
        work (Core: ReceivedBlockTransactions)."""
        linked: list[Entry] = []
        queue = deque([entry])
        while queue:
            e = queue.popleft()
            e.chain_data = True
            e.seq = self._next_seq()
            linked.append(e)
            if not e.failed:
                self.candidates.add(e)
            queue.extend(self._unlinked.pop(e.hash, []))
        return linked

    # -- headers first (Core: ProcessNewBlockHeaders, getheaders, GetLocator) ---------------------

    def process_headers(
        self, headers: Sequence[BlockHeader], now: int | None = None
    ) -> list[Entry]:
        """Check headers and add the new ones to the tree without their blocks.

        Each must connect to a known header (or the one before it), meet the target its bits
        claim, the expected bits and the time rules; the first that does not raises RejectError
        (the ones before it stay). New headers are stored only when the chain they build has at
        least `anti_dos_work()`: `too-little-chainwork` otherwise, with nothing stored (a peer's
        longer answer may carry the work: see p2p/sync.py). Returns the entries of all of them,
        in order.
        """
        now = int(time.time()) if now is None else now
        entries: list[Entry] = []
        new: dict[bytes, Entry] = {}
        error: RejectError | None = None
        try:
            for header in headers:
                known = self.entries.get(header.hash) or new.get(header.hash)
                try:
                    if known is not None and known.failed:  # Core: BLOCK_CACHED_INVALID
                        raise RejectError("duplicate-invalid", "header is known to be invalid")
                    if known is None:
                        parent = self.entries.get(header.prev) or new.get(header.prev)
                        known = new[header.hash] = self._check_header(header, parent, now)
                except RejectError as exc:
                    error = exc
                    break
                entries.append(known)
            if new and entries[-1].chainwork < self.anti_dos_work():
                new = {}
                error = error or RejectError(
                    "too-little-chainwork", "these headers build a chain with too little work"
                )
            for entry in new.values():
                self.entries.link(entry)
        finally:
            self.entries.drop_pending()  # checked headers that do not join
        self.store.add_headers([e.row() for e in new.values()])
        if error is not None:
            raise error
        return entries

    def _check_header(self, header: BlockHeader, parent: Entry | None, now: int) -> Entry:
        """An entry for a header, checked, not yet in the tree (Core: AcceptBlockHeader)."""
        if parent is None:  # Core: "prev-blk-not-found" in AcceptBlockHeader
            raise RejectError("prev-blk-not-found", "header does not connect to a known block")
        if parent.failed:
            raise RejectError("bad-prevblk", "previous block is invalid")
        check_block_header(header, self.params)
        check_header_in_context(header, parent, now, self.params)
        return self.entries.append(header, parent, Status(0))

    def anti_dos_work(self) -> int:
        """The work a chain of new headers must reach to be stored: the minimum chain work, or a
        day of blocks below the tip's work, whichever is more, so that a cheap branch off early
        low-difficulty blocks is never stored (Core: GetAntiDoSWorkThreshold)."""
        tip = self.tip
        near_tip = tip.chainwork - min(ANTI_DOS_BLOCKS * block_work(tip.bits), tip.chainwork)
        return max(near_tip, self.params.minimum_chain_work)

    def best_header(self) -> Entry:
        """The known header with the most work that is not invalid, the first one seen winning
        a tie (Core: m_best_header)."""
        return self.entries.best_header()

    def locator(self, entry: Entry | None = None) -> list[bytes]:
        """Hashes back from `entry` (the best header by default): ten one by one, then steps
        that double, genesis last, so a peer finds where our chains part in one answer (Core:
        GetLocator)."""
        entry = entry or self.best_header()
        hashes, step = [], 1
        while True:
            hashes.append(entry.hash)
            if entry.height == 0:
                return hashes
            if len(hashes) >= 10:
                step *= 2
            entry = entry.ancestor(max(entry.height - step, 0))

    def headers_after(
        self, locator: Sequence[bytes], limit: int = MAX_HEADERS
    ) -> list[BlockHeader]:
        """Active-chain headers after the first locator hash on it, or after genesis when none is
        (Core: getheaders, FindForkInGlobalIndex)."""
        start = 1
        for block_hash in locator:
            entry = self.entries.get(block_hash)
            if entry is not None and self.in_active_chain(entry):
                start = entry.height + 1
                break
        return [e.header for e in self.chain[start : start + min(limit, MAX_HEADERS)]]

    def missing_blocks(self, entries: Sequence[Entry]) -> list[bytes]:
        """Hashes of the blocks to fetch for `entries` (headers we have without their data)."""
        return [e.hash for e in entries if not e.have_data and not e.failed]

    def blocks_toward_best_header(self) -> list[bytes]:
        """The blocks to fetch between the active chain and the best header, oldest first: a
        sync cut short leaves headers whose blocks were never fetched (Core:
        FindNextBlocksToDownload)."""
        branch: list[Entry] = []
        entry: Entry | None = self.best_header()
        while entry is not None and not self.in_active_chain(entry):
            branch.append(entry)
            entry = entry.prev
        return self.missing_blocks(branch[::-1])

    # -- choosing and switching the active chain -----------------------------------------------

    def _best_candidate(self) -> Entry:
        return max(self.candidates, key=lambda e: (e.chainwork, -e.seq))

    def _reset_candidates(self) -> None:
        self.candidates = self.entries.complete_with_work(self.tip.chainwork)
        self.candidates.add(self.tip)

    def activate_best_chain(self) -> tuple[list[Block], list[Block]]:
        """Move the tip to the best valid chain; returns (connected, disconnected) blocks."""
        start = self.tip
        connected: list[Block] = []
        disconnected: list[Block] = []
        while (best := self._best_candidate()) != self.tip:
            fork = fork_point(self.tip, best)
            while self.tip != fork:
                disconnected.append(self._disconnect_tip())
            for entry in [best.ancestor(h) for h in range(fork.height + 1, best.height + 1)]:
                try:
                    connected.append(self._connect(entry))
                except RejectError as error:
                    self._mark_failed(entry, error)
                    break
        tip_work = self.tip.chainwork
        self.candidates = {e for e in self.candidates if e.chainwork >= tip_work}
        return self._net_change(start, connected, disconnected)

    def _net_change(
        self, start: Entry, connected: list[Block], disconnected: list[Block]
    ) -> tuple[list[Block], list[Block]]:
        """What moved between the chain ending at `start` and the active chain now, leaving out
        blocks a failed switch connected and took back: (connected by height, disconnected from
        the old tip down)."""

        def was_active(block: Block) -> bool:
            entry = self.entries[block.hash]
            return entry.height <= start.height and start.ancestor(entry.height) == entry

        def is_active(block: Block) -> bool:
            return self.in_active_chain(self.entries[block.hash])

        new = {b.hash: b for b in connected if is_active(b) and not was_active(b)}
        gone = {b.hash: b for b in disconnected if was_active(b) and not is_active(b)}
        return (
            sorted(new.values(), key=lambda b: self.entries[b.hash].height),
            sorted(gone.values(), key=lambda b: -self.entries[b.hash].height),
        )

    def _connect(self, entry: Entry) -> Block:
        """Connect the block after the tip, in one database transaction (Core: ConnectTip)."""
        block = self._blocks.pop(entry.hash, None) or self.get_block(entry.hash)
        assert block is not None, "a candidate's data is stored"
        inputs = [txin.prevout for tx in block.txs[1:] for txin in tx.inputs]
        view = self.coins.fetch(inputs)
        changes = connect_block(block, entry.height, view, self.params, self.sig_cache)
        entry.status |= Status.VALID
        self.store.connect(self._block_write(block, entry, changes), entry.status)
        self.coins.apply((op for op, _ in changes.spent), changes.created.items())
        self.chain.append(entry)
        return block

    def _disconnect_tip(self) -> Block:
        """Undo the tip block in one database transaction (Core: DisconnectTip)."""
        entry = self.tip
        assert entry.prev is not None, "genesis is never disconnected"
        block = self.get_block(entry.hash)
        undo = self.store.get_undo(entry.hash)
        assert block is not None and undo is not None
        restored = decode_undo(undo)
        outputs = {OutPoint(tx.txid, i) for tx in block.txs for i in range(len(tx.outputs))}
        spent_inside = {txin.prevout for tx in block.txs[1:] for txin in tx.inputs}
        created = outputs - spent_inside
        self.store.disconnect(entry.hash, entry.height, entry.prev.hash, created, restored)
        self.coins.apply(created, restored)
        self.chain.pop()
        self.candidates.add(entry)  # it may win again
        return block

    def _mark_failed(self, entry: Entry, error: RejectError | None = None) -> None:
        """Mark a block that broke a rule and its descendants invalid (Core: InvalidBlockFound)."""
        failed = entry.descendants()
        for e in failed:
            e.status |= Status.FAILED
            if error is not None:
                self._failures[e.hash] = error if e == entry else _BAD_PARENT
            self.candidates.discard(e)
            self._blocks.pop(e.hash, None)
        self.store.update_index(e.row() for e in failed)

    # -- invalidateblock / reconsiderblock --------------------------------------------------------

    def _entry(self, block_hash: bytes) -> Entry:
        entry = self.entries.get(block_hash)
        if entry is None:
            raise PocketchainError(f"unknown block {to_display(block_hash)}")
        return entry

    def invalidate(self, block_hash: bytes) -> tuple[list[Block], list[Block]]:
        """Treat a block as invalid; move to the best chain without it (Core: InvalidateBlock)."""
        entry = self._entry(block_hash)
        if entry.prev is None:
            raise PocketchainError("the genesis block cannot be invalidated")
        disconnected = []
        while self.in_active_chain(entry):
            disconnected.append(self._disconnect_tip())
        self._mark_failed(entry)
        self._reset_candidates()
        connected, more = self.activate_best_chain()
        return connected, disconnected + more

    def reconsider(self, block_hash: bytes) -> tuple[list[Block], list[Block]]:
        """Forget that a block and its family were invalid (Core: ReconsiderBlock)."""
        entry = self._entry(block_hash)
        family = entry.descendants() + [entry.ancestor(h) for h in range(entry.height)]
        cleared = [e for e in family if e.failed]
        for e in cleared:
            e.status &= ~Status.FAILED
        self.store.update_index(e.row() for e in cleared)
        self._reset_candidates()
        return self.activate_best_chain()

    # -- what a connected block writes besides coins ----------------------------------------------

    def _block_write(self, block: Block, entry: Entry, changes: BlockChanges) -> BlockWrite:
        """The undo data and the transaction, address and post index rows of a block."""
        paid_by = block_prevouts(block, changes.spent)
        txs: list[TxRow] = []
        addresses: list[AddressRow] = []
        posts: list[PostRow] = []
        for position, tx in enumerate(block.txs):
            txs.append(TxRow(tx.txid, entry.hash, entry.height, position))
            flows: dict[bytes, list[int]] = {}
            for out in tx.outputs:
                flows.setdefault(out.key_hash, [0, 0])[0] += out.amount
            spent_from = [] if tx.is_coinbase else [paid_by[i.prevout] for i in tx.inputs]
            for amount, key_hash in spent_from:
                flows.setdefault(key_hash, [0, 0])[1] += amount
            addresses += (
                AddressRow(kh, tx.txid, entry.height, position, received, sent)
                for kh, (received, sent) in flows.items()
            )
            if tx.data and spent_from:
                author = spent_from[0][1]
                posts.append(PostRow(tx.txid, author, entry.height, block.header.time, tx.data))
        return BlockWrite(
            entry.hash,
            entry.height,
            [op for op, _ in changes.spent],
            changes.created,
            encode_undo(changes.spent),
            txs,
            addresses,
            posts,
        )
