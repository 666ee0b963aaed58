"""web_dashboard_first_paint_ms: how long the web UI's dashboard takes to show a node of 10,000
blocks in Chromium, from the start of the page load to the dashboard's figures on screen.

A real `pocketchain node` serves a regtest chain of 10,000 blocks. Debian's Chromium (headless,
through Playwright) loads `/` in a fresh context each time (no cache, no storage), and the time is
read in the page itself: `performance.now()` (zero at the navigation's start) once the dashboard's
cards are in the document. The figure is the median of LOADS loads after one warm-up load; the
browser's own first-contentful-paint of the same loads is reported too.
"""

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench_chain import STARTUP_BLOCKS, empty_chain
from procs import NodeProc

LOADS = 7
READY = "#main .cards"  # the dashboard's figures


def _load(browser, url: str) -> tuple[float, float]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(READY, timeout=30_000)
        ready_ms = page.evaluate("performance.now()")
        fcp = page.evaluate(
            "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
        )
        return ready_ms, fcp
    finally:
        context.close()


def run() -> dict[str, float]:
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("bench_web needs Debian's chromium (make test installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        network_dir = Path(tmp) / "node" / "regtest"
        network_dir.mkdir(parents=True)
        empty_chain(network_dir / "chain.db", STARTUP_BLOCKS)
        node = NodeProc(Path(tmp) / "node")
        node.start(60)
        try:
            assert node.status()["height"] == STARTUP_BLOCKS
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, headless=True, args=["--no-sandbox"]
                )
                _load(browser, node.url + "/")  # warm-up: the server's first answers
                loads = [_load(browser, node.url + "/") for _ in range(LOADS)]
                browser.close()
        finally:
            node.stop()
    return {
        "web_dashboard_first_paint_ms": round(statistics.median(r for r, _ in loads)),
        "web_first_contentful_paint_ms": round(statistics.median(f for _, f in loads)),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
