"""Two examiners declare no conflict, score one candidate independently (the second reads the
first's sheet only after submitting), the chair records the agreed assessment; staff then read
"Interviewed" and the applicant the plain label. Once in Chinese and once in English."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.utils import translation

from engcert.accounts.models import User
from engcert.applications.enums import PUBLIC_LABELS, ApplicationState
from engcert.examiners.enums import InterviewStatus, SeatStatus
from engcert.scoring.models import PanelAssessment, ScoreSheet
from tests.conftest import PASSWORD
from tests.scoring.conftest import candidate_scheduled, examiner_of, examiner_user, panel_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_REASON = "面试中对500千伏变电站调试方案的风险分析讲得清楚，取舍有依据。"
SECOND_REASON = "现场答辩思路完整，能结合海外工程说明标准差异与应对措施。"


@pytest.fixture(autouse=True)
def _totp_tolerates_a_period_boundary(settings: Any) -> None:
    settings.MFA_TOTP_TOLERANCE = 1
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """allauth keeps used TOTP codes and rate limits in the cache; no journey inherits them."""
    cache.clear()
    yield
    cache.clear()


class Person:
    """One person's browser: their own context, signed in through the real pages."""

    def __init__(self, browser: Any, base: str, shots: Path, language: str, label: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.context.set_default_timeout(15000)
        host = base.split("//")[1].split(":")[0]
        self.context.add_cookies(
            [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
        )
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.base = base
        self.shots = shots
        self.label = label
        self.step = 0

    def shot(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(
            path=str(self.shots / f"{self.label}-{self.step:02d}-{name}.png"), full_page=True
        )

    def sign_in(self, user: User, *, second_factor: bool = True) -> None:
        page = self.page
        page.goto(self.base + "/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", PASSWORD)
        self.follow(page.locator("main form button[type=submit]"))
        if second_factor:
            page.fill("input[name=code]", current_totp_code(user))
            self.follow(page.locator("main form button[type=submit]").first)
        # Signed in, not held at a login step (the page says why if so).
        assert "/accounts/" not in page.url, (page.url, page.locator("main").inner_text())

    def follow(self, locator: Any) -> None:
        """Click what leads to another page and wait for that page, not just the current one."""
        with self.page.expect_navigation():
            locator.click()

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def main_text(self) -> str:
        return str(self.page.locator("main").inner_text())

    def score(self, *, level_value: int, reason: str, application: Any) -> None:
        page = self.page
        scale = {level.value: level.pk for level in application.framework_version.scale.all()}
        for area in application.framework_version.areas.all():
            page.locator(f"input[name=level_{area.number}][value='{scale[level_value]}']").check()
            page.fill(f"textarea[name=justification_{area.number}]", reason)
        page.locator("input[name=recommendation][value=grade_applied]").check()

    def close(self) -> None:
        self.context.close()


def current_totp_code(user: User) -> str:
    """The code the person's app shows now, for the current period (not the tolerated previous
    one), so a sign-in that straddles a 30-second boundary still falls inside the window."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return format_hotp_value(
        hotp_value(decrypt(authenticator.data["secret"]), int(time.time()) // mfa_settings.TOTP_PERIOD)
    )


def _labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "examiner": translation.gettext("Examiner"),
            "staff": str(ApplicationState.INTERVIEWED.label),
            "public": str(PUBLIC_LABELS[ApplicationState.INTERVIEWED]),
            "criteria": translation.gettext("Meets the qualification criteria"),
        }


def _run(browser: Any, live_server: Any, shots: Path, world: Any, language: str) -> None:
    words = _labels(language)
    second_user = examiner_user("examiner2@example.com", "李建华", world.society)
    application = candidate_scheduled(world, index=1, applicant=world.applicant)
    setup = panel_build(
        application=application,
        examiners=[examiner_of(world.examiner, world.society), examiner_of(second_user, world.society)],
    )
    uid = application.uid
    base = live_server.url
    # Signing in sets the interface language from the person's saved preference.
    User.objects.filter(
        pk__in=[world.examiner.pk, second_user.pk, world.staff.pk, world.applicant.pk]
    ).update(language=language)

    # The chair signs in, finds the candidate through the navigation and declares no conflict.
    chair = Person(browser, base, shots, language, "chair")
    chair.sign_in(world.examiner)
    chair.follow(chair.page.get_by_role("link", name=words["examiner"], exact=True))
    chair.shot("my-candidates")
    chair.follow(chair.page.locator(f"a[href='/examiner/{uid}/']").first)
    assert application.statements.first().text not in chair.main_text()
    chair.shot("declaration")
    chair.page.locator("input[name=declaration][value=none]").check()
    chair.follow(chair.page.locator("form.declaration-form button[type=submit]"))
    assert application.statements.first().text in chair.main_text()
    chair.shot("file")

    # The chair scores and submits; only their own sheet exists so far.
    chair.follow(chair.page.locator(f"nav.tabs a[href='/examiner/{uid}/score/']"))
    chair.score(level_value=2, reason=FIRST_REASON, application=application)
    chair.shot("sheet-filled")
    chair.follow(chair.page.locator("button[name=action][value=submit]"))
    chair.shot("sheet-submitted")
    assert ScoreSheet.objects.get(seat=setup.chair).submitted_at is not None
    assert SECOND_REASON not in chair.main_text()

    # The second examiner declares and scores without seeing the chair's sheet.
    member = Person(browser, base, shots, language, "member")
    member.sign_in(second_user)
    member.go(f"/examiner/{uid}/")
    member.page.locator("input[name=declaration][value=none]").check()
    member.follow(member.page.locator("form.declaration-form button[type=submit]"))
    member.go(f"/examiner/{uid}/score/")
    assert FIRST_REASON not in member.main_text()
    assert world.examiner.full_name not in member.main_text()
    member.score(level_value=2, reason=SECOND_REASON, application=application)
    member.follow(member.page.locator("button[name=action][value=submit]"))
    member.shot("sheets-side-by-side")
    # Now the chair's sheet is there, beside their own.
    assert FIRST_REASON in member.main_text()
    assert SECOND_REASON in member.main_text()
    member.close()

    # The chair records the agreement; the levels both gave are filled in already.
    chair.go(f"/examiner/{uid}/score/")
    assert SECOND_REASON in chair.main_text()
    chair.follow(chair.page.locator(f"a[href='/examiner/{uid}/agreement/']").last)
    two = str(application.framework_version.scale.get(value=2).pk)
    assert chair.page.locator(f"input[name=level_1][value='{two}']").is_checked()
    chair.page.fill("textarea[name=summary]", "两位考官意见一致：五项能力均已体现，建议授予申请级别。")
    chair.shot("agreement")
    chair.follow(chair.page.locator("form.agreement-form button[type=submit]"))
    chair.shot("agreed")
    assert words["criteria"] in chair.main_text()
    chair.close()

    application.refresh_from_db()
    setup.interview.refresh_from_db()
    setup.chair.refresh_from_db()
    assert (application.state, setup.interview.status, setup.chair.status) == (
        ApplicationState.INTERVIEWED,
        InterviewStatus.HELD,
        SeatStatus.CONFIRMED,
    )
    assert PanelAssessment.objects.get(application=application).meets_criteria is True

    # Staff read the staff label; the applicant the plain one.
    staff = Person(browser, base, shots, language, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/applications/{uid}/")
    staff.shot("application")
    assert words["staff"] in staff.main_text()
    staff.go(f"/staff/{world.society.code}/applications/{uid}/scores/")
    staff.shot("scores")
    assert words["criteria"] in staff.main_text()
    staff.close()

    applicant = Person(browser, base, shots, language, "applicant")
    applicant.sign_in(world.applicant, second_factor=False)
    applicant.go(f"/applications/{uid}/")
    applicant.shot("application")
    assert applicant.page.locator("main .status-big").inner_text() == words["public"]
    applicant.close()


def test_two_examiners_score_and_the_chair_agrees_in_chinese(browser, live_server, shots, world):
    _run(browser, live_server, shots, world, "zh-hans")


def test_two_examiners_score_and_the_chair_agrees_in_english(browser, live_server, shots, world):
    _run(browser, live_server, shots, world, "en")
