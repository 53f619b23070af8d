"""The main journeys with the keyboard alone: no click, no fill, only Tab, Enter, Space, the
arrow keys and typing, as a person who cannot use a mouse works.

A member of the public verifies a certificate by its number; an applicant signs in, fills in a
section of the application and moves on to the next, adding a degree with the "add another"
button; staff sign in with their second factor, open the batch's work queue, filter it, open a
file and pass its initial review. Along the way: the skip link is the first stop on every page
and leads into the content, every stop shows a visible focus ring, sortable columns sort from
the keyboard and the states diagram scrolls with the arrow keys on a phone. Only the starting
data (a certificate, a draft, a submitted file) is built directly; in Chinese, the default.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from engcert.accounts.models import User
from engcert.applications.domain.application import application_create, application_submit
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.certificates.enums import CertificateStatus
from engcert.demo import builders
from tests.accounts.conftest import totp_code
from tests.browser.journey import LANGUAGE, label, t
from tests.certificates.public_helpers import member_certificate
from tests.conftest import PASSWORD, World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

MOST_TAB_STOPS = 250  # more than any page has before the control a journey is heading for

IS_FOCUSED = "element => element === document.activeElement"
FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth), visible: document.activeElement.matches(":focus-visible")};
}"""


class KeyboardUser:
    """A person in their own browser window who only uses the keyboard."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.context.set_default_timeout(15000)
        host = base.split("//")[1].split(":")[0]
        self.context.add_cookies(
            [{"name": "django_language", "value": LANGUAGE, "domain": host, "path": "/"}]
        )
        self.page = self.context.new_page()
        self.base = base

    def open(self, path: str) -> None:
        """Type an address (the browser's address bar is keyboard too)."""
        self.page.goto(self.base + path)

    def tab_to(self, locator: Any) -> None:
        """Press Tab until the element has the focus, which it must show with a focus ring."""
        for _ in range(MOST_TAB_STOPS):
            self.page.keyboard.press("Tab")
            if locator.evaluate(IS_FOCUSED):
                ring = self.page.evaluate(FOCUS_RING)
                assert ring["visible"] and ring["style"] == "solid" and ring["width"] >= 3, ring
                return
        raise AssertionError(f"Tab never reached {locator} on {self.page.url}")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press_and_load(self, key: str = "Enter") -> None:
        """Press a key that loads a page (a link, a form's button), and wait for it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def skip_to_content(self) -> None:
        """The first Tab on a page reaches the skip link, shown on screen; Enter on it moves the
        next Tab into the page's content, past the navigation."""
        self.press("Tab")
        skip = self.page.locator("a.skip-link")
        assert skip.evaluate(IS_FOCUSED)
        assert skip.inner_text() == t("Skip to content")
        box = skip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["y"] >= 0
        self.press("Enter")
        self.press("Tab")
        assert self.page.evaluate("() => document.querySelector('main').contains(document.activeElement)")

    def sign_in(self, user: User, *, second_factor: bool = False) -> None:
        self.open(reverse("account_login"))
        self.skip_to_content()
        self.tab_to(self.page.locator("input[name=login]"))
        self.type(user.email)
        self.tab_to(self.page.locator("input[name=password]"))
        self.type(PASSWORD)
        self.press_and_load("Enter")
        if second_factor:
            self.tab_to(self.page.locator("input[name=code]"))
            self.type(totp_code(user))
            self.press_and_load("Enter")
        assert "/accounts/" not in self.page.url, self.page.url

    def follow(self, locator: Any) -> None:
        self.tab_to(locator)
        self.press_and_load("Enter")

    def messages(self) -> str:
        return str(self.page.locator(".messages").inner_text())

    def close(self) -> None:
        self.context.close()


def test_a_member_of_the_public_verifies_a_certificate_by_number_with_the_keyboard(
    browser, live_server, world
):
    certificate = member_certificate(world.society, name="王伟", holder=world.applicant)
    public = KeyboardUser(browser, live_server.url)
    public.open(reverse("home"))
    public.follow(public.page.locator(".main-nav a", has_text=t("Verify a certificate")))
    public.skip_to_content()
    public.tab_to(public.page.locator("main input[name=number]").first)
    public.type(certificate.number.lower())
    public.press_and_load("Enter")
    assert public.page.url == f"{live_server.url}/verify/{certificate.number}/"
    assert public.page.locator("#verdict h1").inner_text() == label(CertificateStatus.VALID.label)
    assert t("This certificate is valid until %(date)s.") % {"date": certificate.valid_until.isoformat()} in (
        public.page.locator("#verdict").inner_text()
    )
    public.close()


def test_an_applicant_fills_in_a_section_and_moves_to_the_next_with_the_keyboard(
    browser, live_server, world: World
):
    User.objects.update(language=LANGUAGE)
    draft = application_create(batch=world.batch, applicant=world.other_applicant)
    applicant = KeyboardUser(browser, live_server.url)
    applicant.sign_in(world.other_applicant)

    # From the navigation to the draft, and on to its personal data.
    applicant.follow(applicant.page.locator(".main-nav a", has_text=t("My applications")))
    detail = reverse("applications:detail", args=[draft.uid])
    applicant.follow(applicant.page.locator(f"main a[href='{detail}']").first)
    personal = reverse("applications:section", args=[draft.uid, "personal"])
    applicant.follow(applicant.page.locator(f"main a[href='{personal}']").first)

    # Typing into the fields, choosing from a list with the arrow keys, then "save and continue".
    applicant.tab_to(applicant.page.locator("input[name=full_name]"))
    applicant.type("李娜")
    applicant.press("Tab")
    applicant.type("Li Na")
    applicant.tab_to(applicant.page.locator("select[name=gender]"))
    applicant.press("ArrowDown")
    applicant.press("ArrowDown")
    applicant.tab_to(applicant.page.locator("input[name=nationality]"))
    applicant.type("中国")
    applicant.tab_to(applicant.page.locator("input[name=phone]"))
    applicant.type("13800000002")
    applicant.tab_to(applicant.page.locator("button[name=action][value=continue]"))
    applicant.press_and_load("Enter")
    education = reverse("applications:section", args=[draft.uid, "education"])
    assert applicant.page.url == live_server.url + education
    draft = Application.objects.get(pk=draft.pk)
    assert (draft.full_name, draft.full_name_en, draft.gender, draft.nationality, draft.phone) == (
        "李娜",
        "Li Na",
        "F",
        "中国",
        "13800000002",
    )

    # "Add another degree" is a button: Enter adds a row and puts the focus in its first field.
    rows = applicant.page.locator("[data-formset-rows] [data-formset-row]")
    before = rows.count()
    applicant.tab_to(applicant.page.locator("button[data-formset-add]"))
    applicant.press("Enter")
    assert rows.count() == before + 1
    new_row = rows.nth(before)
    assert new_row.evaluate("row => row.contains(document.activeElement)")
    applicant.tab_to(new_row.locator("input[name$=institution]"))
    applicant.type("华北电力大学")
    # Chromium's date fields take month, day and year in that order here (its own language is
    # English, whatever the page's), each part moving on to the next once full.
    applicant.tab_to(new_row.locator("input[name$=start_date]"))
    applicant.type("09012003")
    applicant.tab_to(new_row.locator("input[name$=end_date]"))
    applicant.type("07012007")
    applicant.tab_to(applicant.page.locator("button[name=action][value=save]"))
    applicant.press_and_load("Enter")
    assert list(draft.education.values_list("institution", "start_date", "end_date")) == [
        ("华北电力大学", date(2003, 9, 1), date(2007, 7, 1))
    ]
    applicant.close()


def test_staff_filter_the_work_queue_and_pass_an_initial_review_with_the_keyboard(
    browser, live_server, world: World, complete_draft: Application
):
    application = application_submit(application=complete_draft, by=complete_draft.applicant)
    builders.batch_create(
        society=world.society,
        code="2022-b3",
        name="第三批电气工程类工程会员",
        name_en="Third batch of electrical engineering members",
        opens_at=world.batch.opens_at.replace(year=2022),
        closes_at=world.batch.opens_at.replace(year=2022, month=12, day=31),
        published=True,
    )
    User.objects.update(language=LANGUAGE)
    society = world.society.code
    staff = KeyboardUser(browser, live_server.url)
    staff.sign_in(world.staff, second_factor=True)

    # The batches' list sorts by a column from the keyboard: Enter, then Space the other way.
    staff.follow(staff.page.locator(".main-nav a", has_text=t("Staff workspace")))
    table = staff.page.locator("main table.data").first
    header = table.locator("th[data-sort]").first
    names = table.locator("tbody tr td:first-child")
    staff.tab_to(header.locator("button"))
    staff.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    ascending = names.all_inner_texts()
    staff.press(" ")
    assert header.get_attribute("aria-sort") == "descending"
    assert names.all_inner_texts() == list(reversed(ascending))

    # The batch, its work queue, the "initial review" stage and a search by name.
    batch_page = reverse("staff:batch_detail", args=[society, world.batch.pk])
    staff.follow(staff.page.locator(f"main a[href='{batch_page}']").first)
    queue = reverse("queue:queue", args=[society, world.batch.pk])
    staff.follow(staff.page.locator(f"main a[href='{queue}']").first)
    staff.follow(staff.page.locator(".stage-tab", has_text=t("Initial review")))
    assert staff.page.locator(".stage-tab.is-current .stage-name").inner_text() == t("Initial review")
    staff.tab_to(staff.page.locator("input[name=q]"))
    staff.type("王伟")
    staff.press_and_load("Enter")
    rows = staff.page.locator("#queue-table tbody tr")
    assert rows.count() == 1
    staff.follow(rows.get_by_role("link", name=application.number))
    assert staff.page.url == live_server.url + reverse("review:application", args=[society, application.uid])

    # The checklist ticked with Space, then "save and pass" with Enter.
    for item in (
        "documents_complete",
        "documents_legible",
        "eligibility_confirmed",
        "unit_endorsement_received",
    ):
        staff.tab_to(staff.page.locator(f"form.checklist input[name={item}]"))
        staff.press(" ")
    staff.tab_to(staff.page.locator("form.checklist button[name=action][value=pass]"))
    staff.press_and_load("Enter")
    assert staff.messages() == t("The application passed the initial review; the applicant has been told.")
    application.refresh_from_db()
    assert application.state == ApplicationState.REVIEW_PASSED

    # On a phone, the states diagram is a box the arrow keys scroll sideways.
    staff.page.set_viewport_size({"width": 390, "height": 844})
    staff.open(reverse("queue:states"))
    diagram = staff.page.locator(".diagram-scroll")
    staff.tab_to(diagram)
    before = diagram.evaluate("box => box.scrollLeft")
    for _ in range(3):
        staff.press("ArrowRight")
    staff.page.wait_for_function(
        "([box, before]) => box.scrollLeft > before", arg=[diagram.element_handle(), before]
    )
    staff.close()
