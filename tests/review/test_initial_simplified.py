"""Simplified assessment: staff verify the international title; only a verified title shortens the path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engcert.applications.domain.application import application_update, attachment_upload
from engcert.applications.enums import ApplicationState, AssessmentPath, AttachmentKind
from engcert.applications.models import Application, InternationalTitle
from engcert.audit.models import AuditEvent
from engcert.demo import builders
from engcert.review.domain import ReviewError, international_title_verify
from engcert.review.models import TitleVerification
from tests.conftest import World
from tests.review.initial_helpers import submitted, url

pytestmark = pytest.mark.usefixtures("english")


def _title(
    application: Application, *, number: str, expires_on: date | None, evidence: bool = True
) -> InternationalTitle:
    file = (
        attachment_upload(
            application=application,
            by=application.applicant,
            uploaded=SimpleUploadedFile(f"{number}.pdf", builders.TINY_PDF),
            kind=AttachmentKind.INTERNATIONAL_TITLE,
        )
        if evidence
        else None
    )
    return InternationalTitle.objects.create(
        application=application,
        kind="apec",
        number=number,
        issuer="CAST APEC Engineer Monitoring Committee",
        issued_on=date(2021, 5, 1),
        expires_on=expires_on,
        evidence=file,
    )


@pytest.fixture
def titles(
    world: World, complete_draft: Application
) -> tuple[Application, InternationalTitle, InternationalTitle]:
    """A submitted application asking for simplified assessment, with a valid and an expired title."""
    today = timezone.localdate()
    application_update(application=complete_draft, by=world.applicant, values={"simplified_requested": True})
    valid = _title(complete_draft, number="APEC-CN-0042", expires_on=today + timedelta(days=400))
    expired = _title(complete_draft, number="APEC-CN-0001", expires_on=today - timedelta(days=1))
    return submitted(complete_draft), valid, expired


def test_a_verified_title_puts_the_applicant_on_the_simplified_path(world: World, titles):
    application, valid, _expired = titles

    check = international_title_verify(
        application=application, title=valid, by=world.staff, verified=True, note=""
    )

    application.refresh_from_db()
    assert application.assessment_path == AssessmentPath.SIMPLIFIED
    assert (check.verified, check.number, check.expires_on, check.checked_by) == (
        True,
        "APEC-CN-0042",
        valid.expires_on,
        world.staff,
    )
    assert valid.evidence is not None
    assert check.evidence_sha256 == valid.evidence.sha256
    event = AuditEvent.objects.get(application=application, action="review.title_verification")
    assert event.data["assessment_path"] == {"from": "full", "to": "simplified"}
    # The state does not move: verifying a title is not a decision on the application.
    assert application.state == ApplicationState.SUBMITTED


def test_an_expired_title_cannot_be_verified(world: World, titles):
    application, _valid, expired = titles

    with pytest.raises(ReviewError) as refused:
        international_title_verify(
            application=application, title=expired, by=world.staff, verified=True, note=""
        )

    assert str(refused.value) == (
        f"This title expired on {expired.expires_on}; an expired title cannot be verified."
    )
    application.refresh_from_db()
    assert application.assessment_path == AssessmentPath.FULL
    assert TitleVerification.objects.count() == 0


def test_a_title_without_evidence_cannot_be_verified(world: World, titles):
    application, _valid, _expired = titles
    bare = _title(application, number="EUR-1", expires_on=None, evidence=False)

    with pytest.raises(ReviewError) as refused:
        international_title_verify(
            application=application, title=bare, by=world.staff, verified=True, note=""
        )

    assert str(refused.value) == "There is no evidence attached to this title; it cannot be verified."


def test_not_verified_keeps_the_full_path_and_needs_a_note(world: World, titles):
    application, _valid, expired = titles

    with pytest.raises(ReviewError) as refused:
        international_title_verify(
            application=application, title=expired, by=world.staff, verified=False, note=" "
        )
    assert str(refused.value) == "Say why the title could not be verified; the applicant will read it."

    international_title_verify(
        application=application, title=expired, by=world.staff, verified=False, note="The title expired."
    )

    application.refresh_from_db()
    assert application.assessment_path == AssessmentPath.FULL


def test_a_later_not_verified_takes_the_simplified_path_back_only_when_no_other_title_stands(
    world: World, titles
):
    application, valid, expired = titles
    international_title_verify(application=application, title=valid, by=world.staff, verified=True, note="")
    international_title_verify(
        application=application, title=expired, by=world.staff, verified=False, note="Expired."
    )
    application.refresh_from_db()
    assert application.assessment_path == AssessmentPath.SIMPLIFIED

    international_title_verify(
        application=application,
        title=valid,
        by=world.staff,
        verified=False,
        note="The register has no such number.",
    )

    application.refresh_from_db()
    assert application.assessment_path == AssessmentPath.FULL
    assert list(TitleVerification.objects.filter(title=valid).values_list("verified", flat=True)) == [
        True,
        False,
    ]


def test_no_title_check_without_a_request_for_simplified_assessment(
    world: World, complete_draft: Application
):
    title = _title(complete_draft, number="APEC-9", expires_on=None)
    application = submitted(complete_draft)

    with pytest.raises(ReviewError) as refused:
        international_title_verify(
            application=application, title=title, by=world.staff, verified=True, note=""
        )

    assert str(refused.value) == (
        "The applicant has not asked for simplified assessment in a call that offers it."
    )


def test_the_applicant_can_never_verify_their_own_title(world: World, titles):
    application, valid, _expired = titles

    with pytest.raises(ReviewError):
        international_title_verify(
            application=application, title=valid, by=world.applicant, verified=True, note=""
        )

    application.refresh_from_db()
    assert application.assessment_path == AssessmentPath.FULL


# Through the pages --------------------------------------------------------------------------------


def test_staff_verify_from_the_review_page_after_opening_the_evidence(world: World, titles):
    application, valid, _expired = titles
    client = world.client_for(world.staff)
    html = client.get(url(world, application)).content.decode()
    assert valid.evidence is not None
    assert f'href="/applications/{application.uid}/files/{valid.evidence.uid}/" target="_blank"' in html
    prefix = f"title{valid.pk}"

    unopened = client.post(
        url(world, application, "title_verify", title_id=valid.pk), {f"{prefix}-outcome": "verified"}
    )
    assert unopened.status_code == 400
    assert "Open the evidence before you verify the title." in unopened.content.decode()

    verified = client.post(
        url(world, application, "title_verify", title_id=valid.pk),
        {f"{prefix}-outcome": "verified", f"{prefix}-evidence_opened": "on"},
    )
    assert verified.status_code == 302
    application.refresh_from_db()
    assert application.assessment_path == AssessmentPath.SIMPLIFIED


def test_the_page_offers_only_not_verified_for_an_expired_title(world: World, titles):
    application, _valid, expired = titles
    prefix = f"title{expired.pk}"

    response = world.client_for(world.staff).post(
        url(world, application, "title_verify", title_id=expired.pk),
        {f"{prefix}-outcome": "verified", f"{prefix}-evidence_opened": "on"},
    )

    assert response.status_code == 400
    assert "Select a valid choice. verified is not one of the available choices." in response.content.decode()
    application.refresh_from_db()
    assert application.assessment_path == AssessmentPath.FULL


def test_the_applicant_is_told_in_plain_words_when_the_title_is_not_verified(world: World, titles):
    application, _valid, expired = titles
    client = world.client_for(world.applicant)
    waiting = client.get(f"/applications/{application.uid}/").content.decode()
    assert "You asked for simplified assessment; the society will check your international title" in waiting

    international_title_verify(
        application=application,
        title=expired,
        by=world.staff,
        verified=False,
        note="Your APEC registration lapsed.",
    )
    html = client.get(f"/applications/{application.uid}/").content.decode()

    assert (
        "The society could not verify your international title, so you will take the full assessment, "
        "like applicants without such a title."
    ) in html
    assert "Your APEC registration lapsed." in html


def test_the_applicant_is_told_when_the_title_is_verified(world: World, titles):
    application, valid, _expired = titles
    international_title_verify(application=application, title=valid, by=world.staff, verified=True, note="")

    html = world.client_for(world.applicant).get(f"/applications/{application.uid}/").content.decode()

    assert "Your international title has been verified: you will take the simplified assessment." in html
