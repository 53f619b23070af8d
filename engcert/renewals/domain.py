"""Re-registration (再注册) and the scheduled jobs around a certificate's end: reminders before
it, and marking certificates expired after it.

A renewal moves between states only through `renewal_transition` (the one table is
`enums.TRANSITIONS`). The scheduled jobs are safe to run every few minutes on several servers
at once: each certificate is locked or claimed by a unique row before anything is sent.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.models import PledgeText
from engcert.audit.domain import audit_event_append
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate, CertificatePolicy
from engcert.cpd.selectors import MemberProgress, member_progress
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration
from engcert.renewals.enums import HOLDS_CERTIFICATE, TRANSITIONS, Actor, RenewalState
from engcert.renewals.models import Renewal, RenewalReminder
from engcert.tasks_queue import task_enqueue_with_work


class RenewalError(Exception):
    """A step the rules do not allow now; the message is for people."""


def certificate_policy(society: Organisation) -> CertificatePolicy:
    from engcert.certificates.domain import certificate_policy_get

    return certificate_policy_get(society)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_certificate(*, registration: Registration) -> Certificate | None:
    return (
        Certificate.objects.filter(registration=registration)
        .select_related("society", "grade")
        .order_by("-term")
        .first()
    )


def pledge_for(*, society: Organisation) -> PledgeText | None:
    now = timezone.now()
    return (
        PledgeText.objects.filter(society=society, effective_from__lte=now).first()
        or PledgeText.objects.filter(society__isnull=True, effective_from__lte=now).first()
    )


@dataclass
class Eligibility:
    """Whether a member may apply to renew now, and if not, why, in plain words."""

    registration: Registration
    certificate: Certificate | None
    opens_on: date | None
    progress: MemberProgress
    open_renewal: Renewal | None
    problems: list[str] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        return not self.problems


def renewal_eligibility(*, registration: Registration, today: date | None = None) -> Eligibility:
    today = today or timezone.localdate()
    certificate = latest_certificate(registration=registration)
    progress = member_progress(registration=registration, today=today)
    open_renewal = (
        Renewal.objects.filter(registration=registration, state__in=sorted(HOLDS_CERTIFICATE))
        .select_related("certificate", "new_certificate")
        .order_by("-pk")
        .first()
    )
    result = Eligibility(registration, certificate, None, progress, open_renewal)
    if certificate is None:
        result.problems.append(_("You have no certificate yet, so there is nothing to renew."))
        return result
    policy = certificate_policy(registration.society)
    result.opens_on = months_before(certificate.valid_until, policy.renewal_opens_months)
    status = certificate.effective_status(today)
    if status in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        result.problems.append(
            _("Your certificate is %(status)s; it cannot be renewed. Please contact the society.")
            % {"status": status.label.lower()}
        )
    if open_renewal is not None and open_renewal.certificate_id == certificate.pk:
        result.problems.append(_("You have already applied to renew this certificate."))
    if today < result.opens_on:
        result.problems.append(
            _("Re-registration opens on %(date)s, %(months)s months before your certificate ends.")
            % {"date": result.opens_on.isoformat(), "months": policy.renewal_opens_months}
        )
    if not progress.term_compliant:
        result.problems.append(
            _(
                "Your CPD does not yet meet the society's rule for every year of this registration "
                "period; log your activities first."
            )
        )
    return result


@dataclass(frozen=True)
class Declaration:
    unit_name: str
    position: str
    phone: str
    email: str
    typed_name: str
    pledge_agreed: bool


def _check_declaration(*, registration: Registration, declaration: Declaration) -> None:
    for value, label in (
        (declaration.unit_name, _("work unit")),
        (declaration.position, _("department and position")),
        (declaration.phone, _("mobile phone")),
        (declaration.email, _("email")),
    ):
        if not value.strip():
            raise RenewalError(_("Fill in your %(field)s.") % {"field": label})
    if not declaration.pledge_agreed:
        raise RenewalError(_("Agree to the integrity pledge to apply."))
    expected = registration.full_name or (registration.holder.full_name if registration.holder else "")
    if "".join(declaration.typed_name.split()).casefold() != "".join(expected.split()).casefold():
        raise RenewalError(_("Type your name exactly as registered: %(name)s.") % {"name": expected})


def _summary(progress: MemberProgress) -> list[dict[str, Any]]:
    return [
        {
            "year": y.number,
            "start": y.start.isoformat(),
            "end": y.end.isoformat(),
            "counted": str(y.counted),
            "required": str(y.required),
        }
        for y in progress.years
    ]


def renewal_submit(*, registration: Registration, by: User, declaration: Declaration) -> Renewal:
    """Apply to renew the registration's latest certificate, or send a returned renewal again."""
    if registration.holder_id != by.pk:
        raise RenewalError(_("Only the member may apply to renew their registration."))
    _check_declaration(registration=registration, declaration=declaration)
    pledge = pledge_for(society=registration.society)
    if pledge is None:
        raise RenewalError(_("No integrity pledge is in force; please contact the society."))
    returned = Renewal.objects.filter(registration=registration, state=RenewalState.RETURNED).first()
    if returned is not None:
        return _resubmit(renewal=returned, by=by, declaration=declaration, pledge=pledge)
    eligibility = renewal_eligibility(registration=registration)
    if not eligibility.can_apply:
        raise RenewalError(" ".join(eligibility.problems))
    assert eligibility.certificate is not None
    now = timezone.now()
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        try:
            with transaction.atomic():
                renewal = Renewal.objects.create(
                    registration=registration,
                    certificate=eligibility.certificate,
                    state=RenewalState.SUBMITTED,
                    unit_name=declaration.unit_name.strip(),
                    position=declaration.position.strip(),
                    phone=declaration.phone.strip(),
                    email=declaration.email.strip(),
                    pledge=pledge,
                    pledge_typed_name=declaration.typed_name.strip(),
                    pledged_at=now,
                    cpd_summary=_summary(eligibility.progress),
                    submitted_at=now,
                    state_changed_at=now,
                )
        except IntegrityError as error:
            raise RenewalError(_("You have already applied to renew this certificate.")) from error
        audit_event_append(
            actor=by,
            action="renewal.submitted",
            subject=renewal,
            to_state=RenewalState.SUBMITTED,
            data={
                "member": registration.member_number,
                "certificate": eligibility.certificate.number,
                "pledge_version": pledge.version,
                "cpd": renewal.cpd_summary,
            },
        )
        _notify(renewal.pk)
    return renewal


