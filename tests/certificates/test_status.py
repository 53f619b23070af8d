"""Staff suspend, reinstate and revoke certificates with a reason: the row, the audit trail,
the member's email, the public page at once; the staff page and who may use it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from engcert.audit.models import AuditEvent
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate
from engcert.certificates.status import (
    StatusChangeError,
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)
from engcert.demo import builders
from engcert.organisations.enums import Role
from tests.certificates.public_helpers import member_certificate
from tests.conftest import PASSWORD, World, enrol_totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def detail_url(certificate: Certificate) -> str:
    return reverse("certificates:staff_detail", args=[certificate.society.code, certificate.number])


def test_suspending_records_the_reason_audits_and_tells_the_member(
    world: World, django_capture_on_commit_callbacks
):
    world.applicant.language = "en"
    world.applicant.save(update_fields=["language"])
    certificate = member_certificate(world.society, holder=world.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_suspend(
            certificate=certificate, reason="  A complaint is under review.  ", by=world.staff
        )
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason, certificate.status_changed_by) == (
        CertificateStatus.SUSPENDED,
        "A complaint is under review.",
        world.staff,
    )
    event = AuditEvent.objects.get(action="certificates.suspended")
    assert (event.subject_id, event.from_state, event.to_state, event.reason, event.actor) == (
        str(certificate.pk),
        "valid",
        "suspended",
        "A complaint is under review.",
        world.staff,
    )
    assert [m.to for m in mail.outbox] == [[world.applicant.email]]
    assert mail.outbox[0].subject == f"Your certificate {certificate.number} is suspended"
    assert "Reason: A complaint is under review." in mail.outbox[0].body
    assert f"/verify/{certificate.number}/" in mail.outbox[0].body


def test_the_public_page_shows_the_change_at_once(world: World, client: Client):
    certificate = member_certificate(world.society)
    url = reverse("certificates:verify_number", args=[certificate.number])
    assert "This certificate is valid until" in client.get(url).content.decode()
    certificate_revoke(certificate=certificate, reason="Forged degree certificate.", by=world.staff)
    body = client.get(url).content.decode()
    assert "This certificate was revoked on" in body
    assert "Forged degree certificate." in body


def test_a_suspended_certificate_is_reinstated(world: World, django_capture_on_commit_callbacks):
    world.applicant.language = "en"
    world.applicant.save(update_fields=["language"])
    certificate = member_certificate(
        world.society, holder=world.applicant, status=CertificateStatus.SUSPENDED, reason="Doubt."
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate_reinstate(certificate=certificate, reason="The complaint was unfounded.", by=world.staff)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert mail.outbox[0].subject == f"Your certificate {certificate.number} is valid again"


def test_revocation_is_final(world: World):
    certificate = member_certificate(world.society)
    certificate_revoke(certificate=certificate, reason="Forged.", by=world.staff)
    with pytest.raises(StatusChangeError) as error:
        certificate_reinstate(certificate=certificate, reason="Mistake.", by=world.staff)
    assert str(error.value) == "This certificate was revoked; a revocation is final and cannot be changed."
    with pytest.raises(StatusChangeError):
        certificate_suspend(certificate=certificate, reason="Again.", by=world.staff)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED


def test_only_a_suspended_certificate_is_reinstated(world: World):
    certificate = member_certificate(world.society, status=CertificateStatus.EXPIRED)
    with pytest.raises(StatusChangeError) as error:
        certificate_reinstate(certificate=certificate, reason="Please.", by=world.staff)
    assert str(error.value) == "An expired certificate is renewed by re-registration, not reinstated."


def test_the_same_change_twice_changes_nothing_more(world: World):
    certificate = member_certificate(world.society)
    certificate_suspend(certificate=certificate, reason="First.", by=world.staff)
    certificate_suspend(certificate=certificate, reason="Second.", by=world.staff)
    certificate.refresh_from_db()
    assert certificate.status_reason == "First."
    assert AuditEvent.objects.filter(action="certificates.suspended").count() == 1


def test_a_reason_is_required(world: World):
    certificate = member_certificate(world.society)
    with pytest.raises(StatusChangeError) as error:
        certificate_suspend(certificate=certificate, reason="   ", by=world.staff)
    assert (str(error.value), error.value.field) == (
        "Give the reason: the member reads it, and so does the public.",
        "reason",
    )


def test_people_other_than_the_societys_staff_cannot_change_a_status(world: World):
    certificate = member_certificate(world.society)
    for person in (world.examiner, world.applicant, world.reviewer):
        with pytest.raises(StatusChangeError):
            certificate_revoke(certificate=certificate, reason="No.", by=person)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


# --- The staff page --------------------------------------------------------------------------


def test_staff_see_the_certificate_and_its_history(world: World):
    certificate = member_certificate(world.society, name="赵六")
    certificate_suspend(certificate=certificate, reason="Complaint received.", by=world.staff)
    response = world.client_for(world.staff).get(detail_url(certificate))
    body = response.content.decode()
    assert response.status_code == 200
    assert "赵六" in body and certificate.number in body
    assert "Complaint received." in body
    assert 'id="form-reinstate"' in body and 'id="form-revoke"' in body
    assert 'id="form-suspend"' not in body


def test_staff_suspend_through_the_page(world: World):
    certificate = member_certificate(world.society)
    response = world.client_for(world.staff).post(
        detail_url(certificate),
        {"action": "suspend", "suspend-action": "suspend", "suspend-reason": "Check."},
    )
    assert (response.status_code, response["Location"]) == (302, detail_url(certificate))
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason) == (CertificateStatus.SUSPENDED, "Check.")


def test_revoking_asks_for_confirmation_and_a_reason_beside_the_fields(world: World):
    certificate = member_certificate(world.society)
    response = world.client_for(world.staff).post(
        detail_url(certificate), {"action": "revoke", "revoke-action": "revoke", "revoke-reason": ""}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Give the reason: the member reads it, and so does the public." in body
    assert "Tick this box to confirm the revocation." in body
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    response = world.client_for(world.staff).post(
        detail_url(certificate),
        {"action": "revoke", "revoke-action": "revoke", "revoke-reason": "Forged.", "revoke-confirm": "on"},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED


def test_another_societys_staff_get_not_found(world: World):
    other = builders.society_create(code="csme", name="中国机械工程学会", name_en="CMES", short_name="CMES")
    other_staff = builders.user_create(
        email="staff@cmes.example", password=PASSWORD, role=Role.STAFF, organisation=other
    )
    enrol_totp(other_staff)
    certificate = member_certificate(world.society)
    client = world.client_for(other_staff)
    assert client.get(detail_url(certificate)).status_code == 404
    # Nor through their own society's address.
    assert (
        client.get(reverse("certificates:staff_detail", args=["csme", certificate.number])).status_code == 404
    )
    response = client.post(
        detail_url(certificate), {"action": "revoke", "revoke-reason": "x", "revoke-confirm": "on"}
    )
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


@pytest.mark.parametrize("persona", ["applicant", "examiner", "committee", "reviewer", "outsider"])
def test_other_people_get_not_found(world: World, persona: str):
    certificate = member_certificate(world.society, holder=world.applicant)
    assert world.client_for(getattr(world, persona)).get(detail_url(certificate)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world: World, client: Client):
    certificate = member_certificate(world.society)
    response = client.get(detail_url(certificate))
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login"))
