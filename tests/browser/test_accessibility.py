"""Every main page passes axe-core (the npm package, pinned in package.json) with no serious or
critical violation of WCAG 2.1 A and AA, for each role, in Chinese and for a few pages in
English and on a phone.

One browser and one demo (the data `make run` loads: applications in every stage) serve the
whole check; each role's pages are opened in that role's own browser window, signed in as the
demo's person. A page that does not open (an error, a redirect elsewhere) or whose script fails
is reported too. The failure lists every problem at once: the page, the rule, where, and what
axe says to do.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from engcert.accounts.models import User
from tests.browser import main_pages
from tests.browser.main_pages import MainPage, Role
from tests.conftest import _ensure_migrated_data, enrol_totp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
    # The markup is the same whichever database serves it: checked once, in the SQLite pass.
    pytest.mark.skipif(
        os.environ.get("ENGCERT_DB") == "postgres", reason="independent of the database; run once"
    ),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Pages checked again in English and again on a phone: one or more of each role's busiest.
IN_ENGLISH_TOO = {
    ("the public", "home"),
    ("the public", "a valid certificate"),
    ("applicant", "form section personal"),
    ("staff", "the review queue"),
    ("staff", "initial review"),
    ("staff", "a batch's dashboard"),
    ("examiner with a sheet to fill", "a score sheet to fill"),
    ("committee member", "a vote"),
    ("alliance reviewer", "a candidate to verify"),
}
ON_A_PHONE_TOO = {
    ("the public", "home"),
    ("the public", "a call"),
    ("applicant", "form section work"),
    ("applicant", "my draft"),
    ("unit administrator", "unit workspace: the unit's engineers"),
    ("staff", "the review queue"),
    ("staff", "examiner assignment"),
    ("examiner with a sheet to fill", "a score sheet to fill"),
    ("alliance reviewer", "the verification queue"),
}

# axe-core no longer checks that ids are unique (WCAG 2.2 dropped 4.1.1), but a label, an
# aria-describedby or a skip link pointing at a repeated id reaches the wrong element: checked here.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  const found = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
  const seen = new Map();
  document.querySelectorAll("[id]").forEach((element) => seen.set(element.id, (seen.get(element.id) || 0) + 1));
  const repeated = [...seen].filter(([, count]) => count > 1).map(([id]) => "#" + id);
  if (repeated.length) {
    found.push({id: "duplicate-id", impact: "serious", help: "Every id must be unique", targets: repeated});
  }
  return found;
}"""


def axe_window(browser: Any, **options: Any) -> Any:
    """A browser window whose every page carries axe-core. Given to the window once rather than
    added to each page (add_script_tag): the half-megabyte script then crosses from Playwright to
    Chromium once per window, which halves the time a page's check takes."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test` (or `npm ci --no-audit --no-fund`) first")
    context = browser.new_context(**options)
    context.set_default_timeout(15000)
    context.add_init_script(path=str(AXE))
    return context


def axe_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands, one line each."""
    violations = page.evaluate(RUN_AXE, WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — at {', '.join(v['targets'][:5])}"
        + (f" and {len(v['targets']) - 5} more" if len(v["targets"]) > 5 else "")
        for v in violations
    ]


class RoleWindow:
    """One role's browser window, signed in as the demo's person (or a visitor's)."""

    def __init__(self, browser: Any, base: str, role: Role) -> None:
        self.base = base
        self.host = urlsplit(base).hostname or "127.0.0.1"
        self.context = axe_window(browser, viewport=DESKTOP, locale="zh-CN")
        if role.email is not None:
            client = Client()
            client.force_login(User.objects.get(email=role.email))
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            self._cookie(settings.SESSION_COOKIE_NAME, session)
        self.page = self.context.new_page()
        self.script_errors: list[str] = []
        self.page.on("pageerror", lambda error: self.script_errors.append(str(error)))

    def _cookie(self, name: str, value: str) -> None:
        self.context.add_cookies([{"name": name, "value": value, "domain": self.host, "path": "/"}])

    def language(self, code: str) -> None:
        self._cookie(settings.LANGUAGE_COOKIE_NAME, code)

    def check(self, page_: MainPage, where: str) -> list[str]:
        """Open the page and report what keeps it from passing: not opening, a script error,
        or axe-core's serious and critical violations."""
        self.script_errors.clear()
        response = self.page.goto(self.base + page_.path)
        landed = urlsplit(self.page.url).path
        if response is None or response.status != page_.status or landed != urlsplit(page_.path).path:
            status = response.status if response is not None else "no response"
            return [f"{where}: did not open ({status}, at {landed})"]
        problems = [f"{where}: {problem}" for problem in axe_problems(self.page)]
        problems += [f"{where}: script error {error}" for error in self.script_errors]
        return problems

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def demo(db: None) -> list[Role]:
    _ensure_migrated_data()
    out = StringIO()
    call_command("load_demo", stdout=out)
    for user in main_pages.users_who_need_a_second_factor():
        enrol_totp(user)
    return main_pages.every_role(load_demo_output=out.getvalue())


def test_axe_core_is_installed_and_reports_a_page_with_unnamed_controls(browser):
    """The check below can fail: on a page with an unlabelled field, an unnamed button and an
    image without text, axe-core names exactly those."""
    context = axe_window(browser)
    page = context.new_page()
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<h1>A form</h1><input type="text"><button></button><img src="data:,">'
        "</main></body></html>"
    )
    found = sorted(problem.split(" ")[0] for problem in axe_problems(page))
    context.close()
    assert found == ["button-name", "image-alt", "label"]


def test_every_main_page_of_every_role_passes_axe_core_without_serious_or_critical_violations(
    browser, live_server, demo
):
    problems: list[str] = []
    checked = 0
    for role in demo:
        window = RoleWindow(browser, live_server.url, role)
        window.language("zh-hans")
        for page_ in role.pages:
            where = f"{role.name} · {page_.name} ({page_.path})"
            problems += window.check(page_, where)
            checked += 1
            if (role.name, page_.name) in IN_ENGLISH_TOO:
                window.language("en")
                problems += window.check(page_, where + " in English")
                window.language("zh-hans")
                checked += 1
            if (role.name, page_.name) in ON_A_PHONE_TOO:
                window.page.set_viewport_size(PHONE)
                problems += window.check(page_, where + " at 390 px")
                window.page.set_viewport_size(DESKTOP)
                checked += 1
        window.close()
    # Every page named above was found and checked (a renamed page would drop out silently).
    assert checked == sum(len(role.pages) for role in demo) + len(IN_ENGLISH_TOO) + len(ON_A_PHONE_TOO)
    assert problems == [], "\n" + "\n".join(problems)
