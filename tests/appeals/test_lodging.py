"""A candidate appeals a rejection or a refusal within the society's window, with a statement and evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from engcert.appeals.domain import AppealError, appeal_lodge
from engcert.appeals.enums import AppealStatus, DecisionStage
from engcert.appeals.models import Appeal, AppealPolicy
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from tests.appeals.helpers import (
    STATEMENT,
    TINY_PDF,
    lodged,
    refused_by_committee,
    rejected,
    stopped_by_objection,
)
from tests.conftest import World


def _post(world: World, application: Application, **data: object):
    client = world.client_for(application.applicant)
    payload = {"statement": STATEMENT, **data}
    return client.post(reverse("appeals:lodge", args=[application.uid]), payload)


def _age(application: Application, days: int) -> None:
    Application.objects.filter(pk=application.pk).update(
        state_changed_at=timezone.now() - timedelta(days=days)
    )
    application.refresh_from_db()


def test_a_candidate_rejected_at_initial_review_appeals_with_a_statement_and_evidence(world: World) -> None:
    application = rejected(world)
    evidence = SimpleUploadedFile("调试负责人证明.pdf", TINY_PDF, content_type="application/pdf")

    response = _post(world, application, evidence=evidence)

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[application.uid])
    appeal = Appeal.objects.get()
    application.refresh_from_db()
    assert application.state == S.UNDER_APPEAL
    assert (appeal.decision_stage, appeal.decision_state, appeal.status, appeal.statement) == (
        DecisionStage.INITIAL_REVIEW,
        S.REJECTED,
        AppealStatus.AWAITING_PANEL,
        STATEMENT,
    )
    (stored,) = appeal.evidence.all()
    assert (stored.original_name, stored.content_type, stored.size) == (
        "调试负责人证明.pdf",
        "application/pdf",
        len(TINY_PDF),
    )
    with stored.file.open("rb") as handle:
        assert handle.read() == TINY_PDF
    assert appeal.deadline == appeal.decided_at + timedelta(days=15)
    events = list(
        AuditEvent.objects.filter(application=application, position__gt=appeal.decision_event.position)
        .order_by("position")
        .values_list("action", "actor_id", "from_state", "to_state")
    )
    assert events == [
        ("appeal.lodge", application.applicant_id, "", ""),
        ("application.transition", application.applicant_id, S.REJECTED.value, S.UNDER_APPEAL.value),
    ]


def test_a_candidate_the_committee_did_not_approve_may_appeal(world: World) -> None:
    application = refused_by_committee(world).application
    appeal = lodged(application)
    application.refresh_from_db()
    assert (appeal.decision_stage, appeal.decision_state, application.state) == (
        DecisionStage.COMMITTEE,
        S.NOT_APPROVED,
        S.UNDER_APPEAL,
    )


def test_a_candidate_stopped_by_an_upheld_objection_may_appeal(world: World) -> None:
    application = stopped_by_objection(world)
    appeal = lodged(application)
    application.refresh_from_db()
    assert (appeal.decision_stage, appeal.decision_state, application.state) == (
        DecisionStage.OBJECTION,
        S.NOT_APPROVED,
        S.UNDER_APPEAL,
    )


def test_after_the_deadline_the_form_is_gone_and_an_appeal_is_refused(world: World) -> None:
    application = rejected(world)
    _age(application, 16)
    deadline = timezone.localtime(application.state_changed_at + timedelta(days=15)).strftime(
        "%Y-%m-%d %H:%M"
    )

    page = world.client_for(world.applicant).get(reverse("appeals:lodge", args=[application.uid]))
    response = _post(world, application)

    message = f"The time to appeal this decision ended on {deadline} (Beijing time); appeals are no longer received."
    assert page.context["form"] is None
    assert message in page.content.decode()
    assert response.status_code == 400
    assert Appeal.objects.count() == 0
    application.refresh_from_db()
    assert application.state == S.REJECTED


def test_the_window_is_the_societys_to_set(world: World) -> None:
    application = rejected(world)
    _age(application, 16)
    AppealPolicy.objects.create(society=world.society, window_days=30)
    decided_at = application.state_changed_at
    appeal = lodged(application)
    assert (appeal.decided_at, appeal.deadline) == (decided_at, decided_at + timedelta(days=30))


def test_an_appeal_without_a_statement_is_refused_beside_the_field(world: World) -> None:
    application = rejected(world)
    response = _post(world, application, statement="   ")
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "statement": [
            "Please explain why you think the decision is wrong; an appeal without a statement cannot be considered."
        ]
    }
    assert Appeal.objects.count() == 0


def test_the_domain_refuses_an_empty_statement_too(world: World) -> None:
    application = rejected(world)
    with pytest.raises(AppealError) as error:
        appeal_lodge(application=application, by=world.applicant, statement=" \n ")
    assert error.value.field == "statement"
    assert Appeal.objects.count() == 0


def test_a_decision_is_appealed_once(world: World) -> None:
    application = rejected(world)
    lodged(application)
    application.refresh_from_db()

    response = _post(world, application)
    with pytest.raises(AppealError) as error:
        appeal_lodge(application=application, by=world.applicant, statement=STATEMENT)

    message = "You have already appealed this decision; a decision can be appealed once."
    assert str(error.value) == message
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Appeal.objects.count() == 1


def test_evidence_is_recognised_by_its_content_not_its_name(world: World) -> None:
    application = rejected(world)
    fake = SimpleUploadedFile(
        "证明.pdf", b"MZ\x90\x00 a program, not a document", content_type="application/pdf"
    )

    response = _post(world, application, evidence=fake)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "evidence": ["“证明.pdf”: Only PDF, JPEG and PNG files are accepted; this file is none of them."]
    }
    assert Appeal.objects.count() == 0
    application.refresh_from_db()
    assert application.state == S.REJECTED


def test_an_oversized_evidence_file_is_refused(world: World, settings: object) -> None:
    settings.ENGCERT_MAX_UPLOAD_BYTES = 1024  # type: ignore[attr-defined]
    application = rejected(world)
    big = SimpleUploadedFile("扫描件.pdf", TINY_PDF + b"0" * 2048, content_type="application/pdf")
    response = _post(world, application, evidence=big)
    assert response.status_code == 400
    assert response.context["form"].errors["evidence"] == [
        "“扫描件.pdf”: The file is 0.0 MB; each file may be at most 0 MB."
    ]


def test_the_applicant_page_says_until_when_and_links_to_the_form(world: World) -> None:
    application = rejected(world)
    deadline = timezone.localtime(application.state_changed_at + timedelta(days=15)).strftime(
        "%Y-%m-%d %H:%M"
    )
    page = world.client_for(world.applicant).get(reverse("applications:detail", args=[application.uid]))
    text = page.content.decode()
    assert f"you may appeal until {deadline} (Beijing time)" in text
    assert reverse("appeals:lodge", args=[application.uid]) in text


def test_the_applicant_page_says_the_window_has_closed(world: World) -> None:
    application = rejected(world)
    _age(application, 20)
    deadline = timezone.localtime(application.state_changed_at + timedelta(days=15)).strftime(
        "%Y-%m-%d %H:%M"
    )
    text = (
        world.client_for(world.applicant)
        .get(reverse("applications:detail", args=[application.uid]))
        .content.decode()
    )
    assert f"The time to appeal this decision ended on {deadline} (Beijing time)." in text
    assert reverse("appeals:lodge", args=[application.uid]) not in text


def test_the_applicant_page_shows_the_appeal_in_progress(world: World) -> None:
    application = rejected(world)
    lodged(application)
    text = (
        world.client_for(world.applicant)
        .get(reverse("applications:detail", args=[application.uid]))
        .content.decode()
    )
    assert "Appeal received" in text
    assert "The society is choosing a panel of people who took no part in the decision to look at it." in text
