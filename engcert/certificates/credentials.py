"""A member's certificate as a W3C Verifiable Credential (VC Data Model 2.0) in the Open Badges
3.0 model, and the society's status lists that say whether it was revoked or suspended.

- The credential is an `OpenBadgeCredential`: the issuer is the society's `Profile`, the
  subject an `AchievementSubject` (the certificate number as its licence number, the holder's
  name) whose `Achievement` is the grade in the professional field; `validFrom`/`validUntil`
  are the certificate's validity.
- It is signed with the society's Ed25519 key (the same key as the QR payload) as a Data
  Integrity proof with the `eddsa-jcs-2022` cryptosuite: the document and the proof options are
  each canonicalised by JCS (RFC 8785) and hashed with SHA-256; the signature over the two
  hashes is the `proofValue`, multibase base58btc. The `verificationMethod` is the key's entry
  in the published key document (/verify/keys.json, also listed on /verify/keys/).
- `credentialStatus` holds two `BitstringStatusListEntry` items (purposes `revocation` and
  `suspension`) at the certificate's `status_index`; the lists are served, signed the same way,
  at /credentials/status/<society>/<purpose>/ and are computed from the register on each
  request, so a change shows at once.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import math
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from engcert.certificates.enums import CertificateStatus
from engcert.certificates.keys import PublicKey, SigningMaterial, published_keys, signing_material_for
from engcert.certificates.models import Certificate
from engcert.organisations.models import Organisation

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"
STATUS_PURPOSES = ("revocation", "suspension")
# The purpose's bit is set for certificates in this status.
PURPOSE_STATUS = {"revocation": CertificateStatus.REVOKED, "suspension": CertificateStatus.SUSPENDED}
# The specification's minimum list length (16 KiB), so a list does not reveal how many
# certificates a society has issued.
MIN_STATUS_BITS = 131_072
# Multicodec prefix of an Ed25519 public key (0xed, varint-encoded) for publicKeyMultibase.
ED25519_MULTICODEC = b"\xed\x01"
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class CredentialError(ValueError):
    """A credential or its proof is malformed or does not verify."""


# --- Encodings -----------------------------------------------------------------------------


def jcs(value: Any) -> bytes:
    """The JSON Canonicalization Scheme (RFC 8785) of a JSON value, as UTF-8 bytes. Object
    members are sorted by the UTF-16 code units of their names; strings are escaped as
    ECMAScript's JSON.stringify does. Only integral numbers occur in our documents."""
    return _jcs(value).encode("utf-8")


def _jcs(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value) or abs(value) >= 2**53:
            raise CredentialError("only integral numbers are canonicalised here")
        return str(int(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        if any(not isinstance(key, str) for key in value):
            raise CredentialError("object member names must be strings")
        items = sorted(value.items(), key=lambda item: item[0].encode("utf-16-be"))
        return "{" + ",".join(f"{_jcs(key)}:{_jcs(item)}" for key, item in items) + "}"
    raise CredentialError(f"{type(value).__name__} is not JSON")


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = BASE58_ALPHABET[remainder] + encoded
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + encoded


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = BASE58_ALPHABET.find(char)
        if index < 0:
            raise CredentialError("not base58btc")
        number = number * 58 + index
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading + body


def public_key_multibase(key: PublicKey) -> str:
    """The key as a Multikey's publicKeyMultibase: 'z' + base58btc(0xed01 + raw key)."""
    raw = base64.urlsafe_b64decode(key.raw_b64url + "=" * (-len(key.raw_b64url) % 4))
    return "z" + base58btc_encode(ED25519_MULTICODEC + raw)


# --- Addresses -----------------------------------------------------------------------------


def _site() -> str:
    return str(settings.SITE_URL).rstrip("/")


def key_document_url() -> str:
    return _site() + reverse("certificates:keys_json")


def verification_method_id(key_id: str) -> str:
    return f"{key_document_url()}#{key_id}"


def issuer_id(society: Organisation) -> str:
    return _site() + reverse("certificates:issuer", args=[society.code])


def status_list_url(society: Organisation, purpose: str) -> str:
    return _site() + reverse("certificates:status_list", args=[society.code, purpose])


def key_document() -> dict[str, Any]:
    """Every published key as a Multikey verification method (the controller document the
    proofs' verificationMethod points into), with the PEM and raw forms for other tools."""
    keys = published_keys()
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": key_document_url(),
        "verificationMethod": [
            {
                "id": verification_method_id(key.key_id),
                "type": "Multikey",
                "controller": key_document_url(),
                "publicKeyMultibase": public_key_multibase(key),
                "society": key.society_code,
                "publicKeyPem": key.pem,
                "publicKeyRawBase64url": key.raw_b64url,
            }
            for key in keys
        ],
        "assertionMethod": [verification_method_id(key.key_id) for key in keys],
    }


# --- Proofs --------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_start(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def _day_end(day: date) -> str:
    return f"{day.isoformat()}T23:59:59+08:00"


def _hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    return hashlib.sha256(jcs(proof_options)).digest() + hashlib.sha256(jcs(document)).digest()


def proof_add(document: dict[str, Any], *, material: SigningMaterial, created: datetime) -> dict[str, Any]:
    """The document with an eddsa-jcs-2022 DataIntegrityProof made with the society's key."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _iso(created),
        "verificationMethod": verification_method_id(material.key_id),
        "proofPurpose": "assertionMethod",
    }
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    signature = material.ed25519_key.sign(_hash_data(unsecured, options))
    proof = {key: value for key, value in options.items() if key != "@context"}
    proof["proofValue"] = "z" + base58btc_encode(signature)
    return {**unsecured, "proof": proof}


def proof_verify(secured: dict[str, Any]) -> PublicKey:
    """Check a document's eddsa-jcs-2022 proof against the published keys; returns the key."""
    from cryptography.exceptions import InvalidSignature

    proof = secured.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        raise CredentialError("no eddsa-jcs-2022 proof")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise CredentialError("proofValue is not multibase base58btc")
    method = str(proof.get("verificationMethod", ""))
    key = next((k for k in published_keys() if verification_method_id(k.key_id) == method), None)
    if key is None:
        raise CredentialError("the verification method is not a published key")
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    try:
        key.key.verify(base58btc_decode(value[1:]), _hash_data(unsecured, options))
    except InvalidSignature as error:
        raise CredentialError("the signature does not match the document") from error
    return key


# --- The credential ------------------------------------------------------------------------


def _issuer_profile(society: Organisation) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "id": issuer_id(society),
        "type": ["Profile"],
        "name": society.name,
        "url": _site() + reverse("certificates:verify"),
    }
    if society.name_en:
        profile["description"] = society.name_en
    return profile


