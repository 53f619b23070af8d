"""Browser tests: Playwright drives Debian's Chromium against a live server.

One Playwright and one Chromium serve the whole run, whichever folder a browser test lives in
(tests elsewhere import ``browser`` and ``page`` from here). They start when a test first asks
for a browser and stop as soon as the next test to run does not: while Playwright's sync API is
alive it marks an asyncio event loop as running on the main thread, so a second
``sync_playwright()`` would refuse to start ("Sync API inside the asyncio loop") and every
other test would run under a loop that is not its own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
BROWSER_FIXTURES = frozenset({"browser", "page"})


class _SharedChromium:
    """The run's one Playwright and Chromium, started on demand and stopped when no longer needed."""

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None
        self._cleanup_registered = False

    def get(self, config: pytest.Config) -> Any:
        if not self._cleanup_registered:
            # Stopped at the latest when pytest ends (a run cut short by -x or Ctrl+C included).
            config.add_cleanup(self.stop)
            self._cleanup_registered = True
        if self._browser is None:
            if not Path(CHROMIUM).exists():
                pytest.fail("Chromium is missing: install Debian's package chromium (make test does)")
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            try:
                self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            except BaseException:
                self.stop()
                raise
        return self._browser

    def stop(self) -> None:
        browser, playwright = self._browser, self._playwright
        if playwright is None:
            return
        self._browser = self._playwright = None
        # While Playwright's loop counts as running, Django keeps this thread's database
        # connections apart from the plain thread-local ones (asgiref's Local); close those
        # now, or they stay open unseen and the test database cannot be dropped at the end.
        from django.db import connections

        connections.close_all()
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()  # ends the event loop it ran on the main thread


_CHROMIUM = _SharedChromium()


def _next_item(item: pytest.Item) -> pytest.Item | None:
    items = item.session.items
    try:
        position = items.index(item)
    except ValueError:
        return None
    return items[position + 1] if position + 1 < len(items) else None


def _needs_browser(item: pytest.Item | None) -> bool:
    return item is not None and bool(BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    yield _CHROMIUM.get(request.config)
    if not _needs_browser(_next_item(request.node)):
        _CHROMIUM.stop()


@pytest.fixture
def page(browser: Any, live_server: object) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    folder = SCREENSHOTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def chinese_journey(settings: Any) -> Iterator[None]:
    """The shipped language, a second factor read at the end of its 30 s still counting, and
    a cache without the used codes and rate limits of an earlier journey."""
    settings.LANGUAGE_CODE = "zh-hans"
    settings.MFA_TOTP_TOLERANCE = 1
    cache.clear()
    yield
    cache.clear()
