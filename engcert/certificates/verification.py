"""Checking a certificate in public: by its number, and the signed payload of its QR code.

The public may look up any number, so lookups are counted per client address (unknown numbers
count tenfold, as guessing numbers produces mostly unknown ones) and the answer for an unknown
number says nothing beyond that. A lookup is one indexed query and writes nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate
from engcert.certificates.payload import CLAIM_KEYS, MAX_TOKEN_CHARS, PayloadError, payload_verify
from engcert.notices.throttle import client_ip

WINDOW_SECONDS = 60
DEFAULT_LOOKUPS_PER_MINUTE = 60
# Guessing numbers finds mostly unknown ones: each costs as much as ten real lookups.
UNKNOWN_WEIGHT = 10
MAX_NUMBER_CHARS = 60


def certificate_public_get(*, number: str) -> Certificate | None:
    """The certificate with this number, with what the public page shows; one indexed query."""
    number = (number or "").strip()
    if not number or len(number) > MAX_NUMBER_CHARS:
        return None
    return (
        Certificate.objects.filter(number=number)
        .select_related("society", "grade", "discipline")
        .only(
            "number",
            "full_name",
            "full_name_en",
            "valid_from",
            "valid_until",
            "status",
            "status_reason",
            "status_changed_at",
            "status_index",
            "qr_token",
            "key_id",
            "society__code",
            "society__name",
            "society__name_en",
            "grade__code",
            "grade__name",
            "grade__name_en",
            "discipline__name",
            "discipline__name_en",
        )
        .first()
    )


# --- Throttling ----------------------------------------------------------------------------


def lookups_per_minute() -> int:
    return int(getattr(settings, "ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE", DEFAULT_LOOKUPS_PER_MINUTE))


def _throttle_key(request: HttpRequest) -> str:
    window = int(time.time() // WINDOW_SECONDS)
    address = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return f"certificates:verify:{address}:{window}"


def verify_throttled(request: HttpRequest) -> bool:
    """True when this address has used up the minute's lookups (checked before looking up)."""
    count = cache.get(_throttle_key(request))
    return isinstance(count, int) and count >= lookups_per_minute()


def verify_count(request: HttpRequest, *, found: bool) -> None:
    """Count one lookup from this address: one for a known number, ten for an unknown one."""
    key = _throttle_key(request)
    weight = 1 if found else UNKNOWN_WEIGHT
    if cache.add(key, weight, timeout=WINDOW_SECONDS * 2):
        return
    try:
        cache.incr(key, weight)
    except ValueError:
        # The window's entry expired between the two calls: this lookup starts it again.
        cache.set(key, weight, timeout=WINDOW_SECONDS * 2)


def retry_after_seconds() -> int:
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS


# --- What the page and the API say -------------------------------------------------------


@dataclass(frozen=True)
class PayloadCheck:
    """What the QR code's signed data says about the certificate on record."""

    genuine: bool
    matches: bool
    message: str
    mismatched: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.genuine and self.matches


def certificate_claims(certificate: Certificate) -> dict[str, str]:
    """The claims engcert signs into the QR payload, as the register holds them now."""
    return {
        "n": certificate.number,
        "nm": certificate.full_name,
        "g": certificate.grade.code,
        "d": certificate.discipline.name if certificate.discipline else "",
        "s": certificate.society.code.upper(),
        "vf": certificate.valid_from.isoformat(),
        "vu": certificate.valid_until.isoformat(),
    }


def _claim_label(key: str) -> str:
    labels = {
        "n": _("certificate number"),
        "nm": _("name"),
        "g": _("grade"),
        "d": _("professional field"),
        "s": _("society"),
        "vf": _("valid from"),
        "vu": _("valid until"),
    }
    return labels[key]


def payload_check(*, token: str, certificate: Certificate) -> PayloadCheck:
    """Check the QR code's token and compare what it says with the certificate on record."""
    if len(token) > MAX_TOKEN_CHARS:
        return PayloadCheck(False, False, _("The QR code's data is damaged."))
    try:
        verified = payload_verify(token)
    except PayloadError as error:
        return PayloadCheck(False, False, str(error))
    on_record = certificate_claims(certificate)
    mismatched = tuple(key for key in CLAIM_KEYS if verified.claims[key] != on_record[key])
    if verified.society_code != on_record["s"]:
        mismatched = (*mismatched, "s") if "s" not in mismatched else mismatched
    if mismatched:
        fields = ", ".join(_claim_label(key) for key in mismatched)
        return PayloadCheck(
            True,
            False,
            _(
                "The QR code was signed by a society of engcert, but it does not match this "
                "certificate in the register (different: %(fields)s)."
            )
            % {"fields": fields},
            mismatched,
        )
    return PayloadCheck(
        True, True, _("The QR code is genuine: signed by the society, and it matches the register.")
    )


def status_sentence(certificate: Certificate, *, today: date | None = None) -> str:
    """The status in plain words, as the page's headline says it."""
    status = certificate.effective_status(today or timezone.localdate())
    changed = certificate.status_changed_at
    changed_on = timezone.localtime(changed).date().isoformat() if changed else ""
    if status == CertificateStatus.VALID:
        return _("This certificate is valid until %(date)s.") % {"date": certificate.valid_until.isoformat()}
    if status == CertificateStatus.EXPIRED:
        return _("This certificate expired on %(date)s: it is no longer valid.") % {
            "date": certificate.valid_until.isoformat()
        }
    if status == CertificateStatus.SUSPENDED:
        if changed_on:
            return _("This certificate was suspended on %(date)s: it is not valid while suspended.") % {
                "date": changed_on
            }
        return _("This certificate is suspended: it is not valid while suspended.")
    if changed_on:
        return _("This certificate was revoked on %(date)s: it is no longer valid.") % {"date": changed_on}
    return _("This certificate was revoked: it is no longer valid.")