def _resubmit(*, renewal: Renewal, by: User, declaration: Declaration, pledge: PledgeText) -> Renewal:
    progress = member_progress(registration=renewal.registration)
    if not progress.term_compliant:
        raise RenewalError(
            _(
                "Your CPD does not yet meet the society's rule for every year of this registration "
                "period; log your activities first."
            )
        )
    with transaction.atomic():
        locked = Renewal.objects.select_for_update().get(pk=renewal.pk)
        locked.unit_name = declaration.unit_name.strip()
        locked.position = declaration.position.strip()
        locked.phone = declaration.phone.strip()
        locked.email = declaration.email.strip()
        locked.pledge = pledge
        locked.pledge_typed_name = declaration.typed_name.strip()
        locked.pledged_at = timezone.now()
        locked.cpd_summary = _summary(progress)
        locked.save(
            update_fields=[
                "unit_name",
                "position",
                "phone",
                "email",
                "pledge",
                "pledge_typed_name",
                "pledged_at",
                "cpd_summary",
            ]
        )
        return renewal_transition(renewal=locked, to_state=RenewalState.SUBMITTED, by=by)


def _actor_of(renewal: Renewal, by: User) -> set[Actor]:
    actors = set()
    if renewal.registration.holder_id == by.pk:
        actors.add(Actor.MEMBER)
    if by.has_perm("renewals.review_renewals", renewal.registration.society):
        actors.add(Actor.STAFF)
    return actors


def renewal_transition(*, renewal: Renewal, to_state: RenewalState, by: User, reason: str = "") -> Renewal:
    """Move a renewal on: locked, checked against the table and the actor, recorded, audited,
    and the member told after the commit. Approving issues the next certificate term."""
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            Renewal.objects.select_for_update(of=("self",))
            .select_related("registration__society", "certificate")
            .get(pk=renewal.pk)
        )
        if locked.state == to_state:
            return locked
        allowed = TRANSITIONS[RenewalState(locked.state)]
        if to_state not in allowed:
            raise RenewalError(
                _("This re-registration is “%(state)s”; it cannot be changed that way now.")
                % {"state": RenewalState(locked.state).label}
            )
        if allowed[to_state] not in _actor_of(locked, by):
            raise RenewalError(_("You may not make this step."))
        if to_state in (RenewalState.RETURNED, RenewalState.REJECTED) and not reason:
            raise RenewalError(_("Give the member a reason."))
        from_state = locked.state
        now = timezone.now()
        fields = ["state", "state_changed_at"]
        data: dict[str, Any] = {"member": locked.registration.member_number}
        if to_state == RenewalState.APPROVED:
            locked.new_certificate = _issue_next_term(renewal=locked, by=by)
            data["new_certificate"] = locked.new_certificate.number
            fields.append("new_certificate")
        if to_state == RenewalState.SUBMITTED:
            locked.submitted_at = now
            fields.append("submitted_at")
        if Actor.STAFF in _actor_of(locked, by) and to_state != RenewalState.SUBMITTED:
            locked.decided_by = by
            fields.append("decided_by")
        locked.reason = reason if to_state != RenewalState.SUBMITTED else locked.reason
        fields.append("reason")
        locked.state = to_state
        locked.state_changed_at = now
        locked.save(update_fields=fields)
        audit_event_append(
            actor=by,
            action=f"renewal.{to_state}",
            subject=locked,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data,
        )
        _notify(locked.pk)
    return locked


