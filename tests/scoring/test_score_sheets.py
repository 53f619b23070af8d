"""An examiner's own score sheet: a level and a justification per area, drafts at any time, one
submission when complete, never changed after; the others' sheets only after one's own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState, AssessmentPath
from engcert.audit.models import AuditEvent
from engcert.examiners.enums import SeatStatus
from engcert.examiners.models import EvaluationPolicy
from engcert.frameworks.models import Grade
from engcert.scoring.domain.declarations import seat_declare
from engcert.scoring.domain.errors import Incomplete, ScoringError
from engcert.scoring.domain.sheets import (
    MIN_JUSTIFICATION_CHARS,
    AreaEntry,
    SheetValues,
    score_sheet_save,
    score_sheet_submit,
)
from engcert.scoring.enums import Recommendation
from engcert.scoring.models import AreaScore, ScoreSheet
from tests.scoring.conftest import JUSTIFICATION, declare_and_submit, full_values, levels


def _url(setup) -> str:
    return f"/examiner/{setup.application.uid}/score/"


def _declared_client(world, setup, index: int = 0):
    seat = setup.seats[index]
    seat_declare(seat=seat, by=seat.examiner.user, conflict=False)
    seat.refresh_from_db()
    return world.client_for(seat.examiner.user)


def _post_data(application, *, level: int | None = 2, justification: str = JUSTIFICATION, **extra) -> dict:
    scale = levels(application)
    data = {"action": "save", "recommendation": Recommendation.GRADE_APPLIED, "comment": ""}
    for area in application.framework_version.areas.all():
        data[f"level_{area.number}"] = str(scale[level].pk) if level is not None else ""
        data[f"justification_{area.number}"] = justification
    data.update(extra)
    return data


def checked(html: str) -> dict[str, str]:
    """The radio buttons the page shows ticked, by name."""
    ticked = {}
    for tag in re.findall(r"<input [^>]*>", html):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        if attrs.get("type") == "radio" and re.search(r"\schecked[\s>]", tag):
            ticked[attrs["name"]] = attrs["value"]
    return ticked


def _field_errors(html: str, name: str) -> list[str]:
    match = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def test_the_sheet_offers_every_area_with_the_scale_and_the_candidates_statement(world, setup):
    html = _declared_client(world, setup).get(_url(setup)).content.decode()
    application = setup.application
    for area in application.framework_version.areas.all():
        assert f"<legend>{area.number} · {area.name_en}</legend>" in html
        assert f'name="justification_{area.number}"' in html
        for level in application.framework_version.scale.all():
            assert f'name="level_{area.number}" value="{level.pk}"' in html
    assert application.statements.first().text in html
    assert "The grade applied for: Professional Engineer" in html
    # A lower grade of the same framework version can be chosen; the grade applied for cannot.
    assert re.findall(r'<option value="(\d+)"', html) == [str(Grade.objects.get(code="AE").pk)]


def test_a_draft_is_saved_however_incomplete_and_shown_again(world, setup):
    client = _declared_client(world, setup)
    scale = levels(setup.application)
    response = client.post(
        _url(setup),
        {
            "action": "save",
            "level_1": str(scale[3].pk),
            "justification_2": "half a thought",
            "recommendation": "",
        },
    )
    assert (response.status_code, response["Location"]) == (302, _url(setup))
    sheet = ScoreSheet.objects.get(seat=setup.chair)
    assert sheet.submitted_at is None
    assert [
        (s.area.number, s.level.value if s.level else None, s.justification) for s in sheet.area_scores.all()
    ] == [
        (1, 3, ""),
        (2, None, "half a thought"),
    ]
    html = client.get(_url(setup)).content.decode()
    assert checked(html) == {"level_1": str(scale[3].pk)}
    assert re.search(r'name="justification_2"[^>]*>\s*half a thought</textarea>', html)


def test_submitting_without_justifications_shows_an_error_beside_each_area_and_keeps_the_draft(world, setup):
    client = _declared_client(world, setup)
    response = client.post(_url(setup), _post_data(setup.application, justification="", action="submit"))
    html = response.content.decode()
    assert response.status_code == 200
    for area in setup.application.framework_version.areas.all():
        assert _field_errors(html, f"justification_{area.number}") == ["Write why you chose this level."]
        assert _field_errors(html, f"level_{area.number}") == []
    assert "Your draft is saved. To submit it, complete the 5 items marked below." in html
    sheet = ScoreSheet.objects.get(seat=setup.chair)
    assert sheet.submitted_at is None
    assert [s.level.value for s in sheet.area_scores.all()] == [2, 2, 2, 2, 2]
    # What was chosen is still chosen on the page.
    two = str(levels(setup.application)[2].pk)
    assert checked(html) == {
        "level_1": two, "level_2": two, "level_3": two, "level_4": two, "level_5": two,
        "recommendation": Recommendation.GRADE_APPLIED,
    }  # fmt: skip


def test_a_too_short_justification_and_a_missing_level_are_named(world, setup):
    client = _declared_client(world, setup)
    data = _post_data(setup.application, action="submit")
    data["justification_3"] = "太短了"
    data["level_4"] = ""
    data["recommendation"] = Recommendation.LOWER_GRADE
    html = client.post(_url(setup), data).content.decode()
    assert _field_errors(html, "justification_3") == [
        f"Write at least {MIN_JUSTIFICATION_CHARS} characters: say what in the file or the interview shows this level."
    ]
    assert _field_errors(html, "level_4") == ["Choose a level for this area."]
    assert _field_errors(html, "lower_grade") == ["Choose which lower grade you recommend."]
    assert ScoreSheet.objects.get(seat=setup.chair).submitted_at is None


def test_a_complete_sheet_is_submitted_once_audited_and_then_immutable(world, setup):
    client = _declared_client(world, setup)
    response = client.post(_url(setup), _post_data(setup.application, action="submit"))
    assert (response.status_code, response["Location"]) == (302, _url(setup))
    sheet = ScoreSheet.objects.get(seat=setup.chair)
    assert sheet.submitted_at is not None
    assert (sheet.recommendation, sheet.recommended_grade) == (
        Recommendation.GRADE_APPLIED,
        setup.application.grade,
    )
    event = AuditEvent.objects.get(action="score_sheet.submit")
    assert (event.actor, event.application_id, event.data["levels"], event.data["grade"]) == (
        world.examiner,
        setup.application.pk,
        {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2},
        "PE",
    )
    # A later post changes nothing and says why.
    changed = client.post(_url(setup), _post_data(setup.application, level=0, action="save"), follow=True)
    assert "a submitted sheet cannot be changed" in changed.content.decode()
    assert [s.level.value for s in AreaScore.objects.filter(sheet=sheet)] == [2, 2, 2, 2, 2]
    with pytest.raises(ScoringError, match="a submitted sheet cannot be changed"):
        score_sheet_save(seat=setup.chair, by=world.examiner, values=full_values(setup.application, level=0))
    assert AuditEvent.objects.filter(action="score_sheet.submit").count() == 1


def test_the_submitted_sheet_page_shows_it_read_only(world, setup):
    client = _declared_client(world, setup)
    client.post(_url(setup), _post_data(setup.application, action="submit"))
    html = client.get(_url(setup)).content.decode()
    assert "You submitted your sheet on" in html
    assert "<textarea" not in html
    assert 'name="action"' not in html


def test_a_lower_grade_recommendation_names_the_grade(world, setup):
    client = _declared_client(world, setup)
    apprentice = Grade.objects.get(code="AE", framework_version=setup.application.framework_version)
    data = _post_data(setup.application, action="submit", recommendation=Recommendation.LOWER_GRADE)
    data["lower_grade"] = str(apprentice.pk)
    client.post(_url(setup), data)
    sheet = ScoreSheet.objects.get(seat=setup.chair)
    assert (sheet.recommendation, sheet.recommended_grade, sheet.submitted_at is not None) == (
        Recommendation.LOWER_GRADE,
        apprentice,
        True,
    )


def test_a_grade_that_is_not_lower_cannot_be_recommended_as_lower(world, setup):
    _declared_client(world, setup)
    senior = Grade.objects.get(code="SPE", framework_version=setup.application.framework_version)
    values = SheetValues(
        areas=full_values(setup.application).areas,
        recommendation=Recommendation.LOWER_GRADE,
        lower_grade=senior,
    )
    with pytest.raises(ScoringError, match=r"Choose a grade below the one applied for\."):
        score_sheet_save(seat=setup.chair, by=world.examiner, values=values)


def test_the_sheet_cannot_be_submitted_before_the_interview_begins(world, setup):
    setup.interview.starts_at = timezone.now() + timedelta(days=1)
    setup.interview.ends_at = setup.interview.starts_at + timedelta(minutes=45)
    setup.interview.save()
    _declared_client(world, setup)
    with pytest.raises(ScoringError, match="once the interview has begun"):
        score_sheet_submit(seat=setup.chair, by=world.examiner, values=full_values(setup.application))
    # The draft was kept all the same.
    assert ScoreSheet.objects.get(seat=setup.chair).area_scores.count() == 5


def test_someone_else_cannot_fill_in_the_seats_sheet(world, setup):
    _declared_client(world, setup)
    with pytest.raises(ScoringError, match="Only the examiner on this seat"):
        score_sheet_save(seat=setup.chair, by=setup.user(1), values=full_values(setup.application))


def test_the_domain_refuses_an_incomplete_submission_with_each_problem(world, setup):
    _declared_client(world, setup)
    with pytest.raises(Incomplete) as raised:
        score_sheet_submit(seat=setup.chair, by=world.examiner, values=SheetValues())
    problems = [(p.field, p.area) for p in raised.value.problems]
    assert problems == [
        ("level", 1), ("justification", 1), ("level", 2), ("justification", 2), ("level", 3),
        ("justification", 3), ("level", 4), ("justification", 4), ("level", 5), ("justification", 5),
        ("recommendation", None),
    ]  # fmt: skip


def test_the_simplified_path_scores_only_the_policys_areas(world, setup):
    application = setup.application
    application.assessment_path = AssessmentPath.SIMPLIFIED
    application.save(update_fields=["assessment_path"])
    EvaluationPolicy.objects.create(society=world.society, simplified_scored_areas=[1, 5])
    client = _declared_client(world, setup)
    html = client.get(_url(setup)).content.decode()
    assert re.findall(r'name="justification_(\d)"', html) == ["1", "5"]
    assert "Accepted on the verified international title" in html
    for area in application.framework_version.areas.filter(number__in=[2, 3, 4]):
        assert f"<li>{area.number} · {area.name_en}</li>" in html
    data = _post_data(application, action="submit")
    response = client.post(_url(setup), data)
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(seat=setup.chair)
    assert [s.area.number for s in sheet.area_scores.all()] == [1, 5]
    assert sheet.submitted_at is not None


# Independence ------------------------------------------------------------------------------------


def test_the_others_sheets_are_invisible_before_submitting_and_visible_after(world, setup):
    first, second = setup.chair, setup.member
    declare_and_submit(second, level=3)
    second_sheet = ScoreSheet.objects.get(seat=second)
    client = _declared_client(world, setup)
    before = client.get(_url(setup)).content.decode()
    assert second.examiner.user.full_name not in before
    assert JUSTIFICATION not in before
    assert "Submitted sheets side by side" not in before
    # Nor through the agreement page.
    agreement = client.get(f"/examiner/{setup.application.uid}/agreement/")
    assert (agreement.status_code, agreement["Location"]) == (302, _url(setup))
    client.post(
        _url(setup),
        _post_data(
            setup.application, action="submit", justification="我的理由：现场答辩中对故障分析的回答完整清楚。"
        ),
    )
    after = client.get(_url(setup)).content.decode()
    assert "Submitted sheets side by side" in after
    assert second.examiner.user.full_name in after
    assert JUSTIFICATION in after
    assert second_sheet.area_scores.first().level.name_en in after
    assert first.examiner.user.full_name in after


def test_levels_more_than_one_apart_are_highlighted(world, setup):
    declare_and_submit(setup.member, level=3, by_area={2: 0})
    declare_and_submit(setup.chair, level=2)
    html = world.client_for(world.examiner).get(_url(setup)).content.decode()
    differing = re.findall(r'<section class="compare-area differs">\s*<h3>(\d) ·', html)
    same = re.findall(r'<section class="compare-area">\s*<h3>(\d) ·', html)
    # Area 2: 0 against 2 differs by two; the others (3 against 2) by one only.
    assert differing == ["2"]
    assert same == ["1", "3", "4", "5"]


def test_a_draft_of_another_member_is_never_shown(world, setup):
    declare_and_submit(setup.chair, level=2)
    other = setup.member
    seat_declare(seat=other, by=other.examiner.user, conflict=False)
    other.refresh_from_db()
    score_sheet_save(
        seat=other,
        by=other.examiner.user,
        values=SheetValues(areas={1: AreaEntry(level=None, justification="私人草稿，尚未提交的想法")}),
    )
    html = world.client_for(world.examiner).get(_url(setup)).content.decode()
    assert "私人草稿" not in html
    assert "1 of 2 members have submitted their sheets" in html


def test_the_seat_status_gate(world, setup):
    assert setup.chair.status == SeatStatus.ASSIGNED
    response = world.client_for(world.examiner).get(_url(setup))
    assert (response.status_code, response["Location"]) == (302, f"/examiner/{setup.application.uid}/")


def test_a_withdrawn_candidates_sheet_is_closed_to_changes(world, setup):
    client = _declared_client(world, setup)
    application_transition(
        application=setup.application,
        to_state=ApplicationState.WITHDRAWN,
        by=setup.application.applicant,
        reason="个人原因",
    )
    html = client.get(_url(setup)).content.decode()
    assert "The candidate is no longer at the interview stage (status: Withdrawn)" in html
    assert 'name="action"' not in html
    response = client.post(_url(setup), _post_data(setup.application, action="save"), follow=True)
    assert "the sheet can no longer be changed" in response.content.decode()
    assert not ScoreSheet.objects.filter(seat=setup.chair).exists()
