"""Debian's Chromium driven by Playwright, for the web UI tests (test_ui_*.py).

One headless browser per test worker; each test gets a fresh context (no shared localStorage)
whose console errors and uncaught page errors fail the test. Screenshots go to docs/screenshots/,
which the README links.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
TIMEOUT_MS = 15_000  # any one wait for the page
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 780}


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("no chromium: `make test` installs Debian's chromium package")
    return path


def launch() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox cannot start
        browser = playwright.chromium.launch(
            executable_path=chromium(), headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


class ConsoleWatch:
    """Every console error and uncaught exception of a page, and every request it made to a
    place other than its node (the UI must work with no outside network)."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("request", lambda request: self._request(request.url, base_url))

    def _request(self, url: str, base_url: str) -> None:
        if not url.startswith((base_url + "/", "data:", "blob:")):
            self.errors.append(f"request outside the node: {url}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location}")


def new_page(browser: Browser, base_url: str, viewport: dict[str, int] = DESKTOP) -> Page:
    context = browser.new_context(base_url=base_url, viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_watch = ConsoleWatch(page, base_url)  # type: ignore[attr-defined]
    return page


def console_errors(page: Page) -> list[str]:
    """What went wrong on the page: console errors, page errors, requests leaving the node."""
    return list(page.console_watch.errors)  # type: ignore[attr-defined]


def screenshot(page: Page, name: str) -> None:
    """The page as it is now, for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


__all__ = ["Error", "Page", "console_errors", "launch", "new_page", "screenshot"]
