"""The signed payload in a certificate's QR code.

It is a JSON Web Signature in compact form (RFC 7515) with the EdDSA algorithm (RFC 8037):
`BASE64URL(header) . BASE64URL(claims) . BASE64URL(Ed25519 signature)`, where the header is
`{"alg":"EdDSA","kid":<key id>}` and the claims are short keys:

    n   certificate number        nm  name as printed           g   grade code (AE, PE, SPE)
    d   professional field        s   society code              vf  valid from (YYYY-MM-DD)
    vu  valid until (YYYY-MM-DD)

Anyone can check it offline with the society's public key from /verify/keys/ and any JOSE
library, or by hand as docs/verifying-certificates.md shows. The QR code carries it as the
`p` parameter of the verification URL, so a phone opens the page, and the page checks it too.
The payload proves what the society signed; whether the certificate is still valid today
(not suspended, revoked or expired) only the verification page can say.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.utils.translation import gettext as _

from engcert.certificates.keys import SigningMaterial, public_key_by_id

if TYPE_CHECKING:
    from engcert.certificates.models import Certificate

ALGORITHM = "EdDSA"
CLAIM_KEYS = ("n", "nm", "g", "d", "s", "vf", "vu")
# The public verification page of one certificate (certificates/urls_public.py serves it).
VERIFY_PATH = "/verify/{number}/"
# A QR code of a sensible size holds far less; anything longer is not ours.
MAX_TOKEN_CHARS = 2000


class PayloadError(ValueError):
    """The payload is not one engcert signed, or was changed; the message is for people."""


@dataclass(frozen=True)
class VerifiedPayload:
    claims: dict[str, str]
    key_id: str
    society_code: str

    @property
    def number(self) -> str:
        return self.claims["n"]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    if not text or any(
        c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text
    ):
        raise PayloadError(_("The QR code's data is damaged."))
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise PayloadError(_("The QR code's data is damaged.")) from error


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def payload_claims(
    *,
    number: str,
    full_name: str,
    grade_code: str,
    discipline_name: str,
    society_code: str,
    valid_from: date,
    valid_until: date,
) -> dict[str, str]:
    """The claims of one certificate, in the one shape that is signed and compared."""
    return {
        "n": number,
        "nm": full_name,
        "g": grade_code,
        "d": discipline_name,
        "s": society_code.upper(),
        "vf": valid_from.isoformat(),
        "vu": valid_until.isoformat(),
    }


def certificate_claims(certificate: Certificate) -> dict[str, str]:
    """The claims engcert signs into a certificate's QR payload, as the register holds them."""
    return payload_claims(
        number=certificate.number,
        full_name=certificate.full_name,
        grade_code=certificate.grade.code,
        discipline_name=certificate.discipline.name if certificate.discipline else "",
        society_code=certificate.society.code,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
    )


def payload_sign(*, claims: dict[str, str], material: SigningMaterial) -> str:
    """Sign the claims with the society's Ed25519 key; returns the compact token."""
    missing = [key for key in CLAIM_KEYS if key not in claims]
    if missing:
        raise ValueError(f"claims lack {missing}")
    header = _b64url(_canonical({"alg": ALGORITHM, "kid": material.key_id}))
    body = _b64url(_canonical({key: str(claims[key]) for key in CLAIM_KEYS}))
    signing_input = f"{header}.{body}".encode("ascii")
    return f"{header}.{body}.{_b64url(material.ed25519_key.sign(signing_input))}"


def payload_verify(token: str) -> VerifiedPayload:
    """Check a token's signature against the published keys; raises PayloadError if it is
    malformed, signed by a key engcert does not know, or changed after signing."""
    token = (token or "").strip()
    if len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        raise PayloadError(_("The QR code's data is damaged."))
    header_part, body_part, signature_part = token.split(".")
    try:
        header = json.loads(_b64url_decode(header_part))
        claims = json.loads(_b64url_decode(body_part))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PayloadError(_("The QR code's data is damaged.")) from error
    if (
        not isinstance(header, dict)
        or header.get("alg") != ALGORITHM
        or not isinstance(header.get("kid"), str)
    ):
        raise PayloadError(_("The QR code's data is damaged."))
    if not isinstance(claims, dict) or any(not isinstance(claims.get(key), str) for key in CLAIM_KEYS):
        raise PayloadError(_("The QR code's data is damaged."))
    key = public_key_by_id(header["kid"])
    if key is None:
        raise PayloadError(_("The QR code was signed with a key no society of engcert publishes."))
    try:
        key.key.verify(_b64url_decode(signature_part), f"{header_part}.{body_part}".encode("ascii"))
    except InvalidSignature as error:
        raise PayloadError(
            _("The QR code's signature does not match its data: the data was changed after signing.")
        ) from error
    return VerifiedPayload(
        claims={key_name: claims[key_name] for key_name in CLAIM_KEYS},
        key_id=key.key_id,
        society_code=key.society_code,
    )


def verification_url(number: str, token: str = "") -> str:
    """The absolute address the QR code opens: the verification page, with the payload."""
    path = VERIFY_PATH.format(number=quote(number, safe=""))
    query = f"?{urlencode({'p': token})}" if token else ""
    return f"{settings.SITE_URL.rstrip('/')}{path}{query}"
