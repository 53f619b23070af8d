"""Issuing one member's certificate: what it says, that it is issued once, and what it sets off."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from engcert.applications.enums import ApplicationState as S
from engcert.audit.models import AuditEvent
from engcert.certificates import domain
from engcert.certificates.domain import (
    CertificateError,
    certificate_issue,
    certificate_issue_next_term,
    certificate_policy_get,
    validity_end,
)
from engcert.certificates.enums import CertificateSource, CertificateStatus
from engcert.certificates.models import Certificate
from engcert.certificates.numbering import CROCKFORD_ALPHABET
from engcert.certificates.payload import payload_verify
from engcert.registration.domain import registration_confirm
from engcert.registration.models import PackageItem, Registration
from tests.certificates.issue_helpers import registered_members
from tests.conftest import World
from tests.evaluation_helpers import advance, candidate_interviewed

pytestmark = pytest.mark.django_db

NUMBER_RE = re.compile(rf"^CSEE-(\d{{4}})-[{CROCKFORD_ALPHABET}]{{10}}$")


def stored_pdfs() -> list[str]:
    folder = Path(default_storage.path("certificates/pdf"))
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.pdf")) if folder.exists() else []


def test_a_certificate_is_numbered_valid_for_five_years_and_says_what_the_registration_says(world: World):
    registration = registered_members(world, 1)[0]

    certificate = certificate_issue(registration=registration, by=world.staff, valid_from=date(2026, 3, 1))

    match = NUMBER_RE.match(certificate.number)
    assert match is not None and match.group(1) == "2026"
    assert (certificate.valid_from, certificate.valid_until) == (date(2026, 3, 1), date(2031, 2, 28))
    assert (certificate.full_name, certificate.grade, certificate.discipline) == (
        registration.full_name,
        registration.grade,
        registration.discipline,
    )
    assert (certificate.term, certificate.status, certificate.source, certificate.status_index) == (
        1,
        CertificateStatus.VALID,
        CertificateSource.ISSUED,
        0,
    )
    assert certificate.issued_at is not None
    assert certificate.pdf.name == f"certificates/pdf/2026/{certificate.number}.pdf"
    assert default_storage.open(certificate.pdf.name).read(5) == b"%PDF-"
    verified = payload_verify(certificate.qr_token)
    assert verified.claims == {
        "n": certificate.number,
        "nm": registration.full_name,
        "g": registration.grade.code,
        "d": registration.discipline.name if registration.discipline else "",
        "s": "CSEE",
        "vf": "2026-03-01",
        "vu": "2031-02-28",
    }
    assert verified.key_id == certificate.key_id


def test_issuing_moves_the_application_to_certificate_issued_audits_and_emails_the_member(
    world: World, django_capture_on_commit_callbacks
):
    registration = registered_members(world, 1)[0]
    # The email is in the member's language; this member reads English.
    assert registration.holder is not None
    registration.holder.language = "en"
    registration.holder.save(update_fields=["language"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(registration=registration, by=world.staff)

    assert registration.application is not None
    registration.application.refresh_from_db()
    assert registration.application.state == S.CERTIFICATE_ISSUED
    event = AuditEvent.objects.filter(action="certificates.issued").get()
    assert (event.actor, event.data["number"], event.data["member_number"]) == (
        world.staff,
        certificate.number,
        registration.member_number,
    )
    ready = [m for m in mail.outbox if certificate.number in m.subject]
    assert [m.to for m in ready] == [[registration.email]]
    assert ready[0].subject == f"Your certificate {certificate.number} is ready"
    assert "/me/certificates/" in ready[0].body


def test_issuing_again_returns_the_same_certificate_and_stores_one_pdf(world: World):
    registration = registered_members(world, 1)[0]

    first = certificate_issue(registration=registration, by=world.staff)
    second = certificate_issue(registration=registration, by=world.staff)

    assert second.pk == first.pk
    assert Certificate.objects.filter(registration=registration).count() == 1
    assert stored_pdfs() == [f"{first.valid_from.year}/{first.number}.pdf"]
    assert AuditEvent.objects.filter(action="certificates.issued").count() == 1


def test_an_attempt_that_crashed_after_numbering_is_finished_by_the_next_with_the_same_number(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    registration = registered_members(world, 1)[0]

    def crash(*args: object, **kwargs: object) -> str:
        raise SystemExit("the worker was killed")

    # The storage fails while the PDF is being written: the row is numbered, nothing issued.
    monkeypatch.setattr(default_storage, "save", crash)
    with pytest.raises(SystemExit):
        certificate_issue(registration=registration, by=world.staff)
    monkeypatch.undo()
    half = Certificate.objects.get(registration=registration)
    assert (half.issued_at, half.pdf.name) == (None, "")

    finished = certificate_issue(registration=registration, by=world.staff)

    assert (finished.pk, finished.number, finished.qr_token) == (half.pk, half.number, half.qr_token)
    assert finished.issued_at is not None
    assert Certificate.objects.filter(registration=registration).count() == 1
    assert stored_pdfs() == [f"{half.valid_from.year}/{half.number}.pdf"]


def test_a_pdf_left_behind_by_a_crash_before_recording_is_replaced_not_doubled(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    registration = registered_members(world, 1)[0]
    real_finish = domain._finish

    def crash_after_storing(**kwargs: object) -> Certificate:
        raise SystemExit("the worker was killed after storing the PDF")

    monkeypatch.setattr(domain, "_finish", crash_after_storing)
    with pytest.raises(SystemExit):
        certificate_issue(registration=registration, by=world.staff)
    monkeypatch.setattr(domain, "_finish", real_finish)
    half = Certificate.objects.get(registration=registration)
    assert stored_pdfs() == [f"{half.valid_from.year}/{half.number}.pdf"]

    finished = certificate_issue(registration=registration, by=world.staff)

    assert finished.pdf.name == f"certificates/pdf/{half.valid_from.year}/{half.number}.pdf"
    assert stored_pdfs() == [f"{half.valid_from.year}/{half.number}.pdf"]


def test_status_list_positions_follow_each_other_per_society(world: World):
    registrations = registered_members(world, 3)

    indexes = [certificate_issue(registration=r, by=world.staff).status_index for r in registrations]

    assert indexes == [0, 1, 2]


def test_a_number_already_taken_is_drawn_again(world: World, monkeypatch: pytest.MonkeyPatch):
    first, second = registered_members(world, 2)
    taken = certificate_issue(registration=first, by=world.staff, valid_from=date(2026, 1, 5))
    taken_random = taken.number.rsplit("-", 1)[1]
    # The random source gives the taken characters once, then others.
    draws = iter(list(taken_random) + list("ABCDEFGHJK"))
    monkeypatch.setattr("engcert.certificates.numbering.secrets.choice", lambda alphabet: next(draws))

    certificate = certificate_issue(registration=second, by=world.staff, valid_from=date(2026, 1, 5))

    assert certificate.number == "CSEE-2026-ABCDEFGHJK"


def test_the_validity_follows_the_policy_and_ends_the_day_before_the_anniversary(world: World):
    policy = certificate_policy_get(world.society)
    policy.validity_years = 3
    policy.save()
    registration = registered_members(world, 1)[0]

    certificate = certificate_issue(registration=registration, by=world.staff, valid_from=date(2028, 2, 29))

    assert certificate.valid_until == date(2031, 2, 27)
    assert validity_end(valid_from=date(2026, 12, 6), years=5) == date(2031, 12, 5)


def test_the_next_term_is_a_new_certificate_issued_once(world: World):
    registration = registered_members(world, 1)[0]
    first = certificate_issue(registration=registration, by=world.staff, valid_from=date(2026, 1, 10))

    renewed = certificate_issue_next_term(
        registration=registration, by=world.staff, valid_from=date(2031, 1, 10)
    )
    again = certificate_issue_next_term(
        registration=registration, by=world.staff, valid_from=date(2031, 1, 10)
    )

    assert (renewed.term, renewed.valid_from, renewed.valid_until) == (2, date(2031, 1, 10), date(2036, 1, 9))
    assert renewed.number != first.number
    assert again.pk == renewed.pk
    assert list(
        Certificate.objects.filter(registration=registration).order_by("term").values_list("term", flat=True)
    ) == [1, 2]
    assert certificate_issue(registration=registration, by=world.staff).pk == first.pk


def test_only_the_societys_staff_or_the_system_may_issue(world: World, other_society_staff):
    registration = registered_members(world, 1)[0]

    for person in (world.outsider, world.reviewer, other_society_staff, world.applicant):
        with pytest.raises(CertificateError) as error:
            certificate_issue(registration=registration, by=person)
        assert str(error.value) == "Only the society's staff may issue its certificates."
    assert Certificate.objects.count() == 0

    certificate = certificate_issue(registration=registration, by=None)
    assert certificate.issued_at is not None


def test_the_alliances_registration_issues_the_members_certificate_by_itself(
    world: World, django_capture_on_commit_callbacks
):
    from engcert.registration.domain import package_send

    application = advance(world, candidate_interviewed(world, index=0), to=S.NOTICE_PASSED)
    package = package_send(
        society=world.society, batch=world.batch, applications=[application], by=world.staff
    )
    item = PackageItem.objects.get(package=package, application=application)

    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_confirm(item=item, by=world.reviewer)

    certificate = Certificate.objects.get(registration=registration)
    assert certificate.issued_at is not None
    application.refresh_from_db()
    assert application.state == S.CERTIFICATE_ISSUED
    event = AuditEvent.objects.filter(action="certificates.issued").get()
    assert event.actor is None
    assert Registration.objects.get(pk=registration.pk).member_number == registration.member_number
