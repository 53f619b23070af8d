"""Registered members with certificates, made directly as rows (the way members registered
before the platform are), for the CPD and re-registration tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.enums import CpdActivityType
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate
from engcert.cpd.models import CpdActivity
from engcert.cpd.years import add_years
from engcert.demo import builders
from engcert.frameworks.models import Grade
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration
from tests.conftest import PASSWORD

_numbers = count(1)


def member_create(
    *,
    society: Organisation,
    holder: User | None,
    name: str,
    valid_from: date,
    unit: Organisation | None = None,
    status: CertificateStatus = CertificateStatus.VALID,
    years: int = 5,
    number: str | None = None,
) -> Registration:
    """A registration with a first-term certificate valid for `years` years from `valid_from`."""
    n = next(_numbers)
    registration = Registration.objects.create(
        member_number=number or f"CEA2024{society.code.upper()}{n:06d}",
        holder=holder,
        full_name=name,
        email=holder.email if holder else f"member{n}@example.com",
        unit=unit,
        society=society,
        grade=Grade.objects.filter(code="PE").order_by("-pk").first(),  # type: ignore[misc]
        registered_at=timezone.make_aware(datetime.combine(valid_from, time(10))),
        imported=holder is None,
    )
    certificate_add(registration=registration, valid_from=valid_from, years=years, status=status, term=1)
    return registration


def certificate_add(
    *,
    registration: Registration,
    valid_from: date,
    years: int = 5,
    status: CertificateStatus = CertificateStatus.VALID,
    term: int = 1,
) -> Certificate:
    n = next(_numbers)
    return Certificate.objects.create(
        number=f"{registration.society.code.upper()}-T{n:08d}",
        society=registration.society,
        registration=registration,
        term=term,
        full_name=registration.full_name,
        grade=registration.grade,
        valid_from=valid_from,
        valid_until=add_years(valid_from, years) - timedelta(days=1),
        status=status,
        status_index=n,
        issued_at=timezone.now(),
    )


def activity_add(
    registration: Registration,
    *,
    on: date,
    hours: str,
    kind: CpdActivityType = CpdActivityType.TRAINING,
    title: str = "继电保护新技术培训",
) -> CpdActivity:
    return CpdActivity.objects.create(
        registration=registration, activity_type=kind, date=on, hours=Decimal(hours), title=title
    )


def member_user(email: str, name: str) -> User:
    return builders.user_create(email=email, password=PASSWORD, full_name=name)
