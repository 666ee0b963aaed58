"""The block tree's flat columns against a plain model: any tree of headers, loaded in any order,
gives the same parents, children, complete branches, best header and tip candidates; headers
being checked join or go; a damaged index is refused."""

import hashlib
import random
import struct
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.chain.index import ActiveChain, BlockTree, Entry
from pocketchain.chain.positions import HashPositions
from pocketchain.chain.records import IndexRow, Status
from pocketchain.consensus.block import BlockHeader
from pocketchain.consensus.errors import PocketchainError


@dataclass
class Block:
    """The model: what one index row says, and its parent's place in the list."""

    parent: int | None
    height: int
    work: int
    status: int
    seq: int
    hash: bytes = b""
    header: bytes = b""

    def row(self) -> IndexRow:
        return IndexRow(
            self.hash,
            self.header,
            self.height,
            self.work.to_bytes(32, "big"),
            self.status,
            self.seq,
        )


def header(prev: bytes, tag: int) -> bytes:
    """80 header bytes on `prev` (nothing here checks the proof of work)."""
    return struct.pack("<I32s32sIII", 1, prev, bytes(32), 1_600_000_000 + tag, 0x207FFFFF, tag)


def make_tree(shape: list[tuple[int, int, int]]) -> list[Block]:
    """Blocks from (parent choice, work, status) triples: block 0 is the genesis, block i builds
    on one of the blocks before it."""
    blocks = [Block(None, 0, 1, Status.HAVE_DATA | Status.VALID, 1)]
    for i, (choice, work, status) in enumerate(shape, 1):
        parent = blocks[choice % i]
        seq = i + 1 if status & Status.HAVE_DATA else 0
        blocks.append(Block(choice % i, parent.height + 1, parent.work + work, status, seq))
    for i, b in enumerate(blocks):
        b.header = header(bytes(32) if b.parent is None else blocks[b.parent].hash, i)
        b.hash = hashlib.sha256(b.header).digest()
    return blocks


def complete(blocks: list[Block], i: int) -> bool:
    """Its data and all its ancestors' are stored (the model of chain_data)."""
    b = blocks[i]
    return bool(b.status & Status.HAVE_DATA) and (b.parent is None or complete(blocks, b.parent))


shapes = st.lists(
    st.tuples(st.integers(0, 10**6), st.integers(1, 3), st.sampled_from([0, 1, 3, 5])),
    max_size=60,
)


@given(shapes, st.randoms(use_true_random=False))
def test_a_tree_loaded_in_any_order_is_the_model(
    shape: list[tuple[int, int, int]], rng: random.Random
) -> None:
    blocks = make_tree(shape)
    rows = [b.row() for b in blocks]
    rng.shuffle(rows)
    tree = BlockTree()
    tree.load(iter(rows))
    assert len(tree) == len(blocks)
    for i, b in enumerate(blocks):
        entry = tree[b.hash]
        assert (entry.hash, entry.raw, entry.height, entry.chainwork) == (
            b.hash,
            b.header,
            b.height,
            b.work,
        )
        assert (entry.status, entry.seq, entry.row()) == (b.status, b.seq, b.row())
        assert entry.prev == (None if b.parent is None else tree[blocks[b.parent].hash])
        kids = {c.hash for c in blocks if c.parent == i}
        assert {c.hash for c in entry.children} == kids
        assert entry.chain_data == complete(blocks, i)
        assert entry.header == BlockHeader.parse(b.header)
    fine = [b for b in blocks if not b.status & Status.FAILED]
    assert tree.best_header().chainwork == max(b.work for b in fine)
    assert not tree.best_header().failed
    leaves = {b.hash for i, b in enumerate(blocks) if all(c.parent != i for c in blocks)}
    assert {e.hash for e in tree.leaves()} == leaves
    waiting = {b.hash for i, b in enumerate(blocks) if b.status & 1 and not complete(blocks, i)}
    assert {e.hash for e in tree.stored_before_parent()} == waiting
    for least in {b.work for b in blocks}:
        expected = {
            b.hash
            for i, b in enumerate(blocks)
            if complete(blocks, i) and not b.status & Status.FAILED and b.work >= least
        }
        assert {e.hash for e in tree.complete_with_work(least)} == expected
    assert tree.last_seq() == max(b.seq for b in blocks)


def loaded(blocks: list[Block]) -> BlockTree:
    tree = BlockTree()
    tree.load(b.row() for b in blocks)
    return tree


