"""A sync's batch of blocks commits as one transaction: until it has, nobody hears of its blocks,
neither a listener (the event stream, the peers) nor the status, since a crash before the commit
takes them all back."""

import sqlite3
from pathlib import Path

from miner import mine
from pocketchain._results import BlockEvent, Event
from pocketchain.chain.chainstate import Chainstate
from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.params import REGTEST
from pocketchain.node.node import Node


def test_nobody_hears_of_a_batch_before_it_commits(tmp_path: Path) -> None:
    node = Node(REGTEST, tmp_path, miners=1)
    try:
        scratch = Chainstate(REGTEST, SqliteStore(tmp_path / "scratch.db"))
        batch = mine(scratch, 5)
        # another connection to the database reads only what is committed (WAL)
        committed = sqlite3.connect(node.dir / "chain.db", check_same_thread=False)
        heard: list[tuple[Event, bytes, bytes]] = []

        def listen(event: Event) -> None:
            (stored,) = committed.execute("SELECT value FROM meta WHERE key = 'tip'").fetchone()
            heard.append((event, node.tip().hash, bytes(stored)))

        node.listeners.append(listen)
        assert node.call(node.accept_blocks, batch) is None
        events = [event for event, _, _ in heard]
        assert all(isinstance(event, BlockEvent) for event in events)
        assert [event.height for event in events] == [1, 2, 3, 4, 5]  # type: ignore[union-attr]
        # each told once the whole batch was stored, with the status already at its end
        assert all(told == stored == batch[-1].hash for _, told, stored in heard)
        committed.close()
    finally:
        node.close()
