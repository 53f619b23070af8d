"""The browser test here drives the shared Chromium of tests/browser."""

from tests.browser.conftest import browser, chinese_journey, shots  # noqa: F401 -- fixtures
