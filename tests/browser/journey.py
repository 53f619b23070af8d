"""What the Chinese journeys share: each person's own browser window signed in through the real
sign-in pages, and the page's words for an English source string (the clean start is the
``chinese_journey`` fixture in conftest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import translation

from engcert.accounts.models import User
from tests.accounts.conftest import totp_code
from tests.conftest import PASSWORD

LANGUAGE = "zh-hans"


def t(text: str, context: str = "") -> str:
    """What the page says for an English source string, in the journey's language."""
    with translation.override(LANGUAGE):
        return translation.pgettext(context, text) if context else translation.gettext(text)


def tn(singular: str, plural: str, count: int) -> str:
    with translation.override(LANGUAGE):
        return translation.ngettext(singular, plural, count) % {"counter": count}


def label(lazy: Any) -> str:
    with translation.override(LANGUAGE):
        return str(lazy)


class Person:
    """One person's own browser window, signed in through the real sign-in pages."""

    def __init__(self, browser: Any, base: str, shots: Path, name: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.context.set_default_timeout(15000)
        host = base.split("//")[1].split(":")[0]
        self.context.add_cookies(
            [{"name": "django_language", "value": LANGUAGE, "domain": host, "path": "/"}]
        )
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())  # "are you sure?" confirmations
        self.base = base
        self.shots = shots
        self.name = name

    def shot(self, what: str) -> None:
        number = len(list(self.shots.glob("*.png"))) + 1
        self.page.screenshot(path=str(self.shots / f"{number:02d}-{self.name}-{what}.png"), full_page=True)

    def sign_in(self, user: User, *, second_factor: bool = True) -> None:
        page = self.page
        page.goto(self.base + "/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", PASSWORD)
        self.click(page.locator("main form button[type=submit]"))
        if second_factor:
            page.fill("input[name=code]", totp_code(user))
            self.click(page.locator("main form button[type=submit]").first)
        # Signed in, not held at a login step (the page says why if so).
        assert "/accounts/" not in page.url, (page.url, self.main())

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def click(self, locator: Any) -> None:
        """Click something that loads a new page, and wait for that page."""
        with self.page.expect_navigation():
            locator.click()

    def follow(self, name: str) -> None:
        self.click(self.page.locator("main").get_by_role("link", name=name, exact=True).first)

    def main(self) -> str:
        return str(self.page.locator("main").inner_text())

    def messages(self) -> str:
        return str(self.page.locator(".messages").inner_text())

    def close(self) -> None:
        self.context.close()
