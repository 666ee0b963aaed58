"""A model-based test of the block tree (hypothesis, stateful).

Random trees of blocks (valid ones spending coins of their branch, blocks with a wrong coinbase
height and their descendants, double spends, siblings of equal work) are delivered in random
orders: block by block, asked for or not, and through headers first, with restarts between. A
small model that follows the rules as CONTRACT and Core state them (a block joins the tree when
its parent is known; nobody's block joins only with the tip's work, else only its header does; a
failed block takes its descendants with it; a restart forgets the blocks waiting in memory; ties
go to the block whose data, and its ancestors', came first) says which blocks the node holds.
After every step the node's tip is the model's best valid block, the stored UTXO set equals one
recomputed from genesis along that branch, and nothing but a RejectError ever escapes.
"""

import contextlib
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from builders import kh, secret
from miner import NOW
from pocketchain.chain.chainstate import ANTI_DOS_BLOCKS, Chainstate
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.block import Block
from pocketchain.consensus.connect import Coin
from pocketchain.consensus.errors import RejectError
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.pow import block_work
from pocketchain.consensus.tx import TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve

PARAMS = replace(REGTEST, coinbase_maturity=1)  # coins to spend from the first blocks on
BITS = 0x207FFFFF
WORK = block_work(BITS)
FEE = 1_000
KINDS = ["valid", "valid", "valid", "double-spend", "bad-height"]


@dataclass(eq=False)
class Node:
    """The model's view of one block."""

    block: Block
    parent: "Node | None"
    height: int
    work: int
    valid: bool  # itself and every ancestor break no rule
    leaf_only: bool  # a double spend: nothing is built on it (see KINDS)
    coins: dict[OutPoint, Coin] = field(default_factory=dict)  # the UTXO set after it
    in_tree: bool = False  # its header is in the node's block tree
    has_data: bool = False
    linked: bool = False  # it and every ancestor have data
    failed: bool = False
    arrival: int = 0  # when its data came
    seq: int = 0  # when it and its ancestors had all come: the tie-break

    @property
    def hash(self) -> bytes:
        return self.block.hash

    def __repr__(self) -> str:  # for hypothesis's report of a failing case
        kind = "valid" if self.valid else "double-spend" if self.leaf_only else "invalid"
        return f"<block {self.block.header.hash_hex[:8]} at {self.height}, {kind}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def branch(self) -> list["Node"]:
        nodes: list[Node] = []
        node: Node | None = self
        while node is not None:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]


def genesis_node() -> Node:
    node = Node(PARAMS.genesis, None, 0, WORK, True, False)
    node.in_tree = node.has_data = node.linked = True
    node.seq = 1
    return node


def spend(coin_op: OutPoint, coin: Coin) -> Tx:
    unsigned = Tx(TX_VERSION, (TxIn(coin_op, b"", b""),), (TxOut(coin.amount - FEE, kh(0)),))
    return sign_tx(unsigned, (secret(0),), PARAMS.magic)


def apply(coins: dict[OutPoint, Coin], block: Block, height: int) -> dict[OutPoint, Coin]:
    after = dict(coins)
    for tx in block.txs:
        for txin in tx.inputs if not tx.is_coinbase else ():
            after.pop(txin.prevout, None)
        for vout, out in enumerate(tx.outputs):
            after[OutPoint(tx.txid, vout)] = Coin(out.amount, out.key_hash, height, tx.is_coinbase)
    return after