def test_entries_are_views_equal_by_position_and_write_through() -> None:
    blocks = make_tree([(0, 1, 1), (1, 1, 1)])
    tree = loaded(blocks)
    a, b = tree[blocks[2].hash], tree[blocks[2].hash]
    assert a == b and a is not b and len({a, b}) == 1
    assert a != tree[blocks[1].hash] and a != "not an entry"
    a.status = Status.HAVE_DATA | Status.VALID
    a.seq = 42
    a.chain_data = False
    assert (b.status, b.seq, b.chain_data) == (Status.HAVE_DATA | Status.VALID, 42, False)
    assert a.ancestor(0) == tree[blocks[0].hash] and a.descendants() == [a]
    assert repr(a) == f"Entry(height=2, hash={blocks[2].hash[::-1].hex()})"


def test_an_unknown_hash_is_not_in_the_tree() -> None:
    tree = loaded(make_tree([(0, 1, 1)]))
    for key in (bytes(32), b"short", b"\xff" * 32):
        assert key not in tree and tree.get(key) is None
        with pytest.raises(KeyError):
            tree[key]
    assert 7 not in tree


def test_headers_being_checked_join_in_order_or_go() -> None:
    blocks = make_tree([(0, 1, 1)])
    tree = loaded(blocks)
    tip = tree[blocks[1].hash]
    one = tree.append(BlockHeader.parse(header(tip.hash, 100)), tip, Status(0))
    two = tree.append(BlockHeader.parse(header(one.hash, 101)), one, Status(0))
    assert len(tree) == 2 and one.hash not in tree  # not in the tree until linked
    assert (two.height, two.chainwork) == (3, tip.chainwork + 2 * 2)  # regtest bits: work 2
    tree.link(one)
    tree.drop_pending()
    assert len(tree) == 3 and tree[one.hash] == one and two.hash not in tree
    assert tip.children == (one,) and one.children == ()
    assert tree.best_header() == one
    again = tree.append(BlockHeader.parse(header(one.hash, 102)), one, Status(0))
    assert again.pos == two.pos  # the dropped position is free again
    with pytest.raises(AssertionError):
        tree.link(Entry(tree, again.pos + 1))


def test_a_failed_header_gives_up_the_best_header() -> None:
    blocks = make_tree([(0, 1, 1), (0, 2, 1)])  # two children of genesis: 1 has less work
    tree = loaded(blocks)
    best = tree.best_header()
    assert best.hash == blocks[2].hash
    best.status = Status.FAILED
    assert tree.best_header().hash == blocks[1].hash
    best.status = Status.HAVE_DATA
    assert tree.best_header().hash == blocks[2].hash


def test_the_active_chain_is_positions_by_height() -> None:
    blocks = make_tree([(0, 1, 1), (1, 1, 1), (1, 1, 1)])  # 3 and 2 both build on 1
    tree = loaded(blocks)
    chain = ActiveChain(tree[blocks[3].hash])
    assert [e.hash for e in chain] == [blocks[i].hash for i in (0, 1, 3)]
    assert len(chain) == 3 and chain[-1].hash == blocks[3].hash
    assert [e.height for e in chain[1:]] == [1, 2]
    assert tree[blocks[1].hash] in chain and tree[blocks[2].hash] not in chain
    assert "x" not in chain and Entry(BlockTree(), 0) not in chain
    assert chain.pop().hash == blocks[3].hash
    chain.append(tree[blocks[2].hash])
    assert chain[2].hash == blocks[2].hash


def test_a_damaged_index_is_refused() -> None:
    blocks = make_tree([(0, 1, 1), (1, 1, 1)])
    with pytest.raises(PocketchainError, match="damaged: the parent of Entry\\(height=2"):
        loaded([blocks[0], blocks[2]])
    short = blocks[1].row()._replace(header=blocks[1].header[:79])
    with pytest.raises(PocketchainError, match="damaged: a row's header, hash or work"):
        BlockTree().load([blocks[0].row(), short])


def test_the_hash_table_grows_and_finds_every_position() -> None:
    keys = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(5000)]
    hashes = bytearray()
    table = HashPositions(hashes)
    for i, key in enumerate(keys[:3000]):  # one at a time
        hashes += key
        table.add(key, i)
    hashes += b"".join(keys[3000:])
    table.add_all(keys[3000:])  # the rest at once
    assert len(table) == 5000
    assert all(table.find(key) == i for i, key in enumerate(keys))
    assert table.find(bytes(32)) == -1
