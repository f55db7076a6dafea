"""Browser tests: Playwright driving Debian's Chromium against a live server.

The fixtures `browser` (one Chromium for the whole run) and `visit` are registered once, in
tests/conftest.py, so every browser test shares the same Playwright instance.

Chromium is never downloaded: the tests use /usr/bin/chromium (Debian package `chromium`).
Without it they skip with that message, unless ESEP_REQUIRE_BROWSER=1 (CI), when they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("ESEP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.path.exists(CHROMIUM):
        message = "browser tests need Chromium: apt-get install chromium"
        if os.environ.get("ESEP_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test code's ORM calls are
    # still synchronous and safe. Only for the browser tests, and undone after them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class Visit:
    """A browser page that records every request leaving the live server."""

    def __init__(self, browser, base_url: str, width: int, javascript: bool = True) -> None:
        self.base = base_url
        self.host = urlsplit(base_url).netloc
        self.context = browser.new_context(
            viewport={"width": width, "height": 800}, java_script_enabled=javascript
        )
        self.external: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()

    def _route(self, route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == self.host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def goto(self, path: str):
        return self.page.goto(self.base + path, wait_until="networkidle")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, live_server) -> Iterator:
    opened: list[Visit] = []

    def open_(width: int = 1280, javascript: bool = True) -> Visit:
        v = Visit(browser, live_server.url, width, javascript)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()
