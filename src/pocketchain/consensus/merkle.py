"""Merkle trees over transaction ids, built the way Bitcoin builds them.

Each level pairs neighbours and hashes them with SHA-256d; a level with an odd count
pairs its last hash with itself. That duplication means two different lists can share
a root ([a, b, c] and [a, b, c, c]), so the root comes with a `mutated` flag
(CVE-2012-2459). All hashes are in internal byte order, as `sha256d` returns them.
"""

from collections.abc import Sequence

from .hashes import sha256d

ZERO_HASH = bytes(32)


def _next_level(level: Sequence[bytes]) -> list[bytes]:
    """Hash neighbours pairwise, pairing an odd last hash with itself."""
    padded = [*level, level[-1]] if len(level) % 2 else list(level)
    return [sha256d(padded[i] + padded[i + 1]) for i in range(0, len(padded), 2)]


def merkle_root(hashes: Sequence[bytes]) -> tuple[bytes, bool]:
    """(root, mutated) of a list of leaf hashes; (32 zero bytes, False) for no leaves.

    `mutated` is true when some level holds two equal hashes at positions (2k, 2k+1)
    before padding: the list could then be altered without changing the root.
    """
    # ComputeMerkleRoot (consensus/merkle.cpp)
    if not hashes:
        return ZERO_HASH, False
    level = list(hashes)
    mutated = False
    while len(level) > 1:
        # CVE-2012-2459: Core's `hashes[pos] == hashes[pos + 1]` check
        mutated |= any(level[i] == level[i + 1] for i in range(0, len(level) - 1, 2))
        level = _next_level(level)
    return level[0], mutated


def merkle_branch(hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The sibling of the leaf at `index`, then of its parent, and so on up to the root."""
    # ComputeMerkleBranch (consensus/merkle.cpp; TransactionMerklePath in newer Core)
    if not 0 <= index < len(hashes):
        raise IndexError(f"leaf index {index} is out of range for {len(hashes)} leaves")
    branch: list[bytes] = []
    level = list(hashes)
    while len(level) > 1:
        sibling = index ^ 1
        # an odd last hash is its own sibling
        branch.append(level[sibling] if sibling < len(level) else level[index])
        level = _next_level(level)
        index //= 2
    return branch


def root_from_branch(leaf: bytes, branch: Sequence[bytes], index: int) -> bytes:
    """The root implied by `leaf` at position `index` and its branch; bit k of `index`
    says whether the node at level k is a right child."""
    # ComputeMerkleRootFromBranch (consensus/merkle.cpp)
    if index < 0:
        raise ValueError("a leaf index is never negative")
    h = leaf
    for sibling in branch:
        h = sha256d(sibling + h) if index & 1 else sha256d(h + sibling)
        index >>= 1
    return h


def verify_proof(leaf: bytes, branch: Sequence[bytes], index: int, root: bytes) -> bool:
    """True when `branch` proves `leaf` sits at `index` in the tree with `root`.

    Stricter than recomputing the root: the index must fit the branch, every hash must be
    32 bytes, and a right child may never equal its left sibling (only a left child can be
    paired with itself). That last rule is what makes the index unique: without it, the
    last leaf of an odd level would also "prove" at the position of its duplicate.
    """
    if not 0 <= index < 1 << len(branch):
        return False
    if any(len(h) != 32 for h in (leaf, root, *branch)):
        return False
    h = leaf
    for level, sibling in enumerate(branch):
        if index >> level & 1:
            # CPartialMerkleTree::TraverseAndExtract: left and right are never identical
            if sibling == h:
                return False
            h = sha256d(sibling + h)
        else:
            h = sha256d(h + sibling)
    return h == root
