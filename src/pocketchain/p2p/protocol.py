"""What the peer layer needs from the node, and nothing more: the node's side of gossip and sync.

The peer layer sees the node only through `PeerNode`: the chain's parameters, its events, a tip
that any thread may read, and writer-side operations that it runs through `call` (from a server
thread) or `acall` (from its event loop). Tests hand it a stand-in that keeps the same promises.
"""

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from .._results import Event
from ..consensus.block import Block, BlockHeader
from ..consensus.errors import RejectError
from ..consensus.params import ChainParams
from ..consensus.tx import Tx

T = TypeVar("T")


class Tip(Protocol):
    """The active chain's tip, as the writer last published it."""

    @property
    def hash(self) -> bytes: ...
    @property
    def height(self) -> int: ...
    @property
    def chainwork(self) -> int: ...


class Outcome(Protocol):
    """What became of a block: accepted, duplicate, orphan (parent unknown) or stored."""

    @property
    def status(self) -> str: ...


class PeerNode(Protocol):
    params: ChainParams
    listeners: list[Callable[[Event], None]]

    # -- from any thread --------------------------------------------------------------------------

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a writer-side operation and wait for it (server threads)."""
        ...

    def acall(self, fn: Callable[..., T], *args: Any) -> "asyncio.Future[T]":
        """Run a writer-side operation; a future for the event loop to await."""
        ...

    def publish(self, event: Event) -> None: ...

    def tip(self) -> Tip: ...

    def signatures_checked(self, txids: Iterable[bytes]) -> None:
        """Transactions whose signatures verified: connecting their block skips that work."""
        ...

    # -- on the writer, through call or acall --------------------------------------------------

    def accept_block(self, block: Block, requested: bool = True) -> Outcome:
        """RejectError with the rule's code when the block breaks one."""
        ...

    def accept_blocks(self, blocks: list[Block]) -> RejectError | None:
        """A sync's batch: the blocks before the first invalid one stay; its error."""
        ...

    def accept_txs(self, txs: list[Tx]) -> list[RejectError | None]: ...

    def blocks_toward_best_header(self) -> list[bytes]:
        """Blocks whose headers are held but whose data never came, oldest first."""
        ...

    def locator(self, after: bytes | None = None) -> list[bytes]:
        """Hashes back from header `after` (the best header by default) to genesis."""
        ...

    def add_headers(self, headers: Sequence[BlockHeader]) -> tuple[bytes, list[bytes]]:
        """Check and add headers: the last one's hash and the blocks to fetch for them."""
        ...

    def raw_txs(self, txids: list[bytes]) -> list[tuple[bytes, bytes]]:
        """(txid, raw) of those still in the mempool."""
        ...

    def stored_block(self, block_hash: bytes) -> bytes | None: ...

    def stored_blocks(self, hashes: list[bytes]) -> dict[bytes, bytes]:
        """The serializations of those of `hashes` the node holds."""
        ...

    def active_headers(self, locator: list[bytes], limit: int) -> list[BlockHeader]:
        """Active-chain headers after the first locator hash on it (Core: getheaders)."""
        ...

    def saved_peers(self) -> bytes | None:
        """What save_peers saved last."""
        ...

    def save_peers(self, data: bytes) -> None: ...
