"""Functional tests: every node started here is stopped here, whatever the test did."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from framework import TestNode


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[Callable[..., TestNode]]:
    """`nodes()` starts a new regtest node (arguments go to TestNode)."""
    started: list[TestNode] = []

    def start(*extra: str, network: str = "regtest") -> TestNode:
        node = TestNode(tmp_path / f"node{len(started)}", network, *extra)
        started.append(node)
        return node.start()

    yield start
    for node in started:
        node.kill()
