"""Referees who are not independent: the applicant themself (same normalised email, or same phone
digits) or an examiner on the application's panel. Shown to staff; nothing is blocked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engcert.applications.models import Application
from engcert.examiners.enums import ACTIVE_SEATS
from engcert.examiners.models import PanelSeat
from engcert.referees.domain.claims import Referee, email_normalise, phone_digits
from engcert.referees.enums import FlagKind


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    detail: str

    @property
    def label(self) -> str:
        return str(self.kind.label)


@dataclass(frozen=True)
class PeopleToAvoid:
    """Who a referee must not be, read once per application."""

    applicant_emails: frozenset[str]
    applicant_phones: frozenset[str]
    examiner_emails: dict[str, str]  # normalised email → the examiner's name


def people_to_avoid(*, application: Application) -> PeopleToAvoid:
    """One query for the panel; the applicant's account is read from the application."""
    seats = PanelSeat.objects.filter(panel__application=application, status__in=ACTIVE_SEATS).select_related(
        "examiner__user"
    )
    examiners = {
        email_normalise(seat.examiner.user.email): str(seat.examiner.user)
        for seat in seats
        if seat.examiner.user.email
    }
    emails = {email_normalise(application.email), email_normalise(application.applicant.email)}
    phone = phone_digits(application.phone)
    return PeopleToAvoid(
        applicant_emails=frozenset(email for email in emails if email),
        applicant_phones=frozenset({phone} if phone else set()),
        examiner_emails=examiners,
    )


def referee_flags(*, referee: Referee, avoid: PeopleToAvoid) -> list[Flag]:
    flags = []
    email = email_normalise(referee.email)
    if email and email in avoid.applicant_emails:
        flags.append(Flag(FlagKind.APPLICANT_EMAIL, email))
    phone = phone_digits(referee.phone)
    if phone and phone in avoid.applicant_phones:
        flags.append(Flag(FlagKind.APPLICANT_PHONE, referee.phone))
    if email and email in avoid.examiner_emails:
        flags.append(Flag(FlagKind.EXAMINER, avoid.examiner_emails[email]))
    return flags


def flags_for(referees: Iterable[Referee], *, avoid: PeopleToAvoid) -> list[list[Flag]]:
    return [referee_flags(referee=referee, avoid=avoid) for referee in referees]