class BlockTree(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = TemporaryDirectory()
        self.path = Path(self.dir.name) / "chain.db"
        self.chain = Chainstate(PARAMS, SqliteStore(self.path))
        self.genesis = genesis_node()
        self.nodes: list[Node] = [self.genesis]
        self.waiting: list[Node] = []  # the model's blocks in memory, oldest first
        self.next_seq = 2

    def teardown(self) -> None:
        self.chain.store.close()
        self.dir.cleanup()

    # -- making blocks ------------------------------------------------------------------------

    @initialize()
    def first_blocks(self) -> None:
        for _ in range(2):
            self._mine(self.nodes[-1], "valid", None)

    @rule(
        data=st.data(),
        length=st.integers(1, 3),
        kind=st.sampled_from(KINDS),
        where=st.integers(0, 2),
        spends=st.booleans(),
    )
    def mine(self, data: st.DataObject, length: int, kind: str, where: int, spends: bool) -> None:
        """A branch of `length` blocks on any block but a double spend, block `where` of it of
        `kind` (a double spend is always last: nothing is built on it)."""
        parents = [n for n in self.nodes if not n.leaf_only]
        parent = data.draw(st.sampled_from(parents), label="parent")
        where = length - 1 if kind == "double-spend" else min(where, length - 1)
        for n in range(length):
            parent = self._mine(parent, kind if n == where else "valid", data if spends else None)

    def _mine(self, parent: Node, kind: str, data: st.DataObject | None) -> Node:
        height = parent.height + 1
        txs: tuple[Tx, ...] = ()
        spendable = [(op, c) for op, c in parent.coins.items() if c.key_hash == kh(0)]
        if kind == "double-spend":
            spent = [op for n in parent.branch() for tx in n.block.txs[1:] for op in _ins(tx)]
            if spent and data is not None:
                op = data.draw(st.sampled_from(spent), label="spent again")
                txs = (spend(op, Coin(50 * 10**8, kh(0), 1, True)),)
            else:
                kind = "bad-height"  # nothing spent on this branch to spend again
        elif data is not None and spendable:
            op, coin = data.draw(st.sampled_from(spendable), label="spent")
            txs = (spend(op, coin),)
        fees = FEE * len(txs) if kind == "valid" else 0
        claimed = height + (3 if kind == "bad-height" else 0)
        tag = len(self.nodes).to_bytes(4, "big")
        when = parent.block.header.time + 1
        block = assemble_block(PARAMS, parent.hash, claimed, when, BITS, txs, fees, kh(0), tag)
        header = solve(block.header)
        assert header is not None
        block = Block(header, block.txs)
        valid = parent.valid and kind == "valid"
        node = Node(block, parent, height, parent.work + WORK, valid, kind == "double-spend")
        if valid:
            node.coins = apply(parent.coins, block, height)
        self.nodes.append(node)
        return node

    # -- delivering them ----------------------------------------------------------------------

    @rule(data=st.data(), requested=st.booleans(), again=st.integers(0, 4))
    def deliver_block(self, data: st.DataObject, requested: bool, again: int) -> None:
        """A block the node lacks (sometimes any block, again)."""
        lacking = [n for n in self.nodes[1:] if not n.has_data]
        node = data.draw(st.sampled_from(lacking if lacking and again else self.nodes[1:]))
        with contextlib.suppress(RejectError):
            self.chain.process_block(node.block, NOW, requested=requested)
        self._model_block(node, requested)

    @rule(data=st.data())
    def deliver_headers(self, data: st.DataObject) -> None:
        node = data.draw(st.sampled_from(self.nodes[1:]), label="headers up to")
        branch = [n for n in node.branch() if not n.in_tree]
        with contextlib.suppress(RejectError):
            self.chain.process_headers([n.block.header for n in branch], NOW)
        self._model_headers(branch)

    @rule()
    def restart(self) -> None:
        event(f"restart with {len(self.waiting)} waiting")
        self.chain.store.close()
        self.chain = Chainstate(PARAMS, SqliteStore(self.path))
        self.waiting.clear()

    # -- the model ----------------------------------------------------------------------------

    def _model_block(self, node: Node, requested: bool) -> None:
        if node.failed or node.has_data or node in self.waiting:
            return
        branch = [node]
        while (parent := branch[-1].parent) in self.waiting:
            branch.append(parent)
        branch.reverse()
        base = branch[0].parent
        assert base is not None
        heavy = base.work + WORK * len(branch) >= self.best().work
        if base.in_tree and base.failed and not (requested or heavy):
            return  # its header is refused first (Core: AcceptBlockHeader, bad-prevblk)
        if not base.in_tree or not (requested or heavy):
            event("orphan" if not base.in_tree else "held")
            if base.in_tree:  # a held branch's headers join the tree (Core: AcceptBlockHeader)
                self._model_headers(branch)
            self.waiting.append(node)
            return
        for waited in branch[:-1]:
            self.waiting.remove(waited)
            if not self._accept(waited):
                return
        if not self._accept(node):
            return
        parents = deque([node])  # then the blocks waiting on it, and on them, breadth first
        while parents:
            parent = parents.popleft()
            children = [n for n in self.waiting if n.parent is parent]
            for child in children:
                self.waiting.remove(child)
                if parent.in_tree:
                    self._accept(child)
            parents.extend(children)

    def _accept(self, node: Node) -> bool:
        """Core's AcceptBlock, as the model sees it: False when the block is refused."""
        parent = node.parent
        assert parent is not None and parent.in_tree
        if parent.failed:
            return False
        if _bad_height(node):
            if node.in_tree:  # its header and the headers on it are marked failed
                for n in self.nodes:
                    if n.in_tree and node in n.branch():
                        n.failed = True
            return False
        node.in_tree = node.has_data = True
        node.arrival = self.next_seq = self.next_seq + 1
        if parent.linked:  # it and the blocks that waited for it, those in the order they came
            queue = deque([node])
            while queue:
                n = queue.popleft()
                n.linked, n.seq = True, self.next_seq
                self.next_seq += 1
                waited = [c for c in self.nodes if c.parent is n and c.has_data and not c.linked]
                queue.extend(sorted(waited, key=lambda c: c.arrival))
        return True

    def _model_headers(self, branch: list[Node]) -> None:
        new: list[Node] = []
        for node in branch:
            parent = node.parent
            assert parent is not None
            if not (parent.in_tree or parent in new) or parent.failed:
                break
            new.append(node)
        if new and new[-1].work >= self.anti_dos_work():
            for node in new:
                node.in_tree = True

    def anti_dos_work(self) -> int:
        tip = self.best()
        return max(tip.work - ANTI_DOS_BLOCKS * WORK, 0)

    def best(self) -> Node:
        """The valid block with the most work whose data and ancestors' data are all there,
        the first to be complete winning a tie."""
        ready = [n for n in self.nodes if n.valid and n.linked]
        return max(ready, key=lambda n: (n.work, -n.seq))

    # -- what must hold after every step --------------------------------------------------------

    @invariant()
    def the_tree_and_the_waiting_blocks_are_the_models(self) -> None:
        assert {n.hash for n in self.nodes if n.in_tree} == set(self.chain.entries)
        assert all(self.chain.entries[n.hash].failed for n in self.nodes if n.failed)
        assert len(self.chain.waiting) == len(self.waiting)
        assert all(n.hash in self.chain.waiting for n in self.waiting)

    @invariant()
    def the_tip_is_the_best_valid_block(self) -> None:
        best = self.best()
        assert self.chain.tip.hash == best.hash, (self.chain.tip.height, best.height)

    @invariant()
    def the_stored_coins_are_the_best_branchs(self) -> None:
        expected = {op: c for op, c in self.best().coins.items()}
        assert dict(self.chain.store.iter_coins()) == expected


def _ins(tx: Tx) -> list[OutPoint]:
    return [txin.prevout for txin in tx.inputs]


def _bad_height(node: Node) -> bool:
    return node.block.txs[0].coinbase_height != node.height


BlockTree.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_block_tree = BlockTree.TestCase
