"""Merkle roots, branches and proofs: real Bitcoin blocks, the CVE-2012-2459 trap, properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.consensus.hashes import from_display, sha256d
from pocketchain.consensus.merkle import (
    ZERO_HASH,
    merkle_branch,
    merkle_root,
    root_from_branch,
    verify_proof,
)

# Published vectors: txids and header merkle roots of Bitcoin mainnet blocks, display order.
BLOCK_99960 = (
    [
        "f89c65bdcd695e4acc621256085f20d7c093097e04a1ce34b606a5829cbaf2c6",
        "1818bef9c6aeed09de0ed999b5f2868b3555084437e1c63f29d5f37b69bb214f",
        "d43a40a2db5bad2bd176c27911ed86d97bff734425953b19c8cf77910b21020d",
    ],
    "34d5a57822efa653019edfee29b9586a0d0d807572275b45f39a7e9c25614bf9",
)
BLOCK_99993 = (
    [
        "bd0ba1c99c72cac99d690f9a8f23cbe641b187e8e70963db386b27dae8082450",
        "1253a31351799dd100c7697daef9ef3799d355fffd2e5e7abf88fd22a791908a",
        "51730153a8c4fc4d0b34200a51465349e70230ae332fb25a54e07dff18b62c7f",
        "e3aa9040ac22445f6f250fb5319734a74a3eea122d983b83187a05aa52060a68",
    ],
    "ff2ecc061ab7f9034ba9cbda612b36313b946b1b2696cc09e70f9e9acb791170",
)
BLOCK_100000 = (
    [
        "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
        "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
        "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
        "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
    ],
    "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766",
)
BLOCKS = {99960: BLOCK_99960, 99993: BLOCK_99993, 100000: BLOCK_100000}


def leaves(txids: list[str]) -> list[bytes]:
    return [from_display(t) for t in txids]


def h(label: str) -> bytes:
    """A distinct 32-byte hash per label."""
    return sha256d(label.encode())


# --- roots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("height", sorted(BLOCKS))
def test_mainnet_block_roots(height: int) -> None:
    txids, root = BLOCKS[height]
    assert merkle_root(leaves(txids)) == (from_display(root), False)


def test_empty_list_gives_zero_root() -> None:
    assert merkle_root([]) == (bytes(32), False)
    assert merkle_root([])[0] == ZERO_HASH


def test_single_leaf_is_its_own_root() -> None:
    assert merkle_root([h("a")]) == (h("a"), False)


def test_two_leaves_hash_their_concatenation() -> None:
    a, b = h("a"), h("b")
    assert merkle_root([a, b]) == (sha256d(a + b), False)


def test_odd_level_pairs_last_hash_with_itself() -> None:
    a, b, c = h("a"), h("b"), h("c")
    expected = sha256d(sha256d(a + b) + sha256d(c + c))
    assert merkle_root([a, b, c]) == (expected, False)


# --- the mutation trap (CVE-2012-2459) -----------------------------------------------------


def test_duplicated_last_leaf_has_same_root_and_is_mutated() -> None:
    a, b, c = h("a"), h("b"), h("c")
    root, mutated = merkle_root([a, b, c])
    assert not mutated
    assert merkle_root([a, b, c, c]) == (root, True)


def test_mutation_only_at_level_one() -> None:
    # Core's own example: [1..6] and [1..6, 5, 6] share a root. The leaves have no equal
    # neighbours; the duplicate pair only appears one level up, as (F, F).
    six = [h(str(i)) for i in range(1, 7)]
    eight = [*six, six[4], six[5]]
    assert all(eight[i] != eight[i + 1] for i in range(0, len(eight), 2))
    root, mutated = merkle_root(six)
    assert not mutated
    assert merkle_root(eight) == (root, True)


def test_equal_pair_anywhere_is_mutated() -> None:
    a, b = h("a"), h("b")
    assert merkle_root([a, a])[1]
    assert merkle_root([a, a, b])[1]
    assert not merkle_root([a, b, a])[1]  # equal hashes that are not paired are fine


def test_mutated_duplicate_leaf_does_not_prove() -> None:
    a, b, c = h("a"), h("b"), h("c")
    mutated_list = [a, b, c, c]
    root, _ = merkle_root(mutated_list)
    assert verify_proof(c, merkle_branch(mutated_list, 2), 2, root)
    # The copy at index 3 recomputes the root, but a right child equal to its left is refused.
    branch = merkle_branch(mutated_list, 3)
    assert root_from_branch(c, branch, 3) == root
    assert not verify_proof(c, branch, 3, root)


# --- branches and proofs on the vectors ----------------------------------------------------


@pytest.mark.parametrize("height", sorted(BLOCKS))
def test_every_txid_proves_against_its_block_root(height: int) -> None:
    txids, root_hex = BLOCKS[height]
    hashes, root = leaves(txids), from_display(root_hex)
    for index, leaf in enumerate(hashes):
        branch = merkle_branch(hashes, index)
        assert len(branch) == 2
        assert root_from_branch(leaf, branch, index) == root
        assert verify_proof(leaf, branch, index, root)
        for other_txids, other_root in BLOCKS.values():
            if other_txids is not txids:
                assert not verify_proof(leaf, branch, index, from_display(other_root))


def test_block_100000_branches() -> None:
    # Intermediate nodes of block 100000: hash(tx0, tx1) and hash(tx2, tx3), display order.
    left_pair = from_display("ccdafb73d8dcd0173d5d5c3c9a0770d0b3953db889dab99ef05b1907518cb815")
    right_pair = from_display("8e30899078ca1813be036a073bbf80b86cdddde1c96e9e9c99e9e3782df4ae49")
    tx = leaves(BLOCK_100000[0])
    assert merkle_branch(tx, 0) == [tx[1], right_pair]
    assert merkle_branch(tx, 1) == [tx[0], right_pair]
    assert merkle_branch(tx, 2) == [tx[3], left_pair]
    assert merkle_branch(tx, 3) == [tx[2], left_pair]


def test_block_99960_last_txid_is_its_own_sibling() -> None:
    tx = leaves(BLOCK_99960[0])
    assert merkle_branch(tx, 2) == [tx[2], sha256d(tx[0] + tx[1])]


def test_single_leaf_branch_is_empty() -> None:
    a = h("a")
    assert merkle_branch([a], 0) == []
    assert root_from_branch(a, [], 0) == a
    assert verify_proof(a, [], 0, a)
    assert not verify_proof(a, [], 1, a)


@pytest.mark.parametrize("index", [-1, 3, 4])
def test_branch_index_out_of_range(index: int) -> None:
    with pytest.raises(IndexError):
        merkle_branch([h("a"), h("b"), h("c")], index)


def test_root_from_branch_rejects_negative_index() -> None:
    with pytest.raises(ValueError):
        root_from_branch(h("a"), [h("b")], -1)


def test_verify_proof_rejects_bad_index_and_lengths() -> None:
    tx = leaves(BLOCK_100000[0])
    root = from_display(BLOCK_100000[1])
    branch = merkle_branch(tx, 1)
    assert verify_proof(tx[1], branch, 1, root)
    assert not verify_proof(tx[1], branch, -1, root)
    assert not verify_proof(tx[1], branch, 1 + 4, root)  # same low bits, but >= 2**len(branch)
    assert not verify_proof(tx[1][:31], branch, 1, root)
    assert not verify_proof(tx[1], [branch[0] + b"\x00", branch[1]], 1, root)
    assert not verify_proof(tx[1], branch, 1, root + b"\x00")


# --- properties ----------------------------------------------------------------------------

HASH = st.binary(min_size=32, max_size=32)
# Unique leaves: a list with repeated txids is mutated, and is not what a valid block holds.
LEAF_LISTS = st.lists(HASH, min_size=1, max_size=64, unique=True)


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@given(LEAF_LISTS)
def test_every_index_proves(hashes: list[bytes]) -> None:
    root, mutated = merkle_root(hashes)
    assert not mutated
    depth = (len(hashes) - 1).bit_length()
    for index, leaf in enumerate(hashes):
        branch = merkle_branch(hashes, index)
        assert len(branch) == depth
        assert root_from_branch(leaf, branch, index) == root
        assert verify_proof(leaf, branch, index, root)


@given(LEAF_LISTS, st.data())
def test_any_flipped_bit_fails(hashes: list[bytes], data: st.DataObject) -> None:
    root, _ = merkle_root(hashes)
    index = data.draw(st.integers(0, len(hashes) - 1), label="index")
    leaf, branch = hashes[index], merkle_branch(hashes, index)
    bit = data.draw(st.integers(0, 255), label="bit")
    target = data.draw(st.integers(-2, len(branch) - 1), label="target")
    if target == -2:
        assert not verify_proof(flip(leaf, bit), branch, index, root)
    elif target == -1:
        assert not verify_proof(leaf, branch, index, flip(root, bit))
    else:
        bad = [flip(s, bit) if k == target else s for k, s in enumerate(branch)]
        assert not verify_proof(leaf, bad, index, root)


@given(LEAF_LISTS, st.data())
def test_any_other_index_fails(hashes: list[bytes], data: st.DataObject) -> None:
    root, _ = merkle_root(hashes)
    index = data.draw(st.integers(0, len(hashes) - 1), label="index")
    leaf, branch = hashes[index], merkle_branch(hashes, index)
    # Every other index a branch of this length can name, including the padded positions
    # past the last leaf, plus indexes outside that range.
    for other in [*range(1 << len(branch)), -1, 1 << len(branch), index + (1 << len(branch))]:
        if other != index:
            assert not verify_proof(leaf, branch, other, root)
