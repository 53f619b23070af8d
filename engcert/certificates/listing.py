"""The public register: what each member agreed to publish, and searching it.

PIPL: a member appears only with their consent (`RegisterListing.listed`), and only the fields
they chose are shown *and searched*: a member who hides their unit is not found by unit, one who
hides their English name is not found by it. Each member appears once, with their latest
certificate; revoked certificates are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate, RegisterListing
from engcert.registration.models import Registration

PAGE_SIZE = 25
MAX_QUERY_CHARS = 100


@dataclass(frozen=True)
class RegisterQuery:
    """A search of the register; empty values do not filter."""

    text: str = ""  # name or certificate number
    unit: str = ""  # part of the unit's name
    discipline: int | None = None
    grade: str = ""  # grade code
    society: str = ""  # society code

    @property
    def empty(self) -> bool:
        return not (self.text or self.unit or self.discipline or self.grade or self.society)


def register_entries(*, query: RegisterQuery) -> QuerySet[Certificate]:
    """Listed members' latest certificates matching the query, with what the register shows."""
    newer = Certificate.objects.filter(registration=OuterRef("registration"), term__gt=OuterRef("term"))
    entries = (
        Certificate.objects.filter(registration__listing__listed=True)
        .exclude(status=CertificateStatus.REVOKED)
        .exclude(Exists(newer))
        .select_related("society", "grade", "discipline", "registration__unit", "registration__listing")
        .only(
            "number",
            "full_name",
            "full_name_en",
            "valid_from",
            "valid_until",
            "status",
            "society__code",
            "society__name",
            "society__name_en",
            "grade__code",
            "grade__name",
            "grade__name_en",
            "discipline__name",
            "discipline__name_en",
            "registration__unit__name",
            "registration__unit__name_en",
            "registration__listing__show_unit",
            "registration__listing__show_discipline",
            "registration__listing__show_name_en",
        )
        .order_by("full_name", "number")
    )
    text = query.text.strip()[:MAX_QUERY_CHARS]
    if text:
        entries = entries.filter(
            Q(full_name__icontains=text)
            | Q(number__iexact=text)
            | Q(full_name_en__icontains=text, registration__listing__show_name_en=True)
        )
    unit = query.unit.strip()[:MAX_QUERY_CHARS]
    if unit:
        entries = entries.filter(
            Q(registration__unit__name__icontains=unit) | Q(registration__unit__name_en__icontains=unit),
            registration__listing__show_unit=True,
        )
    if query.discipline:
        entries = entries.filter(
            Q(discipline_id=query.discipline) | Q(discipline__parent_id=query.discipline),
            registration__listing__show_discipline=True,
        )
    if query.grade:
        entries = entries.filter(grade__code=query.grade)
    if query.society:
        entries = entries.filter(society__code=query.society)
    return entries


@dataclass(frozen=True)
class RegisterRow:
    """One member as the register shows them: hidden fields are empty."""

    number: str
    name: str
    name_en: str
    grade: str
    grade_code: str
    discipline: str
    unit: str
    society: str
    society_code: str
    valid_until: str
    status: str
    status_label: str


def register_row(certificate: Certificate) -> RegisterRow:
    listing = certificate.registration.listing
    unit = certificate.registration.unit
    status = certificate.effective_status()
    return RegisterRow(
        number=certificate.number,
        name=certificate.full_name,
        name_en=certificate.full_name_en if listing.show_name_en else "",
        grade=certificate.grade.display_name,
        grade_code=certificate.grade.code,
        discipline=(
            certificate.discipline.display_name
            if listing.show_discipline and certificate.discipline is not None
            else ""
        ),
        unit=unit.display_name if listing.show_unit and unit is not None else "",
        society=certificate.society.display_name,
        society_code=certificate.society.code,
        valid_until=certificate.valid_until.isoformat(),
        status=str(status),
        status_label=str(status.label),
    )


# --- The member's consent ------------------------------------------------------------------


def member_registrations(*, user: User) -> list[Registration]:
    """The registrations whose account is this user, with their listing (if any)."""
    return list(
        Registration.objects.filter(holder=user)
        .select_related("society", "grade", "unit", "listing")
        .order_by("registered_at", "pk")
    )


def listing_for(registration: Registration) -> RegisterListing:
    """The registration's listing, or an unsaved default one (not listed)."""
    try:
        return registration.listing
    except RegisterListing.DoesNotExist:
        return RegisterListing(registration=registration)


def register_listing_update(
    *,
    registration: Registration,
    listed: bool,
    show_unit: bool,
    show_discipline: bool,
    show_name_en: bool,
    by: User,
) -> RegisterListing:
    """Record what the member agrees to publish; the change is audited (it is their consent)."""
    if registration.holder_id != by.pk:
        raise PermissionError("only the member decides what the register shows of them")
    with transaction.atomic():
        listing, _created = RegisterListing.objects.select_for_update().get_or_create(
            registration=registration
        )
        values = {
            "listed": listed,
            "show_unit": show_unit,
            "show_discipline": show_discipline,
            "show_name_en": show_name_en,
        }
        changed = {name: value for name, value in values.items() if getattr(listing, name) != value}
        if not changed and not _created:
            return listing
        for name, value in values.items():
            setattr(listing, name, value)
        listing.save()
        audit_event_append(
            actor=by,
            action="certificates.listing_changed",
            subject=listing,
            data={"member_number": registration.member_number, **values},
        )
    return listing