def next_term_start(*, certificate: Certificate, today: date | None = None) -> date:
    """The day after the current term ends, or today when it has already ended."""
    today = today or timezone.localdate()
    return max(certificate.valid_until + timedelta(days=1), today)


def _issue_next_term(*, renewal: Renewal, by: User) -> Certificate:
    from engcert.certificates.domain import CertificateError, certificate_issue_next_term

    try:
        return certificate_issue_next_term(
            registration=renewal.registration,
            by=by,
            valid_from=next_term_start(certificate=renewal.certificate),
        )
    except CertificateError as error:
        raise RenewalError(str(error)) from error


def _notify(renewal_id: int) -> None:
    from engcert.renewals.tasks import renewal_notify

    task_enqueue_with_work(renewal_notify, renewal_id=renewal_id)


# --- Scheduled jobs ------------------------------------------------------------------------------


def reminder_due(*, days_left: int, thresholds: list[int]) -> int | None:
    """The one threshold due with `days_left` days to go: the smallest threshold not below it
    (a run late by weeks still sends only the reminder due now, never the older ones)."""
    due = [t for t in thresholds if t >= days_left]
    return min(due) if due and days_left >= 0 else None


@dataclass
class ReminderReport:
    sent: int = 0
    already: int = 0


def renewal_reminders_send(*, today: date | None = None) -> ReminderReport:
    """Email each member whose current certificate ends in (at most) one of the society's
    reminder days, once per certificate and threshold."""
    today = today or timezone.localdate()
    report = ReminderReport()
    policies = {p.society_id: p for p in CertificatePolicy.objects.all()}
    default_days = CertificatePolicy().reminder_day_list
    widest = max([*default_days, *(d for p in policies.values() for d in p.reminder_day_list)], default=0)
    candidates = (
        Certificate.objects.filter(
            status=CertificateStatus.VALID,
            issued_at__isnull=False,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=widest),
        )
        .select_related("registration__holder")
        .order_by("valid_until", "pk")
    )
    for certificate in candidates:
        policy = policies.get(certificate.society_id)
        thresholds = policy.reminder_day_list if policy is not None else default_days
        due = reminder_due(days_left=(certificate.valid_until - today).days, thresholds=thresholds)
        if due is None:
            continue
        # A member who has a next term, or has applied to renew, needs no reminder.
        if Certificate.objects.filter(
            registration_id=certificate.registration_id, term__gt=certificate.term
        ).exists():
            continue
        if Renewal.objects.filter(certificate=certificate, state__in=sorted(HOLDS_CERTIFICATE)).exists():
            continue
        if _reminder_claim(certificate=certificate, days_before=due):
            report.sent += 1
        else:
            report.already += 1
    return report


def _reminder_claim(*, certificate: Certificate, days_before: int) -> bool:
    """Insert the reminder's row; whoever inserts it sends the email (after the commit)."""
    from engcert.cpd.tasks import member_address

    address, _language = member_address(certificate.registration)
    try:
        with transaction.atomic():
            reminder = RenewalReminder.objects.create(
                certificate=certificate, days_before=days_before, email=address
            )
            audit_event_append(
                actor=None,
                action="renewal.reminder_sent",
                subject=certificate,
                data={"days_before": days_before, "valid_until": certificate.valid_until.isoformat()},
            )
            _send_reminder(reminder.pk)
    except IntegrityError:
        return False
    return True


def _send_reminder(reminder_id: int) -> None:
    from engcert.renewals.tasks import reminder_send

    task_enqueue_with_work(reminder_send, reminder_id=reminder_id)


@dataclass
class ExpiryReport:
    expired: int = 0


def certificates_expire(*, today: date | None = None) -> ExpiryReport:
    """Mark valid certificates whose last day has passed as expired, each once."""
    today = today or timezone.localdate()
    report = ExpiryReport()
    due = list(
        Certificate.objects.filter(status=CertificateStatus.VALID, valid_until__lt=today)
        .order_by("valid_until", "pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().filter(pk=pk).first()
            if (
                certificate is None
                or certificate.status != CertificateStatus.VALID
                or certificate.valid_until >= today
            ):
                continue
            certificate.status = CertificateStatus.EXPIRED
            certificate.status_changed_at = timezone.now()
            certificate.status_changed_by = None
            certificate.status_reason = ""
            certificate.save(
                update_fields=["status", "status_changed_at", "status_changed_by", "status_reason"]
            )
            audit_event_append(
                actor=None,
                action="certificates.expired",
                subject=certificate,
                from_state=CertificateStatus.VALID,
                to_state=CertificateStatus.EXPIRED,
                data={"valid_until": certificate.valid_until.isoformat()},
            )
            _send_expired(pk)
            report.expired += 1
    return report


def _send_expired(certificate_id: int) -> None:
    from engcert.renewals.tasks import expired_send

    task_enqueue_with_work(expired_send, certificate_id=certificate_id)
