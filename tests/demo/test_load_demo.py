"""The demo that `make run` loads: a user per role and applications in every stage, loaded once."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.domain import audit_chain_verify
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from tests.conftest import _ensure_migrated_data


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
    _signing_dir: Path,
) -> Iterator[str]:
    """The demo, loaded once for the module in a transaction rolled back after it; what
    `load_demo` printed. Each test runs in a savepoint inside it, so nothing a test does is seen
    by the next."""
    with (
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
            ENGCERT_SIGNING_DIR=_signing_dir,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        _ensure_migrated_data()
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp() -> None:
    """The demo keeps its files in the module's media folder (see demo), not the test's."""


def test_the_demo_has_every_stage_a_user_per_role_and_an_intact_audit_chain(db, demo):
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
        S.CERTIFICATE_ISSUED,
        S.WITHDRAWN,
        S.UNDER_APPEAL,
    }  # every state but "registered": the alliance's registration issues the certificate at once
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    # No demo applicant doubles as a person who acts on files (their logins would collide).
    acting = Membership.objects.exclude(role__in=[Role.APPLICANT, Role.UNIT_ADMIN]).values("user")
    assert list(Application.objects.filter(applicant__in=acting)) == []
    assert "password for all: engcert-demo-2026" in demo
    assert "staff@demo.engcert" in demo
    assert audit_chain_verify().ok


def test_the_demo_shows_referees_answers_a_copied_statement_appeals_and_api_clients(db, demo):
    from engcert.apiclients.models import ApiClient
    from engcert.appeals.models import Appeal
    from engcert.referees.models import RefereeRequest
    from engcert.similarity.models import SimilarPair

    printed = demo
    assert "/referee/" in printed
    assert printed.count("engcert_") >= 2
    assert sorted(set(RefereeRequest.objects.values_list("state", flat=True))) == [
        "answered",
        "sent",
        "undeliverable",
    ]
    assert SimilarPair.objects.count() >= 1
    assert sorted(Appeal.objects.values_list("status", flat=True)) == ["awaiting_panel", "sent_back"]
    assert ApiClient.objects.count() == 2
    from engcert.rosters.models import RosterImport
    from engcert.units.models import Endorsement

    assert RosterImport.objects.count() == 1
    assert sorted(set(Endorsement.objects.values_list("decision", flat=True))) == ["declined", "endorsed"]


@pytest.mark.usefixtures("demo")
def test_the_demo_evaluation_went_through_review_panels_and_score_sheets(db):
    from engcert.examiners.enums import SeatStatus
    from engcert.examiners.models import Interview, PanelSeat
    from engcert.review.models import RevisionRequest
    from engcert.scoring.models import PanelAssessment, ScoreSheet

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
    assert interviewed.count() == 12
    assert ScoreSheet.objects.filter(submitted_at__isnull=False).count() == 24
    assert PanelSeat.objects.filter(status=SeatStatus.CONFIRMED).count() == 24
    assert PanelAssessment.objects.count() == 12


@pytest.mark.usefixtures("demo")
def test_loading_the_demo_twice_adds_nothing(db):
    from engcert.certificates.models import Certificate
    from engcert.cpd.models import CpdActivity
    from engcert.registration.models import Registration

    # The module's demo is the first load.
    counts = [m.objects.count() for m in (Application, Registration, Certificate, CpdActivity)]
    call_command("load_demo", stdout=StringIO())
    assert [m.objects.count() for m in (Application, Registration, Certificate, CpdActivity)] == counts


@pytest.mark.usefixtures("demo")
def test_the_demos_later_stages_went_through_the_committee_the_notice_and_the_alliance(db):
    from engcert.committee.enums import MeetingStatus
    from engcert.committee.models import AgendaItem, Meeting, Recusal, Vote
    from engcert.notices.models import Notice, Objection
    from engcert.registration.models import AlliancePackage, Registration

    def state_of(login: str) -> str:
        return Application.objects.get(applicant__email=f"{login}@demo.engcert").state

    held, today = Meeting.objects.order_by("starts_at")
    assert (held.status, today.status) == (MeetingStatus.CLOSED, MeetingStatus.IN_PROGRESS)
    assert held.items.count() == 10
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
    assert ended.entries.count() == 6 and running.entries.count() == 2
    assert Objection.objects.get().entry.application.applicant.email == "objection@demo.engcert"
    assert (state_of("notice"), state_of("objection"), state_of("notice-passed")) == (
        S.PUBLIC_NOTICE,
        S.OBJECTION,
        S.NOTICE_PASSED,
    )
    package = AlliancePackage.objects.get()
    assert package.items.count() == 5
    assert (state_of("with-alliance"), state_of("alliance-returned"), state_of("registered")) == (
        S.WITH_ALLIANCE,
        S.NOTICE_PASSED,
        S.CERTIFICATE_ISSUED,
    )
    assert list(
        Registration.objects.filter(imported=False)
        .order_by("application__applicant__email")
        .values_list("application__applicant__email", flat=True)
    ) == ["certified@demo.engcert", "registered@demo.engcert", "suspended@demo.engcert"]


@pytest.mark.usefixtures("demo")
def test_the_demo_has_a_certificate_in_every_status_cpd_a_renewal_the_register_and_imported_members(db):
    from engcert.certificates.enums import CertificateSource, CertificateStatus
    from engcert.certificates.models import Certificate, RegisterListing
    from engcert.certificates.payload import payload_verify
    from engcert.cpd.selectors import member_progress
    from engcert.registration.models import Registration
    from engcert.renewals.enums import RenewalState
    from engcert.renewals.models import Renewal

    def certificate_of(login: str) -> Certificate:
        return Certificate.objects.get(registration__holder__email=f"{login}@demo.engcert")

    statuses = {
        login: (certificate_of(login).effective_status(), certificate_of(login).source)
        for login in ("registered", "certified", "suspended", "revoked", "expired", "renewal", "cpd-short")
    }
    assert statuses == {
        "registered": (CertificateStatus.VALID, CertificateSource.ISSUED),
        "certified": (CertificateStatus.VALID, CertificateSource.ISSUED),
        "suspended": (CertificateStatus.SUSPENDED, CertificateSource.ISSUED),
        "revoked": (CertificateStatus.REVOKED, CertificateSource.IMPORTED),
        "expired": (CertificateStatus.EXPIRED, CertificateSource.IMPORTED),
        "renewal": (CertificateStatus.VALID, CertificateSource.IMPORTED),
        "cpd-short": (CertificateStatus.VALID, CertificateSource.IMPORTED),
    }
    assert set(Certificate.objects.values_list("status", flat=True)) == set(CertificateStatus.values)
    suspended, revoked = certificate_of("suspended"), certificate_of("revoked")
    assert suspended.status_reason.startswith("学会收到举报") and suspended.status_changed_at is not None
    assert revoked.status_reason.startswith("经学会调查") and revoked.status_changed_at is not None
    # The members registered in engcert hold signed PDFs; every certificate's QR payload verifies.
    issued = Certificate.objects.filter(source=CertificateSource.ISSUED)
    assert [c.pdf.read(5) for c in issued] == [b"%PDF-"] * 3
    assert all(payload_verify(c.qr_token).number == c.number for c in Certificate.objects.all())

    imported = Registration.objects.filter(imported=True)
    assert imported.count() == 8
    assert imported.filter(holder__password__startswith="!").count() == 4  # still to be claimed

    renewal = Registration.objects.get(holder__email="renewal@demo.engcert")
    assert member_progress(registration=renewal).term_compliant is True
    assert list(Renewal.objects.values_list("registration", "state")) == [
        (renewal.pk, RenewalState.SUBMITTED)
    ]
    from engcert.cpd.models import CpdActivity

    assert (CpdActivity.objects.count(), CpdActivity.objects.exclude(evidence="").count()) == (16, 8)
    short = member_progress(registration=Registration.objects.get(holder__email="cpd-short@demo.engcert"))
    assert [(year.number, year.compliant) for year in short.years] == [(1, True), (2, False)]

    assert list(
        RegisterListing.objects.filter(listed=True)
        .order_by("registration__holder__email")
        .values_list("registration__holder__email", "show_unit", "show_discipline", "show_name_en")
    ) == [
        ("certified@demo.engcert", True, True, True),
        ("cpd-short@demo.engcert", False, True, False),
        ("renewal@demo.engcert", True, True, False),
        ("suspended@demo.engcert", False, False, False),
    ]


def test_the_new_demo_logins_are_printed_and_sign_in(db, demo, client):
    logins = ["certified", "suspended", "revoked", "expired", "renewal", "cpd-short"]
    for login in logins:
        assert f"{login}@demo.engcert" in demo
    for login in logins:
        assert client.login(email=f"{login}@demo.engcert", password="engcert-demo-2026") is True
        client.logout()
