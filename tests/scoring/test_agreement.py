"""The panel's agreed assessment: only once every member's sheet is in, only by the chair or the
society's staff; it moves the candidate to "interviewed" and the interview to "held"."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from engcert.applications.enums import ApplicationState
from engcert.audit.models import AuditEvent
from engcert.examiners.enums import InterviewStatus, SeatStatus
from engcert.examiners.models import PanelSeat
from engcert.frameworks.models import Grade
from engcert.scoring.domain.assessment import AgreedValues, panel_assessment_record
from engcert.scoring.domain.errors import ScoringError
from engcert.scoring.domain.sheets import AreaEntry
from engcert.scoring.enums import Recommendation
from engcert.scoring.models import PanelAssessment
from tests.scoring.conftest import JUSTIFICATION, declare_and_submit, examiner_of, examiner_user, levels


def _chair_url(setup) -> str:
    return f"/examiner/{setup.application.uid}/agreement/"


def _staff_url(world, setup) -> str:
    return f"/staff/{world.society.code}/applications/{setup.application.uid}/scores/agreement/"


def _agreed_post(application, *, level: int = 2, **extra) -> dict:
    scale = levels(application)
    data = {
        "recommendation": Recommendation.GRADE_APPLIED,
        "summary": "面试表现稳定，各项能力均已体现，建议授予申请级别。",
    }
    for area in application.framework_version.areas.all():
        data[f"level_{area.number}"] = str(scale[level].pk)
        data[f"justification_{area.number}"] = "专家组一致认为：" + JUSTIFICATION
    data.update(extra)
    return data


def _agreed_values(
    application, *, level: int = 2, recommendation=Recommendation.GRADE_APPLIED, grade=None
) -> AgreedValues:
    scale = levels(application)
    return AgreedValues(
        areas={
            area.number: AreaEntry(level=scale[level], justification=JUSTIFICATION)
            for area in application.framework_version.areas.all()
        },
        recommendation=recommendation,
        lower_grade=grade,
        summary="专家组意见一致。",
    )


def test_the_chair_records_the_agreement_once_every_sheet_is_in(
    world, setup, django_capture_on_commit_callbacks
):
    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=2)
    client = world.client_for(world.examiner)
    page = client.get(_chair_url(setup)).content.decode()
    assert "Record the agreed assessment" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_chair_url(setup), _agreed_post(setup.application))
    assert (response.status_code, response["Location"]) == (302, f"/examiner/{setup.application.uid}/score/")
    application = setup.application
    application.refresh_from_db()
    setup.interview.refresh_from_db()
    assessment = PanelAssessment.objects.get(application=application)
    assert (application.state, setup.interview.status) == (ApplicationState.INTERVIEWED, InterviewStatus.HELD)
    assert (
        assessment.recorded_by,
        assessment.recommendation,
        assessment.recommended_grade,
        assessment.meets_criteria,
    ) == (
        world.examiner,
        Recommendation.GRADE_APPLIED,
        application.grade,
        True,
    )
    assert [(s.area.number, s.level.value) for s in assessment.area_scores.all()] == [
        (n, 2) for n in range(1, 6)
    ]
    actions = list(
        AuditEvent.objects.filter(application=application, position__gt=0)
        .order_by("position")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["panel_assessment.record", "application.transition", "interview.held"]
    transition = AuditEvent.objects.filter(action="application.transition").order_by("position").last()
    assert (transition.actor, transition.from_state, transition.to_state) == (
        world.examiner,
        "interview_scheduled",
        "interviewed",
    )
    # The applicant is told in their plain words.
    assert [m.to for m in mail.outbox] == [[application.applicant.email]]
    assert "当前状态为：面试已完成，等待审议。" in mail.outbox[0].body  # the applicant reads Chinese
    # The chair's page now shows what was agreed, and the form is gone.
    shown = client.get(f"/examiner/{application.uid}/score/").content.decode()
    assert "<h2>The panel's agreed assessment</h2>" in shown
    assert "Meets the qualification criteria" in shown
    assert client.get(_chair_url(setup))["Location"] == f"/examiner/{application.uid}/score/"


def test_the_form_is_prefilled_where_the_sheets_agree(world, setup):
    declare_and_submit(setup.chair, level=2, by_area={3: 3})
    declare_and_submit(setup.member, level=2, by_area={3: 1})
    html = world.client_for(world.examiner).get(_chair_url(setup)).content.decode()
    two = str(levels(setup.application)[2].pk)
    ticked = {
        name: value
        for name, value in re.findall(r'<input type="radio" name="(\w+)" value="([^"]+)"[^>]*checked', html)
    }
    assert ticked == {
        "level_1": two, "level_2": two, "level_4": two, "level_5": two,
        "recommendation": Recommendation.GRADE_APPLIED,
    }  # fmt: skip
    assert re.search(r'name="justification_1"[^>]*>\s*' + JUSTIFICATION + r"</textarea>", html)
    assert re.search(r'name="justification_3"[^>]*>\s*</textarea>', html)


def test_nothing_can_be_agreed_while_a_sheet_is_missing(world, setup):
    declare_and_submit(setup.chair, level=2)
    client = world.client_for(world.examiner)
    html = client.get(_chair_url(setup)).content.decode()
    assert "The agreed assessment cannot be recorded yet:" in html
    assert "1 of 2 sheets are not submitted yet." in html
    assert "1 examiner has not declared their interests yet." in html
    assert 'name="summary"' not in html
    response = client.post(_chair_url(setup), _agreed_post(setup.application))
    assert "1 of 2 sheets are not submitted yet." in response.content.decode()
    with pytest.raises(ScoringError, match=r"1 of 2 sheets are not submitted yet\."):
        panel_assessment_record(
            application=setup.application, by=world.staff, values=_agreed_values(setup.application)
        )
    setup.application.refresh_from_db()
    assert setup.application.state == ApplicationState.INTERVIEW_SCHEDULED
    assert not PanelAssessment.objects.exists()


def test_a_panel_short_of_examiners_cannot_agree(world, setup):
    """A member who gave up their seat leaves the panel below the society's size: no agreement."""
    declare_and_submit(setup.chair, level=2)
    member = setup.member
    member.status = SeatStatus.REMOVED
    member.save(update_fields=["status"])
    with pytest.raises(ScoringError, match="at least 2 examiners on a panel; this one has 1"):
        panel_assessment_record(
            application=setup.application, by=world.staff, values=_agreed_values(setup.application)
        )


