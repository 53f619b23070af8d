"""Reads of CPD: a member's registrations and terms, their progress, and the society's
compliance list (a fixed number of queries however many members it holds)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from engcert.accounts.models import User
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate
from engcert.cpd.enums import AuditOutcome
from engcert.cpd.models import AuditDraw, AuditSelection, CpdActivity, CpdRule
from engcert.cpd.years import (
    Hours,
    YearProgress,
    add_years,
    year_bounds,
    year_count,
    year_number_on,
    years_of_term,
)
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration


def cpd_rule_get(*, society: Organisation) -> CpdRule:
    """The society's rule, made with the defaults (40 hours a year, 5 % audited) on first use."""
    rule, _created = CpdRule.objects.select_related("society").get_or_create(society=society)
    return rule


def member_registrations(*, user: User) -> list[Registration]:
    """The registrations this person holds (usually one; one per society they are a member of)."""
    if not user.is_authenticated:
        return []
    return list(
        Registration.objects.filter(holder=user)
        .select_related("society", "grade", "discipline", "unit")
        .order_by("registered_at", "pk")
    )


@dataclass(frozen=True)
class Term:
    """The period of registration CPD is counted in: the current certificate's validity, or for
    a member without a certificate yet the default five years from registration."""

    valid_from: date
    valid_until: date
    certificate: Certificate | None


DEFAULT_TERM_YEARS = 5


def term_from(*, registration: Registration, certificates: Sequence[Certificate], today: date) -> Term:
    """The current term among the registration's certificates (a next term that has not begun
    yet does not count), newest term first in `certificates`."""
    ordered = sorted(certificates, key=lambda c: c.term, reverse=True)
    for certificate in ordered:
        if certificate.valid_from <= today:
            return Term(certificate.valid_from, certificate.valid_until, certificate)
    if ordered:
        first = ordered[-1]
        return Term(first.valid_from, first.valid_until, first)
    start = timezone.localdate(registration.registered_at)
    return Term(start, add_years(start, DEFAULT_TERM_YEARS) - timedelta(days=1), None)


def term_current(*, registration: Registration, today: date | None = None) -> Term:
    today = today or timezone.localdate()
    return term_from(
        registration=registration,
        certificates=list(Certificate.objects.filter(registration=registration).order_by("-term")),
        today=today,
    )


@dataclass
class MemberProgress:
    registration: Registration
    rule: CpdRule
    term: Term
    years: list[YearProgress]
    activities: list[CpdActivity]
    audits: list[AuditSelection]

    @property
    def current_year(self) -> YearProgress | None:
        for year in self.years:
            if year.in_progress:
                return year
        return self.years[-1] if self.years else None

    @property
    def term_compliant(self) -> bool:
        """Every registration year of the term so far has its hours (what re-registration asks)."""
        return bool(self.years) and all(year.compliant for year in self.years)


def member_progress(*, registration: Registration, today: date | None = None) -> MemberProgress:
    today = today or timezone.localdate()
    rule = cpd_rule_get(society=registration.society)
    term = term_current(registration=registration, today=today)
    activities = list(CpdActivity.objects.filter(registration=registration).order_by("-date", "-pk"))
    years = years_of_term(
        rule=rule,
        valid_from=term.valid_from,
        valid_until=term.valid_until,
        items=[Hours(a.activity_type, a.date, a.hours) for a in activities],
        today=today,
    )
    audits = list(
        AuditSelection.objects.filter(registration=registration)
        .select_related("draw")
        .order_by("-draw__year")
    )
    return MemberProgress(registration, rule, term, years, activities, audits)


# --- The society's compliance list ------------------------------------------------------------


@dataclass
class ComplianceRow:
    registration: Registration
    certificate: Certificate | None
    year: YearProgress

    @property
    def name(self) -> str:
        return self.registration.full_name or (
            str(self.registration.holder) if self.registration.holder else ""
        )


def _registrations(society: Organisation, query: str) -> QuerySet[Registration]:
    found = Registration.objects.filter(society=society).select_related("unit", "grade", "holder")
    query = query.strip()
    if query:
        found = found.filter(
            Q(full_name__icontains=query)
            | Q(full_name_en__icontains=query)
            | Q(member_number__icontains=query)
            | Q(unit__name__icontains=query)
        )
    return found.order_by("member_number")


def compliance_rows(
    *, society: Organisation, today: date | None = None, query: str = "", compliant: bool | None = None
) -> list[ComplianceRow]:
    """Each member of the society with the hours counted in their current registration year.
    Members whose certificate is revoked or has expired are left out: they are not registered
    now (an expired member who re-registers is reviewed on their re-registration's page)."""
    today = today or timezone.localdate()
    rule = cpd_rule_get(society=society)
    registrations = list(_registrations(society, query))
    by_registration: dict[int, list[Certificate]] = defaultdict(list)
    for certificate in Certificate.objects.filter(registration__in=[r.pk for r in registrations]).order_by(
        "-term"
    ):
        by_registration[certificate.registration_id].append(certificate)
    # A current registration year began within the last year and a day.
    hours: dict[int, list[Hours]] = defaultdict(list)
    for registration_id, activity_type, day, amount in CpdActivity.objects.filter(
        registration__in=[r.pk for r in registrations], date__gte=today - timedelta(days=367)
    ).values_list("registration_id", "activity_type", "date", "hours"):
        hours[registration_id].append(Hours(activity_type, day, amount))
    rows = []
    for registration in registrations:
        term = term_from(
            registration=registration, certificates=by_registration[registration.pk], today=today
        )
        if term.certificate is not None and term.certificate.effective_status(today) in (
            CertificateStatus.REVOKED,
            CertificateStatus.EXPIRED,
        ):
            continue
        number = year_number_on(term.valid_from, min(today, term.valid_until))
        start, end = year_bounds(term.valid_from, number)
        year = year_count(
            rule=rule, number=number, start=start, end=end, items=hours[registration.pk], today=today
        )
        if compliant is not None and year.compliant != compliant:
            continue
        rows.append(ComplianceRow(registration, term.certificate, year))
    return rows


# --- Audit -------------------------------------------------------------------------------------


def audit_draw_list(*, society: Organisation) -> QuerySet[AuditDraw]:
    return AuditDraw.objects.filter(society=society).select_related("drawn_by").order_by("-year")


def audit_selections(*, draw: AuditDraw) -> QuerySet[AuditSelection]:
    return (
        AuditSelection.objects.filter(draw=draw)
        .select_related("registration__unit", "registration__grade", "decided_by")
        .order_by("rank")
    )


def audit_open_count(*, draw: AuditDraw) -> int:
    return draw.selections.exclude(outcome__in=[AuditOutcome.PASSED, AuditOutcome.FAILED]).count()