def credential_build(*, certificate: Certificate, now: datetime | None = None) -> dict[str, Any]:
    """The signed OpenBadgeCredential of a certificate."""
    society = certificate.society
    grade = certificate.grade
    discipline = certificate.discipline
    verify_url = _site() + reverse("certificates:verify_number", args=[certificate.number])
    grade_name = grade.name + (f" ({grade.name_en})" if grade.name_en else "")
    achievement: dict[str, Any] = {
        "id": f"{issuer_id(society)}achievements/{grade.code}/"
        + (f"{discipline.code}/" if discipline is not None else ""),
        "type": ["Achievement"],
        "achievementType": "License",
        "name": grade_name,
        "description": f"{society.name}: {grade_name}",
        "criteria": {
            "narrative": (
                "Evaluated and registered under the engineering-competency framework of the "
                "society and the alliance, with a professional field and a period of validity."
            )
        },
        "creator": {"id": issuer_id(society), "type": ["Profile"], "name": society.name},
    }
    if discipline is not None:
        achievement["fieldOfStudy"] = discipline.name + (
            f" ({discipline.name_en})" if discipline.name_en else ""
        )
    names = [certificate.full_name] + ([certificate.full_name_en] if certificate.full_name_en else [])
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "licenseNumber": certificate.number,
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": " / ".join(names),
            }
        ],
        "achievement": achievement,
    }
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{grade_name} — {certificate.number}",
        "issuer": _issuer_profile(society),
        "validFrom": _day_start(certificate.valid_from),
        "validUntil": _day_end(certificate.valid_until),
        "credentialSubject": subject,
        "credentialStatus": [
            {
                "id": f"{status_list_url(society, purpose)}#{certificate.status_index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": str(certificate.status_index),
                "statusListCredential": status_list_url(society, purpose),
            }
            for purpose in STATUS_PURPOSES
        ],
    }
    material = signing_material_for(society.code, society.name)
    return proof_add(document, material=material, created=now or timezone.now())


# --- Status lists --------------------------------------------------------------------------


def bitstring_encode(indexes: list[int], *, length: int = MIN_STATUS_BITS) -> str:
    """The bits at `indexes` set (index 0 is the first byte's most significant bit), GZIP
    compressed, multibase base64url without padding ('u' prefix)."""
    size = max(length, (max(indexes, default=0) // 8 + 1) * 8)
    size = ((size + MIN_STATUS_BITS - 1) // MIN_STATUS_BITS) * MIN_STATUS_BITS
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def bitstring_decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise CredentialError("encodedList is not multibase base64url")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_build(*, society: Organisation, purpose: str, now: datetime | None = None) -> dict[str, Any]:
    """The society's signed BitstringStatusListCredential for one purpose, from the register now."""
    if purpose not in PURPOSE_STATUS:
        raise CredentialError(f"unknown status purpose {purpose!r}")
    indexes = list(
        Certificate.objects.filter(society=society, status=PURPOSE_STATUS[purpose]).values_list(
            "status_index", flat=True
        )
    )
    moment = now or timezone.now()
    url = status_list_url(society, purpose)
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(society),
        "validFrom": _iso(moment),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bitstring_encode(indexes),
        },
    }
    material = signing_material_for(society.code, society.name)
    return proof_add(document, material=material, created=moment)


def issuer_profile_document(society: Organisation) -> dict[str, Any]:
    """The society's issuer Profile as published at its id, with its keys."""
    profile = _issuer_profile(society)
    keys = [key for key in published_keys() if key.society_code == society.code.upper()]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        **profile,
        "verificationMethod": [
            {
                "id": verification_method_id(key.key_id),
                "type": "Multikey",
                "controller": key_document_url(),
                "publicKeyMultibase": public_key_multibase(key),
            }
            for key in keys
        ],
    }
