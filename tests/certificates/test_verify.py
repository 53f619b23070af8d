"""Public verification by number and by the QR code's signed payload; throttling; the keys page."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engcert.certificates.credentials import base58btc_decode
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.keys import signing_material_for
from engcert.certificates.payload import payload_sign
from tests.certificates.public_helpers import member_certificate
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def page(number: str, **query: str) -> str:
    url = reverse("certificates:verify_number", args=[number])
    return url + ("?" + "&".join(f"{k}={quote(v)}" for k, v in query.items()) if query else "")


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_the_verification_path_is_the_one_the_qr_codes_use():
    assert (
        reverse("certificates:verify_number", args=["CSEE-2026-ABCDEFGH23"])
        == "/verify/CSEE-2026-ABCDEFGH23/"
    )
    assert reverse("certificates:verify") == "/verify/"


def test_the_form_page_explains_scanning_and_sends_a_number_to_its_page(client: Client):
    response = client.get(reverse("certificates:verify"))
    assert response.status_code == 200
    assert "By scanning the QR code" in text(response)
    response = client.get(reverse("certificates:verify"), {"number": "  csee-2026-abc  "})
    assert (response.status_code, response["Location"]) == (302, "/verify/CSEE-2026-ABC/")


def test_an_empty_number_is_an_error_beside_the_field(client: Client):
    response = client.get(reverse("certificates:verify"), {"number": " "})
    assert response.status_code == 200
    assert "This field is required." in text(response)


def test_a_valid_certificate_shows_its_status_and_details_in_one_query(
    world: World, client: Client, django_assert_num_queries
):
    certificate = member_certificate(world.society, unit=world.unit)
    with django_assert_num_queries(1):
        response = client.get(page(certificate.number))
    body = text(response)
    assert response.status_code == 200
    assert f"This certificate is valid until {certificate.valid_until.isoformat()}." in body
    assert certificate.full_name in body and "Wang Wei" in body
    assert certificate.grade.display_name in body
    assert certificate.discipline.display_name in body
    assert world.society.display_name in body
    assert f"{certificate.valid_from:%Y-%m-%d} – {certificate.valid_until:%Y-%m-%d}" in body
    # The unit is not part of what verification shows.
    assert world.unit.name not in body
    # Nothing is written for the visitor: no session.
    assert "sessionid" not in response.cookies
    assert response["Cache-Control"] == "no-cache, max-age=0"


def test_a_suspended_certificate_says_so_with_the_reason_and_date(world: World, client: Client):
    certificate = member_certificate(
        world.society, status=CertificateStatus.SUSPENDED, reason="Under investigation of a complaint."
    )
    body = text(client.get(page(certificate.number)))
    day = timezone.localtime(certificate.status_changed_at).date().isoformat()
    assert f"This certificate was suspended on {day}: it is not valid while suspended." in body
    assert "Under investigation of a complaint." in body


def test_a_revoked_certificate_says_so_with_the_reason_and_date(world: World, client: Client):
    certificate = member_certificate(world.society, status=CertificateStatus.REVOKED, reason="Forged degree.")
    body = text(client.get(page(certificate.number)))
    day = timezone.localtime(certificate.status_changed_at).date().isoformat()
    assert f"This certificate was revoked on {day}: it is no longer valid." in body
    assert "Forged degree." in body


def test_a_certificate_past_its_date_reads_as_expired_before_the_task_marks_it(world: World, client: Client):
    start = timezone.localdate() - timedelta(days=6 * 365)
    certificate = member_certificate(
        world.society, valid_from=start, valid_until=timezone.localdate() - timedelta(days=1)
    )
    body = text(client.get(page(certificate.number)))
    expected = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert f"This certificate expired on {expected}: it is no longer valid." in body


def test_an_unknown_number_says_only_that_no_certificate_has_it(world: World, client: Client):
    member_certificate(world.society, name="李娜")
    response = client.get(page("CSEE-2026-NOPE"))
    body = text(response)
    assert response.status_code == 404
    assert "No certificate has the number “CSEE-2026-NOPE”." in body
    assert "李娜" not in body and world.society.name not in body


def test_the_qr_codes_genuine_payload_is_confirmed(world: World, client: Client):
    certificate = member_certificate(world.society)
    body = text(client.get(page(certificate.number, p=certificate.qr_token)))
    assert "QR code checked." in body
    assert "The QR code is genuine: signed by the society, and it matches the register." in body


def test_a_changed_payload_is_reported_as_not_genuine(world: World, client: Client):
    certificate = member_certificate(world.society)
    header, claims, signature = certificate.qr_token.split(".")
    data = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    data["vu"] = "2099-12-31"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    body = text(client.get(page(certificate.number, p=f"{header}.{forged}.{signature}")))
    assert "The QR code is not genuine." in body
    assert "The QR code&#x27;s signature does not match its data: the data was changed after signing." in body
    assert "QR code checked." not in body


def test_a_genuine_payload_of_other_details_does_not_match_the_register(world: World, client: Client):
    certificate = member_certificate(world.society)
    material = signing_material_for(world.society.code, world.society.name)
    claims = {
        "n": certificate.number,
        "nm": "张三",
        "g": "SPE",
        "d": "",
        "s": world.society.code.upper(),
        "vf": certificate.valid_from.isoformat(),
        "vu": certificate.valid_until.isoformat(),
    }
    token = payload_sign(claims=claims, material=material)
    body = text(client.get(page(certificate.number, p=token)))
    assert "The QR code does not match." in body
    assert "(different: name, grade, professional field)" in body


def test_a_damaged_payload_is_reported_not_a_crash(world: World, client: Client):
    certificate = member_certificate(world.society)
    response = client.get(page(certificate.number, p="not-a-token"))
    assert response.status_code == 200
    assert "The QR code&#x27;s data is damaged." in text(response)


def test_lookups_are_throttled_per_address_with_a_please_wait_page(world: World, client: Client, settings):
    settings.ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE = 3
    certificate = member_certificate(world.society)
    statuses = [client.get(page(certificate.number), REMOTE_ADDR="10.0.0.1").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(page(certificate.number), REMOTE_ADDR="10.0.0.1")
    assert "Please wait a moment" in text(response)
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another address is not affected.
    assert client.get(page(certificate.number), REMOTE_ADDR="10.0.0.2").status_code == 200


def test_unknown_numbers_count_tenfold(world: World, client: Client, settings):
    settings.ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE = 20
    certificate = member_certificate(world.society)
    assert client.get(page("X-1"), REMOTE_ADDR="10.0.0.3").status_code == 404
    assert client.get(page(certificate.number), REMOTE_ADDR="10.0.0.3").status_code == 200
    assert client.get(page("X-2"), REMOTE_ADDR="10.0.0.3").status_code == 404
    assert client.get(page(certificate.number), REMOTE_ADDR="10.0.0.3").status_code == 429


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(world: World, client: Client, settings):
    settings.ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    certificate = member_certificate(world.society)
    url = page(certificate.number)
    assert client.get(url, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get(url, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 200
    assert client.get(url, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 429


def test_the_keys_page_publishes_each_societys_key(world: World, client: Client):
    material = signing_material_for(world.society.code, world.society.name)
    public = material.public_key
    body = text(client.get(reverse("certificates:keys")))
    assert public.key_id in body
    assert public.raw_b64url in body
    assert public.pem.strip().splitlines()[1] in body
    assert "docs/verifying-certificates.md" in body


def test_the_key_document_holds_the_multikey_of_each_key(world: World, client: Client):
    material = signing_material_for(world.society.code, world.society.name)
    document = client.get(reverse("certificates:keys_json")).json()
    method = next(m for m in document["verificationMethod"] if m["id"].endswith("#" + material.key_id))
    raw = base64.urlsafe_b64decode(material.public_key.raw_b64url + "=")
    assert method["type"] == "Multikey"
    assert base58btc_decode(method["publicKeyMultibase"][1:]) == b"\xed\x01" + raw
    assert method["id"] in document["assertionMethod"]


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("valid", "genuine"),
        ("valid", "damaged"),
        ("suspended", ""),
        ("revoked", "genuine"),
        ("unknown", ""),
    ],
)
def test_the_fast_page_for_anonymous_visitors_is_the_full_page(world: World, kind: str, payload: str):
    certificate = member_certificate(
        world.society,
        name_en="" if kind == "suspended" else "Wang <Wei>",
        status=CertificateStatus.VALID if kind in ("valid", "unknown") else CertificateStatus(kind),
        reason="Forged <b>degree</b> & more.",
    )
    token = {"genuine": certificate.qr_token, "damaged": certificate.qr_token + "x", "": ""}[payload]
    number = "NO-SUCH-<1>" if kind == "unknown" else certificate.number
    url = page(number, **({"p": token} if token else {}))
    for language in ("en", "zh-hans"):
        fast = Client(headers={"cookie": f"django_language={language}"}).get(url)
        # A session cookie (even one that names no session) takes the full render.
        full = Client(headers={"cookie": f"django_language={language}; sessionid=none"}).get(url)
        assert fast.status_code == full.status_code
        assert _without_tokens(fast.content.decode()) == _without_tokens(full.content.decode())
        assert "__engcert_" not in fast.content.decode()
    body = fast.content.decode()
    if kind == "unknown":
        assert "NO-SUCH-&lt;1&gt;" in body
    elif kind == "revoked":
        assert "Forged &lt;b&gt;degree&lt;/b&gt; &amp; more." in body


def test_the_fast_page_sets_no_cookie_and_its_language_switch_works_without_a_token(world: World):
    certificate = member_certificate(world.society)
    client = Client(enforce_csrf_checks=True)
    response = client.get(page(certificate.number))
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert list(response.cookies) == []
    switched = client.post(reverse("set_language"), {"language": "en", "next": page(certificate.number)})
    assert (switched.status_code, switched["Location"]) == (302, page(certificate.number))
    assert switched.cookies["django_language"].value == "en"


def test_a_signed_in_member_sees_the_page_with_their_own_header(world: World):
    certificate = member_certificate(world.society)
    body = world.client_for(world.applicant).get(page(certificate.number)).content.decode()
    assert world.applicant.full_name in body
    assert "This certificate is valid until" in body
