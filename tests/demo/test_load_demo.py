"""The demo that `make run` loads: a user per role and applications in every stage, loaded once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.domain import audit_chain_verify
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from tests.conftest import _ensure_migrated_data


def test_the_demo_has_every_stage_a_user_per_role_and_an_intact_audit_chain(db):
    _ensure_migrated_data()
    out = StringIO()
    call_command("load_demo", stdout=out)
    states = set(Application.objects.values_list("state", flat=True))
    assert states == {
        S.DRAFT,
        S.SUBMITTED,
        S.RETURNED,
        S.RESUBMITTED,
        S.REVIEW_PASSED,
        S.REJECTED,
        S.INTERVIEW_SCHEDULED,
        S.INTERVIEWED,
        S.DELIBERATION,
        S.APPROVED,
        S.NOT_APPROVED,
        S.PUBLIC_NOTICE,
        S.OBJECTION,
        S.NOTICE_PASSED,
        S.WITH_ALLIANCE,
        S.REGISTERED,
        S.WITHDRAWN,
    }  # every state but "certificate issued", which certificates bring
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    # No demo applicant doubles as a person who acts on files (their logins would collide).
    acting = Membership.objects.exclude(role__in=[Role.APPLICANT, Role.UNIT_ADMIN]).values("user")
    assert list(Application.objects.filter(applicant__in=acting)) == []
    assert "password for all: engcert-demo-2026" in out.getvalue()
    assert "staff@demo.engcert" in out.getvalue()
    assert audit_chain_verify().ok


def test_the_demo_evaluation_went_through_review_panels_and_score_sheets(db):
    from engcert.examiners.enums import SeatStatus
    from engcert.examiners.models import Interview, PanelSeat
    from engcert.review.models import RevisionRequest
    from engcert.scoring.models import PanelAssessment, ScoreSheet

    _ensure_migrated_data()
    call_command("load_demo", stdout=StringIO())

    simplified = Application.objects.get(applicant__email="simplified@demo.engcert")
    assert (simplified.state, simplified.assessment_path) == (S.REVIEW_PASSED, "simplified")
    assert (
        RevisionRequest.objects.filter(application__applicant__email="resubmitted@demo.engcert").count() == 1
    )
    upcoming = Application.objects.get(applicant__email="interview@demo.engcert")
    assert list(upcoming.panel.seats.values_list("examiner__user__email", "status")) == [
        ("examiner@demo.engcert", SeatStatus.ASSIGNED),
        ("examiner2@demo.engcert", SeatStatus.ASSIGNED),
    ]
    assert Interview.objects.get(application=upcoming).starts_at > upcoming.state_changed_at
    interviewed = Application.objects.exclude(panel_assessment=None)
    assert interviewed.count() == 10
    assert ScoreSheet.objects.filter(submitted_at__isnull=False).count() == 20
    assert PanelSeat.objects.filter(status=SeatStatus.CONFIRMED).count() == 20
    assert PanelAssessment.objects.count() == 10


def test_loading_the_demo_twice_adds_nothing(db):
    _ensure_migrated_data()
    call_command("load_demo", stdout=StringIO())
    count = Application.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Application.objects.count() == count


def test_the_demos_later_stages_went_through_the_committee_the_notice_and_the_alliance(db):
    from engcert.committee.enums import MeetingStatus
    from engcert.committee.models import AgendaItem, Meeting, Recusal, Vote
    from engcert.notices.models import Notice, Objection
    from engcert.registration.models import AlliancePackage, Registration

    _ensure_migrated_data()
    call_command("load_demo", stdout=StringIO())

    def state_of(login: str) -> str:
        return Application.objects.get(applicant__email=f"{login}@demo.engcert").state

    held, today = Meeting.objects.order_by("starts_at")
    assert (held.status, today.status) == (MeetingStatus.CLOSED, MeetingStatus.IN_PROGRESS)
    assert held.items.count() == 8
    assert Recusal.objects.filter(item__meeting=held).count() == 1
    pending = AgendaItem.objects.get(meeting=today)
    assert pending.application.applicant.email == "deliberation@demo.engcert"
    assert list(
        Vote.objects.filter(item=pending).values_list("member__user__email", flat=True).order_by("pk")
    ) == [
        "committee2@demo.engcert",
        "committee3@demo.engcert",
    ]
    declined = AgendaItem.objects.get(application__applicant__email="not-approved@demo.engcert")
    assert declined.departure_reason != ""
    assert state_of("not-approved") == S.NOT_APPROVED
    ended, running = Notice.objects.order_by("starts_on")
    assert ended.entries.count() == 4 and running.entries.count() == 2
    assert Objection.objects.get().entry.application.applicant.email == "objection@demo.engcert"
    assert (state_of("notice"), state_of("objection"), state_of("notice-passed")) == (
        S.PUBLIC_NOTICE,
        S.OBJECTION,
        S.NOTICE_PASSED,
    )
    package = AlliancePackage.objects.get()
    assert package.items.count() == 3
    assert (state_of("with-alliance"), state_of("alliance-returned"), state_of("registered")) == (
        S.WITH_ALLIANCE,
        S.NOTICE_PASSED,
        S.REGISTERED,
    )
    assert Registration.objects.get().application.applicant.email == "registered@demo.engcert"
