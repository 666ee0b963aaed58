"""Headers-first sync from a peer served by httpx.MockTransport (no sockets): a branch that parts
far below our tip is held in memory until its headers carry enough work (Core's headers presync),
and a branch that never does is not stored at all."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from mockpeer import URL, MockPeer

import aio
from miner import make_block
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.index import Entry
from pocketchain.chain.records import Status
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.params import REGTEST
from pocketchain.node.core import NodeCore
from pocketchain.p2p import sync
from pocketchain.p2p.client import PeerClient
from pocketchain.p2p.peer import Peer

ANSWER = 10  # headers per answer, so that a few hundred blocks take many requests


def grow(chain: Chainstate, parent: Entry, count: int, tag: bytes) -> None:
    for _ in range(count):
        block = make_block(parent, tag=tag)
        chain.process_block(block)
        parent = chain.entries[block.hash]


def run_sync(ours: NodeCore, source: Chainstate) -> list[tuple[int, str]]:
    """sync_from the peer serving `source`; the punishments it gave."""
    punished: list[tuple[int, str]] = []
    client = PeerClient(MockPeer(source, ANSWER).transport)

    async def main() -> None:
        peer = Peer(URL, "outbound")
        await sync.sync_from(ours, client, peer, lambda p, s, r: punished.append((s, r)))
        await client.close()

    aio.run(main())
    return punished


@pytest.fixture
def chains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[NodeCore, Chainstate]]:
    """Our node (its chain grown before the writer has work) and the peer's chain."""
    monkeypatch.setattr(sync, "MAX_HEADERS", ANSWER)
    node = NodeCore(REGTEST, tmp_path / "ours", miners=1)
    source = Chainstate(REGTEST, SqliteStore(tmp_path / "source.db"))
    grow(node.chain, node.chain.tip, 200, b"ours")
    yield node, source
    node.close()


def test_a_heavier_branch_from_far_below_is_synced(chains) -> None:
    node, source = chains
    grow(source, source.tip, 260, b"theirs")  # parts at genesis; more work in the end
    work = node.chain.anti_dos_work()
    assert work > source.chain[ANSWER].chainwork  # its first answers: too little
    assert run_sync(node, source) == []
    assert node.tip().hash == source.tip.hash


def test_a_branch_that_never_gets_the_work_is_not_stored(chains) -> None:
    node, source = chains
    grow(source, source.tip, 40, b"theirs")  # far below the threshold, all of it
    count = len(node.chain.entries)
    assert run_sync(node, source) == []  # not misbehaviour: Core does not punish it
    assert len(node.chain.entries) == count
    assert all(e.status != Status(0) for e in node.chain.entries.values())  # no header was stored
