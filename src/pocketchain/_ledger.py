"""Checking a ledger without trusting a node, and amounts as people write them.

`verify_proof` takes a transaction's merkle proof and the header of its block (from anywhere:
the node, a peer, a file kept for years) and answers only from hashes: the branch leads from the
txid to the header's merkle root, the header hashes to the block the proof names, and that hash
meets the header's own target, so the proof cost the work of a block. `verify_headers` checks
the headers mined on top of it: each one's work, and each one building on the one before.
"""

from collections.abc import Sequence

from ._results import Proof
from .consensus.block import HEADER_SIZE, BlockHeader
from .consensus.errors import DecodeError
from .consensus.hashes import from_display
from .consensus.merkle import root_from_branch
from .consensus.pow import compact_to_target
from .wallet.amounts import parse_amount
from .wallet.errors import WalletError


def coins(text: str) -> int:
    """Exact decimal coins to base units: `coins("1.5")` is 150_000_000. ValueError for text
    that is not a positive amount of at most 8 decimal places."""
    try:
        return parse_amount(text)
    except WalletError as exc:
        raise ValueError(str(exc)) from None


def verify_headers(headers: Sequence[bytes | str]) -> bool:
    """True only when each header (80 bytes, or their hex) meets the target its own bits set and
    builds on the one before it: the work done on top of the first."""
    previous: BlockHeader | None = None
    for header in headers:
        parsed = _header(header)
        if parsed is None or not _meets_target(parsed):
            return False
        if previous is not None and parsed.prev != previous.hash:
            return False
        previous = parsed
    return True


def _header(header: bytes | str) -> BlockHeader | None:
    try:
        raw = header if isinstance(header, bytes) else bytes.fromhex(header)
        return BlockHeader.parse(raw) if len(raw) == HEADER_SIZE else None
    except (ValueError, DecodeError):
        return None


def _meets_target(header: BlockHeader) -> bool:
    target, negative, overflow = compact_to_target(header.bits)
    return not (negative or overflow) and int.from_bytes(header.hash, "little") <= target


def verify_proof(proof: Proof, header: bytes | str) -> bool:
    """True only when `proof`'s merkle branch leads from its txid to the merkle root of
    `header` (the block's 80 bytes, or their hex), `header` hashes to `proof.block`, and that
    hash meets the target the header's own bits set."""
    parsed = _header(header)
    try:
        txid, block = from_display(proof.txid), from_display(proof.block)
        branch = [from_display(h) for h in proof.branch]
    except ValueError:
        return False
    if parsed is None or parsed.hash != block or proof.index < 0 or not _meets_target(parsed):
        return False
    return root_from_branch(txid, branch, proof.index) == parsed.merkle_root