def test_every_live_seat_counts_even_beyond_the_societys_minimum(world, setup):
    third = examiner_user("examiner3@example.com", "第三考官", world.society)
    extra = PanelSeat.objects.create(panel=setup.panel, examiner=examiner_of(third, world.society))
    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=2)
    with pytest.raises(ScoringError, match=r"1 of 3 sheets are not submitted yet\."):
        panel_assessment_record(
            application=setup.application, by=world.examiner, values=_agreed_values(setup.application)
        )
    declare_and_submit(extra, level=2)
    assessment = panel_assessment_record(
        application=setup.application, by=world.examiner, values=_agreed_values(setup.application)
    )
    assert assessment.meets_criteria is True


def test_a_member_who_is_not_chair_cannot_record_the_agreement(world, setup):
    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=2)
    member = setup.user(1)
    response = world.client_for(member).post(_chair_url(setup), _agreed_post(setup.application))
    assert response.status_code == 403
    with pytest.raises(ScoringError, match="Only the panel's chair or the society's staff"):
        panel_assessment_record(
            application=setup.application, by=member, values=_agreed_values(setup.application)
        )
    assert not PanelAssessment.objects.exists()


@pytest.mark.parametrize("persona", ["committee", "applicant", "outsider", "reviewer"])
def test_nobody_else_can_record_it(world, setup, persona):
    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=2)
    user = getattr(world, persona)
    with pytest.raises(ScoringError, match="Only the panel's chair or the society's staff"):
        panel_assessment_record(
            application=setup.application, by=user, values=_agreed_values(setup.application)
        )
    assert world.client_for(user).get(_staff_url(world, setup)).status_code == 404


