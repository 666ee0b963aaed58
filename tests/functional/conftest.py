"""Functional tests: every node started here is stopped here, whatever the test did."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import Browser, Page, console_errors, launch, new_page
from framework import TestNode


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[Callable[..., TestNode]]:
    """`nodes()` starts a new regtest node (arguments go to TestNode)."""
    started: list[TestNode] = []

    def start(*extra: str, network: str = "regtest", host: str = "127.0.0.1") -> TestNode:
        node = TestNode(tmp_path / f"node{len(started)}", network, *extra, host=host)
        started.append(node)
        return node.start()

    yield start
    for node in started:
        node.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium, one per test worker."""
    yield from launch()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """`open_page(node, path="/")` opens the node's web UI in a fresh browser context; at the
    end, any console error or uncaught exception on any page opened fails the test."""
    pages: list[Page] = []

    def open_(node: TestNode, path: str = "/", **kwargs: object) -> Page:
        page = new_page(browser, node.url, **kwargs)  # type: ignore[arg-type]
        pages.append(page)
        page.goto(path)
        return page

    yield open_
    errors = [e for page in pages for e in console_errors(page)]
    for page in pages:
        page.context.close()
    assert errors == [], errors
