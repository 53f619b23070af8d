"""The API's public certificate endpoints: verify by number, search the register; one error body."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from engcert.certificates.enums import CertificateStatus
from tests.certificates.public_helpers import listed, member_certificate
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def test_a_certificate_is_verified_by_number(world: World, client: Client, django_assert_num_queries):
    certificate = member_certificate(world.society, unit=world.unit)
    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/certificates/{certificate.number}")
    assert response.status_code == 200
    assert response.json() == {
        "number": certificate.number,
        "status": "valid",
        "status_label": "Valid",
        "status_text": f"This certificate is valid until {certificate.valid_until.isoformat()}.",
        "status_reason": None,
        "status_changed_on": None,
        "name": "王伟",
        "name_en": "Wang Wei",
        "grade": certificate.grade.display_name,
        "grade_code": "PE",
        "discipline": certificate.discipline.display_name,
        "society": world.society.display_name,
        "society_code": world.society.code,
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "qr_payload": None,
    }


def test_a_revoked_certificate_gives_its_reason(world: World, client: Client):
    certificate = member_certificate(world.society, status=CertificateStatus.REVOKED, reason="Forged.")
    data = client.get(f"/api/v1/certificates/{certificate.number}").json()
    assert (data["status"], data["status_reason"], data["status_changed_on"]) == (
        "revoked",
        "Forged.",
        timezone.localtime(certificate.status_changed_at).date().isoformat(),
    )


def test_the_qr_payload_is_checked_when_given(world: World, client: Client):
    certificate = member_certificate(world.society)
    good = client.get(f"/api/v1/certificates/{certificate.number}", {"p": certificate.qr_token}).json()
    assert good["qr_payload"] == {
        "genuine": True,
        "matches_register": True,
        "message": "The QR code is genuine: signed by the society, and it matches the register.",
    }
    header, claims, signature = certificate.qr_token.split(".")
    bad = client.get(
        f"/api/v1/certificates/{certificate.number}", {"p": f"{header}.{claims}.{signature[:-4]}AAAA"}
    ).json()
    assert (bad["qr_payload"]["genuine"], bad["qr_payload"]["matches_register"]) == (False, False)


def test_an_unknown_number_is_404_with_the_error_body(world: World, client: Client):
    member_certificate(world.society)
    response = client.get("/api/v1/certificates/CSEE-2026-NOPE")
    assert response.status_code == 404
    assert response.json() == {"detail": "No certificate has this number.", "code": "not_found"}


def test_the_api_shares_the_pages_throttle(world: World, client: Client, settings):
    settings.ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE = 10
    certificate = member_certificate(world.society)
    assert client.get("/api/v1/certificates/UNKNOWN-1").status_code == 404
    response = client.get(f"/api/v1/certificates/{certificate.number}")
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many lookups from your network; please wait a minute.",
        "code": "throttled",
    }
    assert 1 <= int(response["Retry-After"]) <= 60
    assert client.get(f"/verify/{certificate.number}/").status_code == 429


def test_the_register_search_returns_only_consented_fields(world: World, client: Client):
    shown = member_certificate(world.society, name="甲", name_en="Jia", unit=world.unit)
    listed(shown, show_unit=True, show_name_en=True)
    listed(member_certificate(world.society, name="乙", unit=world.unit), show_discipline=False)
    member_certificate(world.society, name="丙")
    data = client.get("/api/v1/register").json()
    assert (data["count"], data["page"], data["pages"], data["page_size"]) == (2, 1, 1, 25)
    assert [(i["name"], i["name_en"], i["unit"], i["discipline"] is None) for i in data["items"]] == [
        ("乙", None, None, True),
        ("甲", "Jia", world.unit.display_name, False),
    ]
    by_unit = client.get("/api/v1/register", {"unit": "SEPCO"}).json()
    assert [i["name"] for i in by_unit["items"]] == ["甲"]
    by_field = client.get("/api/v1/register", {"discipline": shown.discipline.code}).json()
    assert [i["name"] for i in by_field["items"]] == ["甲"]


def test_register_search_errors_use_the_error_body(world: World, client: Client):
    response = client.get("/api/v1/register", {"grade": "XX"})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "No grade has this code.", "code": "unknown_grade"},
    )
    response = client.get("/api/v1/register", {"page": 5})
    assert (response.status_code, response.json()["code"]) == (400, "bad_page")


def test_the_openapi_document_lists_the_endpoints(client: Client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/certificates/{number}" in paths
    assert "/api/v1/register" in paths
    assert set(paths["/api/v1/certificates/{number}"]["get"]["responses"]) == {"200", "404", "429"}