def test_staff_of_another_society_cannot_record_it(world, setup, other_society_staff):
    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=2)
    with pytest.raises(ScoringError):
        panel_assessment_record(
            application=setup.application, by=other_society_staff, values=_agreed_values(setup.application)
        )
    client = world.client_for(other_society_staff)
    assert client.get(_staff_url(world, setup)).status_code == 404
    assert (
        client.get(f"/staff/other/applications/{setup.application.uid}/scores/agreement/").status_code == 404
    )


def test_a_chair_who_declared_a_conflict_is_no_longer_chair(world, setup, second_examiner):
    from engcert.scoring.domain.declarations import seat_declare

    seat_declare(seat=setup.chair, by=world.examiner, conflict=True, note="同事关系")
    assert world.client_for(world.examiner).get(_chair_url(setup)).status_code == 403


def test_staff_record_the_agreement_too(world, setup):
    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=1)
    client = world.client_for(world.staff)
    response = client.post(
        _staff_url(world, setup),
        _agreed_post(setup.application, level=1, recommendation=Recommendation.NOT_YET),
    )
    assert (response.status_code, response["Location"]) == (
        302,
        f"/staff/{world.society.code}/applications/{setup.application.uid}/scores/",
    )
    assessment = PanelAssessment.objects.get()
    assert (
        assessment.recorded_by,
        assessment.recommendation,
        assessment.recommended_grade,
        assessment.meets_criteria,
    ) == (
        world.staff,
        Recommendation.NOT_YET,
        None,
        False,
    )
    html = client.get(
        f"/staff/{world.society.code}/applications/{setup.application.uid}/scores/"
    ).content.decode()
    assert "Does not meet the qualification criteria" in html
    setup.application.refresh_from_db()
    assert setup.application.state == ApplicationState.INTERVIEWED


def test_an_incomplete_agreement_names_each_missing_item_and_changes_nothing(world, setup):
    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=2)
    data = _agreed_post(
        setup.application, summary=" ", justification_2="", recommendation=Recommendation.LOWER_GRADE
    )
    html = world.client_for(world.examiner).post(_chair_url(setup), data).content.decode()
    assert (
        '<ul class="errorlist" id="id_justification_2_error"><li>Write why you chose this level.</li></ul>'
        in html
    )
    assert (
        '<ul class="errorlist" id="id_lower_grade_error"><li>Choose which lower grade you recommend.</li></ul>'
        in html
    )
    assert (
        '<ul class="errorlist" id="id_summary_error"><li>Summarise what the panel agreed and why.</li></ul>'
        in html
    )
    assert not PanelAssessment.objects.exists()
    setup.application.refresh_from_db()
    assert setup.application.state == ApplicationState.INTERVIEW_SCHEDULED


def test_the_agreement_is_recorded_once(world, setup):
    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=2)
    panel_assessment_record(
        application=setup.application, by=world.examiner, values=_agreed_values(setup.application)
    )
    with pytest.raises(ScoringError, match="already been recorded"):
        panel_assessment_record(
            application=setup.application, by=world.staff, values=_agreed_values(setup.application)
        )
    assert PanelAssessment.objects.count() == 1


def test_a_lower_grade_agreement_records_the_grade_and_does_not_meet_the_criteria(world, setup):
    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=2)
    apprentice = Grade.objects.get(code="AE", framework_version=setup.application.framework_version)
    assessment = panel_assessment_record(
        application=setup.application,
        by=world.examiner,
        values=_agreed_values(setup.application, recommendation=Recommendation.LOWER_GRADE, grade=apprentice),
    )
    assert (assessment.recommended_grade, assessment.meets_criteria) == (apprentice, False)


def test_an_application_no_longer_at_the_interview_stage_cannot_be_agreed(world, setup):
    from engcert.applications.domain.transition import application_transition

    declare_and_submit(setup.chair, level=2)
    declare_and_submit(setup.member, level=2)
    application_transition(
        application=setup.application,
        to_state=ApplicationState.WITHDRAWN,
        by=setup.application.applicant,
        reason="换工作了",
    )
    with pytest.raises(ScoringError, match="not at the interview stage"):
        panel_assessment_record(
            application=setup.application, by=world.examiner, values=_agreed_values(setup.application)
        )
    setup.interview.refresh_from_db()
    assert setup.interview.status == InterviewStatus.SCHEDULED
