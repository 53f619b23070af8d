"""The panel's views, the outcome by majority, and what each outcome does to the application."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from engcert.appeals.domain import AppealError, appeal_decide, appeal_view_record
from engcert.appeals.enums import AppealStatus, SendBackStage, View
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.examiners.domain.interviews import interview_schedule
from engcert.examiners.domain.panels import panel_seat_add
from engcert.examiners.enums import InterviewStatus, SeatStatus
from engcert.examiners.models import ExaminerAvailability, Interview, PanelSeat
from engcert.review.domain import initial_review_current
from engcert.review.enums import ReviewOutcome
from engcert.scoring.domain.assessment import AgreedValues, AreaEntry, panel_assessment_record
from engcert.scoring.enums import Recommendation
from engcert.scoring.models import PanelAssessment, ScoreSheet
from tests.appeals.helpers import REJECTION, lodged, refused_by_committee, rejected, views, with_panel
from tests.conftest import World
from tests.scoring.conftest import (
    JUSTIFICATION,
    declare_and_submit,
    examiner_of,
    examiner_user,
    levels,
    room_of,
)

UPHOLD = (View.UPHOLD, "")
TO_INTERVIEW = (View.SEND_BACK, SendBackStage.INTERVIEW.value)


def _decide_by_form(world: World, appeal, **data: str):
    return world.client_for(world.staff).post(
        reverse("appeals:staff_detail", args=[world.society.code, appeal.pk]), {"action": "outcome", **data}
    )


def test_a_panel_member_records_a_view_on_their_page(world: World) -> None:
    appeal = lodged(rejected(world))
    members = with_panel(world, appeal)
    response = world.client_for(members[0]).post(
        reverse("appeals:panel_review", args=[appeal.uid]),
        {
            "view": "send_back",
            "send_back_to": "submitted",
            "comment": "初审未核对申请人补充的调试负责人证明。",
        },
    )
    assert response.status_code == 302
    seat = appeal.panel.get(user=members[0])
    assert (seat.view, seat.send_back_to, seat.comment) == (
        "send_back",
        "submitted",
        "初审未核对申请人补充的调试负责人证明。",
    )
    event = AuditEvent.objects.get(action="appeal.view_record")
    assert (event.actor_id, event.data["view"]) == (members[0].pk, "send_back")


def test_a_send_back_view_must_name_the_stage(world: World) -> None:
    appeal = lodged(rejected(world))
    members = with_panel(world, appeal)
    response = world.client_for(members[0]).post(
        reverse("appeals:panel_review", args=[appeal.uid]), {"view": "send_back", "comment": "理由"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "send_back_to": ["Please name the stage the application should go back to."]
    }


def test_only_panel_members_record_views(world: World) -> None:
    appeal = lodged(rejected(world))
    with_panel(world, appeal)
    with pytest.raises(AppealError) as error:
        appeal_view_record(appeal=appeal, by=world.staff, view=View.UPHOLD, comment="理由")
    assert str(error.value) == "Only the members of this appeal's panel can record a view on it."


def test_the_outcome_waits_for_every_view_and_follows_the_majority(world: World) -> None:
    appeal = lodged(rejected(world))
    members = with_panel(world, appeal)
    views(appeal, members[:2], [UPHOLD, TO_INTERVIEW])
    with pytest.raises(AppealError) as error:
        appeal_decide(appeal=appeal, by=world.staff, outcome=View.UPHOLD, reason="维持")
    assert str(error.value) == "1 of the 3 panel members have not recorded their view yet."
    views(appeal, members[2:], [UPHOLD])
    response = _decide_by_form(world, appeal, view="send_back", send_back_to="review_passed", comment="撤销")
    assert response.status_code == 400
    assert response.context["outcome_form"].errors == {
        "view": ["The panel's majority is to “Uphold the decision”; the outcome must follow it."]
    }
    assert Application.objects.get(pk=appeal.application_id).state == S.UNDER_APPEAL


def test_an_upheld_decision_stands_and_the_candidate_is_told_in_plain_words(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    application = rejected(world)
    appeal = lodged(application)
    members = with_panel(world, appeal)
    views(appeal, members, [UPHOLD, UPHOLD, TO_INTERVIEW])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = _decide_by_form(world, appeal, view="uphold", comment="补充材料不能证明工程实践年限。")
    assert response.status_code == 302
    appeal.refresh_from_db()
    application.refresh_from_db()
    assert (appeal.status, application.state, appeal.outcome_by_id) == (
        AppealStatus.UPHELD,
        S.REJECTED,
        world.staff.pk,
    )
    (message,) = mail.outbox
    assert message.to == [world.applicant.email]
    assert "Your appeal did not succeed: the panel found that the decision stands." in message.body
    assert "The panel's reasons: 补充材料不能证明工程实践年限。" in message.body
    actions = list(
        AuditEvent.objects.filter(
            application=application, action__in=["application.transition", "appeal.decide"]
        )
        .order_by("-position")
        .values_list("action", "from_state", "to_state")[:2]
    )
    assert actions == [
        ("appeal.decide", AppealStatus.UNDER_REVIEW.value, AppealStatus.UPHELD.value),
        ("application.transition", S.UNDER_APPEAL.value, S.REJECTED.value),
    ]
    # The upheld decision cannot be appealed again.
    page = world.client_for(world.applicant).get(reverse("applications:detail", args=[application.uid]))
    text = page.content.decode()
    assert "Your appeal did not succeed: the panel found that the decision stands." in text
    assert reverse("appeals:lodge", args=[application.uid]) not in text


def test_the_candidate_reads_the_outcome_in_their_language(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    world.applicant.language = "zh-hans"
    world.applicant.save(update_fields=["language"])
    appeal = lodged(rejected(world))
    members = with_panel(world, appeal)
    views(appeal, members, [UPHOLD, UPHOLD, UPHOLD])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        appeal_decide(appeal=appeal, by=world.staff, outcome=View.UPHOLD, reason="维持原决定。")
    (message,) = mail.outbox
    # Rendered in Chinese (the plain-words sentence reads Chinese once the lead's translation is in).
    assert message.body.startswith("尊敬的王伟")
    assert "维持原决定。" in message.body


def test_sent_back_to_interview_staff_seat_a_fresh_panel_and_schedule_and_the_old_scores_stay(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    application = refused_by_committee(world).application
    old_seats = list(PanelSeat.objects.filter(panel__application=application).values_list("pk", flat=True))
    old_sheets = ScoreSheet.objects.filter(seat__in=old_seats).count()
    appeal = lodged(application)
    members = with_panel(world, appeal)
    views(appeal, members, [TO_INTERVIEW, TO_INTERVIEW, UPHOLD])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        appeal_decide(
            appeal=appeal,
            by=world.staff,
            outcome=View.SEND_BACK,
            send_back_to=SendBackStage.INTERVIEW,
            reason="面试记录显示第一项能力的提问不完整，应重新面试。",
        )
    application.refresh_from_db()
    assert application.state == S.REVIEW_PASSED
    # The earlier examiners stand down; their seats, sheets and the agreed assessment remain.
    assert set(PanelSeat.objects.filter(pk__in=old_seats).values_list("status", flat=True)) == {
        SeatStatus.REMOVED
    }
    assert ScoreSheet.objects.filter(seat__in=old_seats).count() == old_sheets == 2
    assert PanelAssessment.objects.filter(application=application).count() == 0
    assert PanelAssessment.objects.filter(superseded_for=application).count() == 1
    (message,) = mail.outbox
    assert "Your appeal succeeded: your application goes back to the interview stage." in message.body

    fresh = [
        examiner_of(examiner_user("fresh1@example.com", "新考官一", world.society), world.society),
        examiner_of(examiner_user("fresh2@example.com", "新考官二", world.society), world.society),
    ]
    starts = timezone.localtime(timezone.now() + timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    for position, examiner in enumerate(fresh):
        examiner.disciplines.add(application.discipline)
        ExaminerAvailability.objects.create(examiner=examiner, date=starts.date())
        panel_seat_add(application=application, examiner=examiner, by=world.staff, is_chair=position == 0)
    interview_schedule(application=application, room=room_of(world.society), starts_at=starts, by=world.staff)
    application.refresh_from_db()
    assert application.state == S.INTERVIEW_SCHEDULED
    live = PanelSeat.objects.filter(panel__application=application, status__in=["assigned", "confirmed"])
    assert sorted(live.values_list("examiner_id", flat=True)) == sorted(e.pk for e in fresh)

    # The new panel interviews, scores and records its own agreed assessment; the earlier one stays.
    earlier = PanelAssessment.objects.get(superseded_for=application)
    assert (earlier.application_id, earlier.area_scores.count()) == (None, 5)
    # The interview day comes.
    Interview.objects.filter(application=application, status=InterviewStatus.SCHEDULED).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    for seat in live.order_by("pk"):
        declare_and_submit(seat, level=3)
    scale = levels(application)
    panel_assessment_record(
        application=application,
        by=world.staff,
        values=AgreedValues(
            areas={
                area.number: AreaEntry(level=scale[3], justification=JUSTIFICATION)
                for area in application.framework_version.areas.all()
            },
            recommendation=Recommendation.GRADE_APPLIED,
            summary="新考官组重新面试后认为申请人达到申请级别的要求。",
        ),
    )
    application.refresh_from_db()
    assert application.state == S.INTERVIEWED
    assert application.panel_assessment.pk != earlier.pk
    assert list(application.superseded_panel_assessments.values_list("pk", flat=True)) == [earlier.pk]
    assert (
        AuditEvent.objects.filter(action="panel_assessment.supersede", application=application).count() == 1
    )


def test_sent_back_to_the_committee_the_file_is_under_deliberation_again(world: World) -> None:
    application = refused_by_committee(world).application
    appeal = lodged(application)
    members = with_panel(world, appeal)
    stage = (View.SEND_BACK, SendBackStage.DELIBERATION.value)
    views(appeal, members, [stage, stage, stage])
    appeal_decide(
        appeal=appeal, by=world.staff, outcome=View.SEND_BACK, send_back_to="deliberation", reason="重新审议"
    )
    application.refresh_from_db()
    assert application.state == S.DELIBERATION


def test_a_rejection_cannot_be_sent_straight_to_the_committee(world: World) -> None:
    appeal = lodged(rejected(world))
    members = with_panel(world, appeal)
    with pytest.raises(AppealError) as error:
        appeal_view_record(
            appeal=appeal, by=members[0], view=View.SEND_BACK, send_back_to="deliberation", comment="x"
        )
    assert str(error.value) == "Please name the stage the application should go back to."


def test_the_candidate_sees_back_to_interview_in_plain_words(world: World) -> None:
    application = refused_by_committee(world).application
    application.applicant.language = "en"
    application.applicant.save(update_fields=["language"])
    appeal = lodged(application)
    members = with_panel(world, appeal)
    views(appeal, members, [TO_INTERVIEW, TO_INTERVIEW, TO_INTERVIEW])
    appeal_decide(
        appeal=appeal, by=world.staff, outcome=View.SEND_BACK, send_back_to="review_passed", reason="重新面试"
    )
    text = (
        world.client_for(application.applicant)
        .get(reverse("applications:detail", args=[application.uid]))
        .content.decode()
    )
    assert "Back to interview (a new panel of examiners)" in text
    assert "Your appeal succeeded: your application goes back to the interview stage." in text


def test_sent_back_to_initial_review_the_file_gets_a_new_round_and_the_refusing_round_stays(
    world: World,
) -> None:
    application = rejected(world)
    refusing = initial_review_current(application=application)
    assert (refusing.round, refusing.outcome) == (1, ReviewOutcome.REJECTED)
    appeal = lodged(application)
    members = with_panel(world, appeal)
    stage = (View.SEND_BACK, SendBackStage.INITIAL_REVIEW.value)
    views(appeal, members, [stage, stage, UPHOLD])
    appeal_decide(
        appeal=appeal,
        by=world.staff,
        outcome=View.SEND_BACK,
        send_back_to=SendBackStage.INITIAL_REVIEW,
        reason="初审时漏看了补充的学历认证材料。",
    )
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    fresh = initial_review_current(application=application)
    assert (fresh.pk, fresh.round, fresh.outcome) == (None, 2, "")
    refusing.refresh_from_db()
    assert (refusing.round, refusing.outcome, refusing.outcome_reason) == (
        1,
        ReviewOutcome.REJECTED,
        REJECTION,
    )
