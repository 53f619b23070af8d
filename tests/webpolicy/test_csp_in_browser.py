"""Chromium, enforcing the content security policy, refuses nothing on the main pages of each
role: no inline style, inline script or outside resource is left for it to block."""

from __future__ import annotations

import os
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from engcert.applications.models import Application
from tests.browser.journey import Person
from tests.conftest import PASSWORD, World, enrol_totp

pytestmark = [
    pytest.mark.browser,
    # The policy and the markup are the same whichever database serves them: checked once.
    pytest.mark.skipif(
        os.environ.get("ENGCERT_DB") == "postgres", reason="independent of the database; run once"
    ),
]

# Every violation, whether or not Chromium also logs it ("Refused to ..." in the console).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile);
});
"""


class Watched(Person):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused: list[str] = []
        self.context.set_default_navigation_timeout(45000)  # a first page on a busy machine
        self.context.add_init_script(LISTEN)
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Refused to" in message.text or "Content Security Policy" in message.text:
            self.refused.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str) -> list[str]:
        """Open the page and return what the policy refused on it."""
        self.go(path)
        self.page.wait_for_load_state("load")
        found = [f"{path}: {v}" for v in self.page.evaluate("window.__violations")] + self.refused
        self.refused = []
        return found


def test_no_page_of_any_role_breaks_the_content_security_policy(
    browser: Any,
    live_server: Any,
    shots: Any,
    world: World,
    complete_draft: Application,
    chinese_journey: None,
) -> None:
    base = live_server.url
    refused: list[str] = []
    society, batch = world.society.code, world.batch.pk

    visitor = Watched(browser, base, shots, "visitor")
    for path in ("/", "/calls/", "/notices/", "/verify/", "/accounts/login/", "/api/v1/docs"):
        refused += visitor.visit(path)
    # The watch itself works: a style attribute set by a script is refused and seen.
    visitor.page.evaluate("document.body.setAttribute('style', 'color: red')")
    visitor.page.wait_for_timeout(100)
    assert visitor.page.evaluate("window.__violations.length") == 1
    visitor.close()

    journeys: list[tuple[Any, list[str]]] = [
        (world.applicant, ["/applications/", f"/applications/{complete_draft.uid}/", "/accounts/2fa/"]),
        (world.unit_admin, ["/unit/", f"/unit/{world.unit.code}/"]),
        (
            world.staff,
            [
                "/staff/",
                f"/staff/{society}/batches/{batch}/",
                f"/staff/{society}/batches/{batch}/queue/",
                "/staff/states/",
            ],
        ),
        (world.examiner, ["/examiner/"]),
        (world.committee, ["/committee/"]),
        (world.reviewer, ["/alliance/"]),
    ]
    for user, paths in journeys:
        person = Watched(browser, base, shots, user.email.split("@")[0])
        person.sign_in(user, second_factor=user != world.applicant)
        for path in paths:
            refused += person.visit(path)
        person.close()

    # The site administrator's pages, and enrolling an authenticator (its QR code is a data: image).
    admin = get_user_model().objects.create_superuser("root@example.com", PASSWORD)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    enrol_totp(admin)
    person = Watched(browser, base, shots, "admin")
    person.sign_in(admin)
    refused += person.visit("/admin/")
    refused += person.visit("/admin/accounts/user/")
    person.close()
    newcomer = get_user_model().objects.create_user("new.staff@example.com", PASSWORD)
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True, primary=True)
    world.staff.memberships.first().__class__.objects.create(
        user=newcomer, organisation=world.society, role="staff"
    )
    person = Watched(browser, base, shots, "newcomer")
    person.go("/accounts/login/")
    person.page.fill("input[name=login]", newcomer.email)
    person.page.fill("input[name=password]", PASSWORD)
    person.click(person.page.locator("main form button[type=submit]"))
    refused += person.visit("/staff/")  # sent on to enrol an authenticator app
    assert person.page.url == base + "/accounts/2fa/totp/activate/"
    assert person.page.locator("img.totp-qr").count() == 1
    person.close()

    assert refused == []
