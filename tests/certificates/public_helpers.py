"""Certificates made directly (without rendering a PDF) for the verification, register,
credential and status tests: a registration and a certificate with a genuine signed QR payload."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.utils import timezone

from engcert.accounts.models import User
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.keys import signing_material_for
from engcert.certificates.models import Certificate, RegisterListing
from engcert.certificates.payload import certificate_claims, payload_sign
from engcert.frameworks.models import Grade
from engcert.organisations.models import Discipline, Organisation
from engcert.registration.models import Registration

_serial = itertools.count(1)


def member_registration(
    society: Organisation,
    *,
    name: str = "王伟",
    name_en: str = "Wang Wei",
    holder: User | None = None,
    unit: Organisation | None = None,
    grade_code: str = "PE",
    discipline_code: str | None = None,
    serial: int | None = None,
) -> Registration:
    """A registered member of `society`, made directly (no evaluation), ready for a certificate."""
    serial = serial if serial is not None else next(_serial)
    grade = Grade.objects.filter(code=grade_code).order_by("-pk").first()
    assert grade is not None
    discipline = (
        Discipline.objects.get(society=society, code=discipline_code)
        if discipline_code
        else Discipline.objects.filter(society=society, parent__isnull=False).order_by("pk").first()
    )
    return Registration.objects.create(
        member_number=f"M-{society.code}-{serial:05d}",
        holder=holder,
        full_name=name,
        full_name_en=name_en,
        email=holder.email if holder is not None else f"member{serial}@example.com",
        unit=unit,
        society=society,
        grade=grade,
        discipline=discipline,
        registered_at=timezone.now(),
    )


def member_certificate(
    society: Organisation,
    *,
    name: str = "王伟",
    name_en: str = "Wang Wei",
    holder: User | None = None,
    unit: Organisation | None = None,
    grade_code: str = "PE",
    discipline_code: str | None = None,
    number: str | None = None,
    status: CertificateStatus = CertificateStatus.VALID,
    valid_from: date | None = None,
    valid_until: date | None = None,
    reason: str = "",
) -> Certificate:
    serial = next(_serial)
    registration = member_registration(
        society,
        name=name,
        name_en=name_en,
        holder=holder,
        unit=unit,
        grade_code=grade_code,
        discipline_code=discipline_code,
        serial=serial,
    )
    grade = registration.grade
    discipline = registration.discipline
    start = valid_from or timezone.localdate() - timedelta(days=30)
    certificate = Certificate(
        number=number or f"{society.code.upper()}-2026-T{serial:07d}X",
        society=society,
        registration=registration,
        full_name=name,
        full_name_en=name_en,
        grade=grade,
        discipline=discipline,
        valid_from=start,
        valid_until=valid_until or start + timedelta(days=5 * 365),
        status=status,
        status_reason=reason,
        status_changed_at=timezone.now() if status != CertificateStatus.VALID else None,
        status_index=Certificate.objects.filter(society=society).count(),
        issued_at=timezone.now(),
    )
    material = signing_material_for(society.code, society.name)
    certificate.key_id = material.key_id
    certificate.qr_token = payload_sign(claims=certificate_claims(certificate), material=material)
    certificate.save()
    return certificate


def listed(
    certificate: Certificate,
    *,
    show_unit: bool = False,
    show_discipline: bool = True,
    show_name_en: bool = False,
) -> RegisterListing:
    return RegisterListing.objects.create(
        registration=certificate.registration,
        listed=True,
        show_unit=show_unit,
        show_discipline=show_discipline,
        show_name_en=show_name_en,
    )
