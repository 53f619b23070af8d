"""The evaluation from initial review to interview, clicked through by the people who do it.

Staff find a submitted file in the batch's work queue, tick the checklist but one item and
return the education section; the applicant reads why, finds the other sections closed,
corrects the major and submits again; staff read exactly what changed and pass the file; staff
schedule the interview with the automatic scheduler and the candidate reads when and where;
two examiners declare no conflict and score independently, the chair records the agreed
assessment; staff see "Interviewed" and the applicant the plain label.

Only the starting data is built directly (society, batch, submitted application, examiner pool
with days and a room) and one test-only step moves the interview into the past; every other
step goes through the pages, in Chinese, the interface's default.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.domain.application import application_submit
from engcert.applications.enums import PUBLIC_LABELS, ApplicationState
from engcert.applications.models import Application, ApplicationSnapshot, Education
from engcert.applications.sections import SECTION_BY_KEY
from engcert.audit.models import AuditEvent
from engcert.examiners.enums import InterviewStatus, ScheduleRunStatus, SeatStatus
from engcert.examiners.models import Examiner, Interview, PanelSeat, Room, ScheduleRun
from engcert.review.enums import ReviewOutcome
from engcert.review.models import InitialReview, RevisionItem
from engcert.scoring.models import PanelAssessment, ScoreSheet
from tests.browser.journey import LANGUAGE, Person, label, t, tn
from tests.conftest import World
from tests.examiners.helpers import examiner_add, monday_in, room_add

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

S = ApplicationState
OLD_MAJOR = "电气工程及其自动化"
NEW_MAJOR = "电力系统及其自动化"
RETURN_REASON = "学位证书上的专业为“电力系统及其自动化”，与填写的所学专业不一致，请按证书更正。"
CHAIR_REASON = "面试中对500千伏变电站调试方案的风险分析讲得清楚，取舍有依据。"
MEMBER_REASON = "现场答辩思路完整，能结合海外工程说明标准差异与应对措施。"
SUMMARY = "两位考官意见一致：五项能力均已体现，建议授予申请级别。"


def _transitions(application: Application) -> list[tuple[str, str, str]]:
    return [
        (event.from_state, event.to_state, event.actor.email if event.actor else "")
        for event in AuditEvent.objects.filter(action="application.transition", application=application)
        .select_related("actor")
        .order_by("position")
    ]


def _actions(application: Application, *actions: str) -> list[tuple[str, str]]:
    return [
        (event.action, event.actor.email if event.actor else "")
        for event in AuditEvent.objects.filter(action__in=actions)
        .select_related("actor")
        .order_by("position")
        if event.application_id in (None, application.pk)
    ]


@pytest.fixture
def starting_point(world: World, complete_draft: Application) -> dict[str, Any]:
    """A submitted file, two examiners of its field free on an interview day, and one room."""
    application = application_submit(application=complete_draft, by=complete_draft.applicant)
    day = monday_in(2)
    field = application.discipline.code
    # Which of the two chairs the panel is the scheduler's choice.
    examiners = [
        examiner_add(world, "zhang@example.com", "张振华", fields=(field,), days=[day]),
        examiner_add(world, "li@example.com", "李建华", fields=(field,), days=[day]),
    ]
    room = room_add(world.society)
    User.objects.update(language=LANGUAGE)  # signing in sets the interface language from it
    return {"application": application, "day": day, "examiners": examiners, "room": room}


def test_a_file_goes_from_initial_review_through_a_revision_to_the_panels_agreed_assessment(
    browser, live_server, shots, world, starting_point
):
    application: Application = starting_point["application"]
    examiners: list[Examiner] = starting_point["examiners"]
    room: Room = starting_point["room"]
    uid, number, society = application.uid, application.number, world.society.code
    base = live_server.url
    education_title = label(SECTION_BY_KEY["education"].title)
    staff_email, applicant_email = world.staff.email, world.applicant.email

    # 1. Staff find the file in the batch's work queue, tick all but one item and return the
    #    education section with what to change.
    staff = Person(browser, base, shots, "staff")
    staff.sign_in(world.staff, second_factor=True)
    staff.go(f"/staff/{society}/batches/{world.batch.pk}/queue/")
    row = staff.page.locator("#queue-table tbody tr", has=staff.page.get_by_role("link", name=number))
    assert row.count() == 1
    assert row.locator(".status").inner_text() == label(S.SUBMITTED.label)
    staff.shot("queue")
    staff.click(row.get_by_role("link", name=number))
    assert staff.page.url == f"{base}/staff/{society}/applications/{uid}/review/"
    assert staff.page.locator("h1").inner_text() == f"{t('Initial review')} · {number}"
    for item in ("documents_legible", "eligibility_confirmed", "unit_endorsement_received"):
        staff.page.check(f"form.checklist input[name={item}]")
    staff.click(staff.page.locator("form.checklist button[name=action][value=save]"))
    assert staff.messages() == t("The checklist was saved.")
    staff.page.check("form.return-form input[name=return_education]")
    staff.page.fill("form.return-form textarea[name=reason_education]", RETURN_REASON)
    staff.shot("review-returning")
    staff.click(staff.page.locator("form.return-form button[type=submit]"))
    assert staff.messages() == t(
        "The application was returned for revision; the applicant has been told what to change."
    )
    assert staff.page.locator("#revisions .revision-items li").inner_text() == (
        f"{education_title}: {RETURN_REASON}"
    )
    staff.shot("review-returned")

    application.refresh_from_db()
    review = InitialReview.objects.get(application=application, round=1)
    assert application.state == S.RETURNED
    assert application.revision_sections == ["education"]
    assert (
        review.documents_complete,
        review.documents_legible,
        review.eligibility_confirmed,
        review.unit_endorsement_received,
    ) == (False, True, True, True)
    assert list(
        RevisionItem.objects.filter(request__application=application).values_list("section", "reason")
    ) == [("education", RETURN_REASON)]
    # The applicant is told by email, section by section.
    told = [m for m in mail.outbox if m.to == [applicant_email] and RETURN_REASON in m.body]
    assert [f"- {education_title}: {RETURN_REASON}" in m.body for m in told] == [True]

    # 2. The applicant reads the reason beside the education section, finds the other sections
    #    closed, corrects the major and submits again.
    applicant = Person(browser, base, shots, "applicant")
    applicant.sign_in(world.applicant, second_factor=False)
    applicant.go("/applications/")
    applicant.click(applicant.page.locator(f"main a[href='/applications/{uid}/']").first)
    assert applicant.page.locator("main .status-big").inner_text() == label(PUBLIC_LABELS[S.RETURNED])
    reasons = applicant.page.locator(".detail-layout .steps li:has(.step-reason)")
    assert reasons.count() == 1
    assert reasons.locator(".step-title").inner_text() == education_title
    assert reasons.locator(".step-reason").inner_text() == RETURN_REASON
    applicant.shot("returned-overview")

    applicant.go(f"/applications/{uid}/edit/work/")
    assert applicant.page.locator("main form.section-form").count() == 0
    assert t("The society did not ask for changes in this section, so it stays as you submitted it.") in (
        applicant.main()
    )
    applicant.shot("work-read-only")

    applicant.follow(education_title)
    assert applicant.page.url == f"{base}/applications/{uid}/edit/education/"
    assert applicant.page.locator(".revision-reason .multiline").inner_text() == RETURN_REASON
    assert applicant.page.input_value("input[name=education-0-major]") == OLD_MAJOR
    applicant.page.fill("input[name=education-0-major]", NEW_MAJOR)
    applicant.shot("education-corrected")
    applicant.click(applicant.page.locator("button[name=action][value=save]"))
    assert applicant.page.input_value("input[name=education-0-major]") == NEW_MAJOR
    applicant.go(f"/applications/{uid}/review/")
    submit = applicant.page.locator("form[action$='/submit/'] button[type=submit]")
    assert submit.inner_text() == t("Submit again")
    applicant.shot("resubmit")
    applicant.click(submit)
    applicant.go(f"/applications/{uid}/")
    assert applicant.page.locator("main .status-big").inner_text() == label(PUBLIC_LABELS[S.RESUBMITTED])

    application.refresh_from_db()
    assert application.state == S.RESUBMITTED
    assert list(Education.objects.filter(application=application).values_list("major", flat=True)) == [
        NEW_MAJOR
    ]
    assert ApplicationSnapshot.objects.filter(application=application).count() == 2

    # 3. Staff read exactly what changed, tick the checklist and pass.
    staff.go(f"/staff/{society}/batches/{world.batch.pk}/queue/?stage=review")
    row = staff.page.locator("#queue-table tbody tr", has=staff.page.get_by_role("link", name=number))
    assert row.locator(".status").inner_text() == label(S.RESUBMITTED.label)
    staff.click(row.get_by_role("link", name=number))
    staff.follow(t("What changed"))
    assert staff.page.locator("main > p").first.inner_text() == tn(
        "One section changed.", "%(counter)s sections changed.", 1
    )
    changed = staff.page.locator("section.diff-section")
    assert changed.count() == 1
    assert changed.get_attribute("id") == "diff-education"
    changes = changed.locator("table.diff-table tbody tr")
    assert changes.count() == 1
    assert changes.locator("del").inner_text() == OLD_MAJOR
    assert changes.locator("ins").inner_text() == NEW_MAJOR
    staff.shot("what-changed")
    staff.follow(f"← {t('Back to the review')}")
    # The resubmission opens round 2 of the review, with its own checklist.
    assert staff.page.locator("form.checklist input[type=checkbox]:checked").count() == 0
    for item in (
        "documents_complete",
        "documents_legible",
        "eligibility_confirmed",
        "unit_endorsement_received",
    ):
        staff.page.check(f"form.checklist input[name={item}]")
    staff.click(staff.page.locator("form.checklist button[name=action][value=pass]"))
    assert staff.messages() == t("The application passed the initial review; the applicant has been told.")
    staff.shot("review-passed")
    application.refresh_from_db()
    assert application.state == S.REVIEW_PASSED
    assert list(
        InitialReview.objects.filter(application=application)
        .order_by("round")
        .values_list("round", "outcome", "decided_by__email")
    ) == [(1, ReviewOutcome.RETURNED, staff_email), (2, ReviewOutcome.PASSED, staff_email)]

    # 4. Staff let the scheduler propose a panel and a slot, look at it and confirm it.
    staff.go(f"/staff/{society}/batches/{world.batch.pk}/")
    staff.follow(t("Panels and interviews"))
    staff.follow(t("Schedule automatically"))
    day = starting_point["day"]
    staff.page.fill("input[name=first_day]", day.isoformat())
    staff.page.fill("input[name=last_day]", (day + timedelta(days=4)).isoformat())
    assert staff.page.is_checked(f"input[name=rooms][value='{room.pk}']")
    staff.shot("schedule-request")
    staff.click(staff.page.locator("form.schedule-form button[type=submit]"))
    assert staff.page.locator("h1").inner_text() == t("Proposed schedule")
    session = staff.page.locator("article.session")
    assert session.count() == 1
    assert session.locator("h3").inner_text().startswith(room.name)
    # The proposal names the panel: the chair it chose first, then the other examiner.
    proposed = ScheduleRun.objects.get(batch=world.batch).proposal[0]["examiners"]
    assert sorted(proposed) == sorted(e.pk for e in examiners)
    names = {e.pk: e.user.full_name for e in examiners}
    panel_names = session.locator(".panel-names")
    assert panel_names.locator("strong").inner_text() == names[proposed[0]]
    assert panel_names.inner_text().endswith(names[proposed[1]])
    assert f"{number} {application.full_name}" in session.locator(".session-slots li").inner_text()
    staff.shot("schedule-proposed")
    assert Interview.objects.filter(application=application).count() == 0  # nothing saved yet
    staff.click(staff.page.locator("form.confirm-form button[type=submit]"))
    assert staff.page.locator("h1").inner_text() == t("Confirmed schedule")
    staff.shot("schedule-confirmed")

    run = ScheduleRun.objects.get(batch=world.batch)
    interview = Interview.objects.get(application=application)
    seats = list(PanelSeat.objects.filter(panel__application=application).order_by("-is_chair", "pk"))
    application.refresh_from_db()
    assert (run.status, run.confirm_report) == (
        ScheduleRunStatus.CONFIRMED,
        {"scheduled": 1, "already": 0, "skipped": []},
    )
    assert application.state == S.INTERVIEW_SCHEDULED
    assert (interview.status, interview.room_id, interview.schedule_run_id) == (
        InterviewStatus.SCHEDULED,
        room.pk,
        run.pk,
    )
    assert timezone.localtime(interview.starts_at).date() == day
    assert sorted(seat.examiner_id for seat in seats) == sorted(e.pk for e in examiners)
    assert [seat.examiner_id for seat in seats] == proposed  # the chair first
    assert [seat.is_chair for seat in seats] == [True, False]
    assert [m.attachments[0][0] for m in mail.outbox if applicant_email in m.to and m.attachments] == [
        "interview.ics"
    ]

    # The candidate reads when and where.
    applicant.go(f"/applications/{uid}/")
    starts, ends = timezone.localtime(interview.starts_at), timezone.localtime(interview.ends_at)
    card = applicant.page.locator("#interview")
    assert applicant.page.locator("main .status-big").inner_text() == label(
        PUBLIC_LABELS[S.INTERVIEW_SCHEDULED]
    )
    assert f"{starts:%Y-%m-%d}" in card.inner_text()
    assert f"{starts:%H:%M}–{ends:%H:%M}" in card.inner_text()
    assert card.locator("dd").nth(1).inner_text() == f"{room.name}\n{room.location}"
    applicant.shot("interview-arranged")

    # 5. A test-only step: a sheet can be submitted only once the interview has begun, so the
    #    interview is moved into the past here instead of waiting for its day.
    now = timezone.now()
    Interview.objects.filter(pk=interview.pk).update(
        starts_at=now - timedelta(minutes=60), ends_at=now - timedelta(minutes=15)
    )
    chair_seat, member_seat = seats
    chair_person = Person(browser, base, shots, "chair")
    chair_person.sign_in(chair_seat.examiner.user, second_factor=True)
    chair_person.click(
        chair_person.page.locator("nav.main-nav").get_by_role("link", name=t("Examiner"), exact=True)
    )
    chair_person.click(chair_person.page.locator(f"main a[href='/examiner/{uid}/']").first)
    statement = application.statements.first().text
    assert statement not in chair_person.main()  # the file opens only after the declaration
    chair_person.shot("declaration")
    chair_person.page.check("input[name=declaration][value=none]")
    chair_person.click(chair_person.page.locator("form.declaration-form button[type=submit]"))
    assert statement in chair_person.main()
    chair_person.click(chair_person.page.locator(f"nav.tabs a[href='/examiner/{uid}/score/']"))
    _score(chair_person, application, CHAIR_REASON)
    chair_person.shot("sheet-filled")
    chair_person.click(chair_person.page.locator("button[name=action][value=submit]"))
    assert ScoreSheet.objects.get(seat=chair_seat).submitted_at is not None

    member_person = Person(browser, base, shots, "member")
    member_person.sign_in(member_seat.examiner.user, second_factor=True)
    member_person.go(f"/examiner/{uid}/")
    member_person.page.check("input[name=declaration][value=none]")
    member_person.click(member_person.page.locator("form.declaration-form button[type=submit]"))
    member_person.go(f"/examiner/{uid}/score/")
    # Before submitting their own sheet, nothing of the chair's is shown.
    assert CHAIR_REASON not in member_person.main()
    assert chair_seat.examiner.user.full_name not in member_person.main()
    _score(member_person, application, MEMBER_REASON)
    member_person.click(member_person.page.locator("button[name=action][value=submit]"))
    member_person.shot("sheets-side-by-side")
    assert CHAIR_REASON in member_person.main()
    assert MEMBER_REASON in member_person.main()
    member_person.close()

    chair_person.go(f"/examiner/{uid}/score/")
    assert MEMBER_REASON in chair_person.main()
    chair_person.click(chair_person.page.locator(f"a[href='/examiner/{uid}/agreement/']").last)
    shown = str(application.framework_version.scale.get(value=2).pk)
    assert chair_person.page.is_checked(f"input[name=level_1][value='{shown}']")  # both said "shown"
    chair_person.page.fill("textarea[name=summary]", SUMMARY)
    chair_person.shot("agreement")
    chair_person.click(chair_person.page.locator("form.agreement-form button[type=submit]"))
    assert t("Meets the qualification criteria") in chair_person.main()
    chair_person.shot("agreed")
    chair_person.close()

    application.refresh_from_db()
    interview.refresh_from_db()
    assessment = PanelAssessment.objects.get(application=application)
    assert (application.state, interview.status) == (S.INTERVIEWED, InterviewStatus.HELD)
    assert [s.status for s in PanelSeat.objects.filter(panel__application=application)] == [
        SeatStatus.CONFIRMED,
        SeatStatus.CONFIRMED,
    ]
    assert (assessment.meets_criteria, assessment.summary) == (True, SUMMARY)

    # 6. Staff see "Interviewed" in the queue; the applicant the plain label.
    staff.go(f"/staff/{society}/batches/{world.batch.pk}/queue/?stage=committee")
    row = staff.page.locator("#queue-table tbody tr", has=staff.page.get_by_role("link", name=number))
    assert row.locator(".status").inner_text() == label(S.INTERVIEWED.label)
    staff.shot("queue-interviewed")
    staff.close()
    applicant.go(f"/applications/{uid}/")
    assert applicant.page.locator("main .status-big").inner_text() == label(PUBLIC_LABELS[S.INTERVIEWED])
    applicant.shot("interviewed")
    applicant.close()

    # Every step is on the record, by the person who took it.
    chair_email, member_email = chair_seat.examiner.user.email, member_seat.examiner.user.email
    assert _transitions(application) == [
        ("draft", "submitted", applicant_email),
        ("submitted", "returned", staff_email),
        ("returned", "resubmitted", applicant_email),
        ("resubmitted", "review_passed", staff_email),
        ("review_passed", "interview_scheduled", staff_email),
        ("interview_scheduled", "interviewed", chair_email),
    ]
    returned = AuditEvent.objects.get(
        action="application.transition", application=application, to_state="returned"
    )
    assert returned.reason == f"{education_title}: {RETURN_REASON}"
    assert _actions(
        application,
        "review.checklist_saved",
        "schedule_run.create",
        "schedule_run.confirm",
        "panel_seat.declare",
        "score_sheet.submit",
        "panel_assessment.record",
        "interview.held",
    ) == [
        ("review.checklist_saved", staff_email),
        ("review.checklist_saved", staff_email),
        ("schedule_run.create", staff_email),
        ("schedule_run.confirm", staff_email),
        ("panel_seat.declare", chair_email),
        ("score_sheet.submit", chair_email),
        ("panel_seat.declare", member_email),
        ("score_sheet.submit", member_email),
        ("panel_assessment.record", chair_email),
        ("interview.held", chair_email),
    ]


def _score(person: Person, application: Application, reason: str) -> None:
    """Every area "shown" with a justification, and the grade applied for recommended."""
    page = person.page
    shown = application.framework_version.scale.get(value=2).pk
    for area in application.framework_version.areas.all():
        page.check(f"input[name=level_{area.number}][value='{shown}']")
        page.fill(f"textarea[name=justification_{area.number}]", reason)
    page.check("input[name=recommendation][value=grade_applied]")
