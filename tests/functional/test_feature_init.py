"""feature_init: a node whose block index takes seconds to load answers from the start, and one
killed while it loads starts again cleanly (Core: feature_init.py kills a node at each step of
its start-up and starts it again).

The chain: three connected blocks, then 400,000 headers without their blocks.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from framework import TestNode, wait_until
from long_index import BLOCKS, build, copy_into

from pocketchain.chain.sqlite import SqliteStore
from pocketchain.consensus.hashes import to_display

HEADERS = 400_000
LOADING = "loading the block index"
LOADED = "block index loaded"


@pytest.fixture(scope="module")
def long_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("long-index") / "chain.db"
    build(path, HEADERS)
    yield path


def stored_tip(path: Path) -> str:
    store = SqliteStore(path)
    try:
        tip = store.get_meta("tip")
        assert tip is not None
        return to_display(tip)
    finally:
        store.close()


def log_count(node: TestNode, line: str) -> int:
    return node.log.read_text(errors="replace").count(line)


def test_the_node_answers_while_its_block_index_loads(long_chain: Path, tmp_path: Path) -> None:
    node = TestNode(tmp_path / "node")
    copy_into(long_chain, node.data_dir)
    node.launch()
    try:
        wait_until(lambda: log_count(node, LOADING) == 1, 60, "the load to start")
        status = node.http.get("/api/v1/status").json()
        assert log_count(node, LOADED) == 0, "the index loaded before the status was asked"
        assert (status["loading"], status["synced"]) == (True, False)
        assert (status["height"], status["tip"]) == (BLOCKS, stored_tip(long_chain))
        answer = node.http.get("/api/v1/blocks")
        assert answer.status_code == 503 and answer.headers["retry-after"] == "1"
        assert answer.json()["error"]["code"] == "loading"
        wait_until(lambda: node.status()["loading"] is False, 120, "the index to load")
        assert (node.height(), node.status()["tip"]) == (BLOCKS, stored_tip(long_chain))
        tips = {t["status"]: t["height"] for t in node.api("GET", "/tips")}
        assert tips == {"active": BLOCKS, "headers-only": BLOCKS + HEADERS}
        assert node.api("GET", "/blocks?limit=1")["blocks"][0]["height"] == BLOCKS
    finally:
        assert node.stop() == 0


def test_sigkill_while_the_index_loads_restarts_cleanly(long_chain: Path, tmp_path: Path) -> None:
    node = TestNode(tmp_path / "node")
    copy_into(long_chain, node.data_dir)
    for kills in range(1, 4):
        node.launch()
        wait_until(lambda n=kills: log_count(node, LOADING) == n, 60, "the load to start")
        node.kill()
        assert log_count(node, LOADED) == 0, "the kill came after the load"
    node.start()
    assert (node.height(), node.status()["tip"]) == (BLOCKS, stored_tip(long_chain))
    tips = {t["status"]: t["height"] for t in node.api("GET", "/tips")}
    assert tips == {"active": BLOCKS, "headers-only": BLOCKS + HEADERS}
    assert node.stop() == 0
    assert node.verify().returncode == 0
