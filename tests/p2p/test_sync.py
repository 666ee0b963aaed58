"""Headers-first sync from a peer served by httpx.MockTransport (no sockets): a branch that parts
far below our tip is held in memory until its headers carry enough work (Core's headers presync),
and a branch that never does is not stored at all."""

from pathlib import Path
from typing import Any

import httpx
import pytest

import aio
from miner import make_block
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.index import Entry
from pocketchain.chain.records import Status
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.block import Block
from pocketchain.consensus.errors import RejectError
from pocketchain.consensus.hashes import from_display, to_display
from pocketchain.consensus.params import REGTEST
from pocketchain.p2p import sync
from pocketchain.p2p.client import PeerClient
from pocketchain.p2p.peer import Peer

ANSWER = 10  # headers per answer, so that a few hundred blocks take many requests


class StandInNode:
    """What sync_from uses of a node: its chain, run on the caller's loop."""

    def __init__(self, chain: Chainstate) -> None:
        self.chain = chain
        self.params = chain.params

    async def acall(self, fn: Any, *args: Any) -> Any:
        return fn(*args)

    def submit_blocks(self, blocks: list[Block]) -> RejectError | None:
        for block in blocks:
            try:
                self.chain.process_block(block)
            except RejectError as exc:
                return exc
        return None


def serve(source: Chainstate) -> httpx.MockTransport:
    """A peer's /headers and /blocks/raw routes over `source`."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/headers":
            locator = [from_display(h) for h in request.url.params["locator"].split(",")]
            headers = source.headers_after(locator, ANSWER)
            return httpx.Response(200, json={"headers": [h.raw.hex() for h in headers]})
        if request.url.path == "/api/v1/blocks/raw":
            hashes = [from_display(h) for h in request.url.params["hashes"].split(",")]
            found = [(h, source.store.get_block(h)) for h in hashes]
            items = [{"hash": to_display(h), "hex": raw.hex()} for h, raw in found if raw]
            return httpx.Response(200, json={"blocks": items})
        return httpx.Response(404, json={"error": {"code": "not-found", "message": "no"}})

    return httpx.MockTransport(handle)


def grow(chain: Chainstate, parent: Entry, count: int, tag: bytes) -> None:
    for _ in range(count):
        block = make_block(parent, tag=tag)
        chain.process_block(block)
        parent = chain.entries[block.hash]


def run_sync(ours: Chainstate, source: Chainstate) -> list[tuple[int, str]]:
    """sync_from the peer serving `source`; the punishments it gave."""
    punished: list[tuple[int, str]] = []
    client = PeerClient()
    client.http = httpx.AsyncClient(transport=serve(source), base_url="http://peer")

    async def main() -> None:
        peer = Peer("http://peer")
        await sync.sync_from(
            StandInNode(ours), client, peer, lambda p, s, r: punished.append((s, r))
        )
        await client.close()

    aio.run(main())
    return punished


@pytest.fixture
def chains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Chainstate, Chainstate]:
    monkeypatch.setattr(sync, "MAX_HEADERS", ANSWER)
    ours = Chainstate(REGTEST, SqliteStore(tmp_path / "ours.db"))
    source = Chainstate(REGTEST, SqliteStore(tmp_path / "source.db"))
    grow(ours, ours.tip, 200, b"ours")
    return ours, source


def test_a_heavier_branch_from_far_below_is_synced(chains) -> None:
    ours, source = chains
    grow(source, source.tip, 260, b"theirs")  # parts at genesis; more work in the end
    assert ours.anti_dos_work() > source.chain[ANSWER].chainwork  # its first answers: too little
    assert run_sync(ours, source) == []
    assert ours.tip.hash == source.tip.hash


def test_a_branch_that_never_gets_the_work_is_not_stored(chains) -> None:
    ours, source = chains
    grow(source, source.tip, 40, b"theirs")  # far below the threshold, all of it
    count = len(ours.entries)
    assert run_sync(ours, source) == []  # not misbehaviour: Core does not punish it
    assert len(ours.entries) == count
    assert all(e.status != Status(0) for e in ours.entries.values())  # no header was stored
