"""The member's Verifiable Credential (Open Badges 3.0) and the societies' status lists, checked
independently: canonicalised here by a separate JCS implementation, the signature checked with
the published public key, the status bits read from the GZIP'd bitstring."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.test import Client
from django.urls import reverse

from engcert.certificates.credentials import jcs
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.keys import signing_material_for
from engcert.certificates.status import certificate_revoke, certificate_suspend
from tests.certificates.public_helpers import member_certificate
from tests.conftest import World

pytestmark = pytest.mark.django_db

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def canonical(value: Any) -> bytes:
    """RFC 8785 for the documents here (strings, integers, lists, objects): sorted members by
    UTF-16 code units, no whitespace, JSON.stringify's string escaping (json.dumps matches it
    for these values)."""

    def encode(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: encode(v[k]) for k in sorted(v, key=lambda k: k.encode("utf-16-be"))}
        if isinstance(v, list):
            return [encode(x) for x in v]
        return v

    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":")).encode()


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    return number.to_bytes(64, "big")


def public_key_from_document(client: Client, method: str) -> Ed25519PublicKey:
    url, _, fragment = method.partition("#")
    assert url.endswith("/verify/keys.json")
    document = client.get(reverse("certificates:keys_json")).json()
    entry = next(m for m in document["verificationMethod"] if m["id"] == method)
    raw = base64.urlsafe_b64decode(entry["publicKeyRawBase64url"] + "=")
    assert fragment == hashlib.sha256(raw).hexdigest()[:16]
    return Ed25519PublicKey.from_public_bytes(raw)


def check_proof(client: Client, secured: dict[str, Any]) -> None:
    """The eddsa-jcs-2022 verification algorithm, step by step; raises InvalidSignature."""
    proof = dict(secured["proof"])
    assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == (
        "DataIntegrityProof",
        "eddsa-jcs-2022",
        "assertionMethod",
    )
    value = proof.pop("proofValue")
    assert value.startswith("z")
    document = {k: v for k, v in secured.items() if k != "proof"}
    proof["@context"] = document["@context"]
    data = hashlib.sha256(canonical(proof)).digest() + hashlib.sha256(canonical(document)).digest()
    public_key_from_document(client, proof["verificationMethod"]).verify(b58decode(value[1:]), data)


def status_bit(client: Client, url: str, index: int) -> bool:
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    status_list = response.json()
    check_proof(client, status_list)
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def download(world: World, number: str) -> dict[str, Any]:
    response = world.client_for(world.applicant).get(reverse("certificates:credential", args=[number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json; charset=utf-8"
    return response.json()  # type: ignore[no-any-return]


def test_the_credential_is_an_open_badge_with_the_certificates_details(world: World):
    certificate = member_certificate(world.society, holder=world.applicant)
    credential = download(world, certificate.number)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["type"] == ["Profile"]
    assert credential["issuer"]["name"] == world.society.name
    assert credential["validFrom"] == f"{certificate.valid_from.isoformat()}T00:00:00+08:00"
    assert credential["validUntil"] == f"{certificate.valid_until.isoformat()}T23:59:59+08:00"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["licenseNumber"] == certificate.number
    assert subject["identifier"][0]["identityHash"] == "王伟 / Wang Wei"
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"].startswith(certificate.grade.name)
    assert achievement["fieldOfStudy"].startswith(certificate.discipline.name)


def test_the_credentials_proof_verifies_with_the_published_key(world: World, client: Client):
    certificate = member_certificate(world.society, holder=world.applicant)
    credential = download(world, certificate.number)
    check_proof(client, credential)
    material = signing_material_for(world.society.code)
    assert credential["proof"]["verificationMethod"].endswith("#" + material.key_id)


def test_a_changed_credential_no_longer_verifies(world: World, client: Client):
    certificate = member_certificate(world.society, holder=world.applicant)
    credential = download(world, certificate.number)
    credential["validUntil"] = "2099-12-31T23:59:59+08:00"
    with pytest.raises(InvalidSignature):
        check_proof(client, credential)


def test_the_status_entries_point_to_the_societys_lists_at_the_certificates_index(world: World):
    certificate = member_certificate(world.society, holder=world.applicant)
    entries = download(world, certificate.number)["credentialStatus"]
    base = f"{settings.SITE_URL.rstrip('/')}/credentials/status/{world.society.code}"
    assert [
        (e["type"], e["statusPurpose"], e["statusListIndex"], e["statusListCredential"]) for e in entries
    ] == [
        ("BitstringStatusListEntry", "revocation", str(certificate.status_index), f"{base}/revocation/"),
        ("BitstringStatusListEntry", "suspension", str(certificate.status_index), f"{base}/suspension/"),
    ]


def test_suspension_and_revocation_flip_the_certificates_bits(world: World, client: Client):
    member_certificate(world.society)
    certificate = member_certificate(world.society, holder=world.applicant)
    entries = {e["statusPurpose"]: e for e in download(world, certificate.number)["credentialStatus"]}
    index = int(entries["revocation"]["statusListIndex"])
    revocation, suspension = (
        entries["revocation"]["statusListCredential"],
        entries["suspension"]["statusListCredential"],
    )
    assert (status_bit(client, revocation, index), status_bit(client, suspension, index)) == (False, False)

    certificate_suspend(certificate=certificate, reason="Complaint under review.", by=world.staff)
    assert (status_bit(client, revocation, index), status_bit(client, suspension, index)) == (False, True)
    assert status_bit(client, suspension, index - 1) is False

    certificate_revoke(certificate=certificate, reason="Complaint upheld.", by=world.staff)
    assert (status_bit(client, revocation, index), status_bit(client, suspension, index)) == (True, False)


def test_the_status_list_is_a_signed_bitstring_status_list_credential(world: World, client: Client):
    response = client.get(reverse("certificates:status_list", args=[world.society.code, "revocation"]))
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"]["type"] == "BitstringStatusList"
    assert document["credentialSubject"]["statusPurpose"] == "revocation"
    assert document["issuer"] == f"{settings.SITE_URL.rstrip('/')}/credentials/issuers/{world.society.code}/"
    assert response["Cache-Control"] == "no-cache, max-age=0"


def test_an_unknown_purpose_or_society_has_no_status_list(world: World, client: Client):
    assert client.get(f"/credentials/status/{world.society.code}/expiry/").status_code == 404
    assert client.get("/credentials/status/nosuch/revocation/").status_code == 404


def test_the_issuer_profile_resolves_with_its_key(world: World, client: Client):
    material = signing_material_for(world.society.code)
    profile = client.get(reverse("certificates:issuer", args=[world.society.code])).json()
    assert profile["type"] == ["Profile"]
    assert [m["id"].rsplit("#", 1)[1] for m in profile["verificationMethod"]] == [material.key_id]


def test_only_the_holder_downloads_the_credential(world: World, client: Client):
    certificate = member_certificate(world.society, holder=world.applicant)
    url = reverse("certificates:credential", args=[certificate.number])
    assert world.client_for(world.other_applicant).get(url).status_code == 404
    assert world.client_for(world.staff).get(url).status_code == 404
    response = client.get(url)
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login"))


def test_our_jcs_matches_the_rfc_8785_examples():
    # RFC 8785 §3.2.3: members sorted by UTF-16 code units (U+1F600 sorts before U+FB33).
    value = {"\ufb33": 1, "\U0001f600": 2, "\r": 3, "1": 4, "\u0080": 5, "\u00f6": 6, "\u20ac": 7}
    expected = '{"\\r":3,"1":4,"\u0080":5,"\u00f6":6,"\u20ac":7,"\U0001f600":2,"\ufb33":1}'
    assert jcs(value) == expected.encode("utf-8")
    assert (
        jcs({"b": [1, "é", None, True], "a": "\u2028\x1f"})
        == '{"a":"\u2028\\u001f","b":[1,"é",null,true]}'.encode()
    )


def test_a_revoked_certificate_can_still_be_downloaded_and_says_so_through_its_status(
    world: World, client: Client
):
    certificate = member_certificate(world.society, holder=world.applicant, status=CertificateStatus.REVOKED)
    entries = download(world, certificate.number)["credentialStatus"]
    assert status_bit(client, entries[0]["statusListCredential"], certificate.status_index) is True
