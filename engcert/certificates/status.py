"""Suspending, reinstating and revoking certificates (society staff), with a reason.

One transition table and one function: the row is locked, the change checked against the table
and the actor's permission, written, audited, and the member told by email after commit. The
public verification page and the status lists read the row, so they show the change at once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate
from engcert.tasks_queue import task_enqueue_with_work

MAX_REASON_CHARS = 2000

# from-status -> statuses staff may move a certificate to. Revocation is final; an expired
# certificate is renewed by re-registration, not reinstated.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    CertificateStatus.VALID: frozenset({CertificateStatus.SUSPENDED, CertificateStatus.REVOKED}),
    CertificateStatus.SUSPENDED: frozenset({CertificateStatus.VALID, CertificateStatus.REVOKED}),
    CertificateStatus.REVOKED: frozenset(),
    CertificateStatus.EXPIRED: frozenset({CertificateStatus.REVOKED}),
}

ACTIONS = {
    CertificateStatus.SUSPENDED: "certificates.suspended",
    CertificateStatus.VALID: "certificates.reinstated",
    CertificateStatus.REVOKED: "certificates.revoked",
}


class StatusChangeError(Exception):
    """The change is not possible; the message is for people, `field` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _refusal(current: str, target: str) -> str:
    if current == CertificateStatus.REVOKED:
        return _("This certificate was revoked; a revocation is final and cannot be changed.")
    if target == CertificateStatus.VALID and current == CertificateStatus.EXPIRED:
        return _("An expired certificate is renewed by re-registration, not reinstated.")
    if target == CertificateStatus.VALID:
        return _("Only a suspended certificate can be reinstated.")
    return _("A certificate that is %(status)s cannot be %(action)s.") % {
        "status": CertificateStatus(current).label.lower(),
        "action": CertificateStatus(target).label.lower(),
    }


def _status_change(*, certificate: Certificate, to: CertificateStatus, reason: str, by: User) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise StatusChangeError(_("Give the reason: the member reads it, and so does the public."), "reason")
    if len(reason) > MAX_REASON_CHARS:
        raise StatusChangeError(
            _("The reason is too long (at most %(max)s characters).") % {"max": MAX_REASON_CHARS}, "reason"
        )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().select_related("society").get(pk=certificate.pk)
        if not by.has_perm("certificates.change_certificate_status", locked):
            raise StatusChangeError(_("Only the society's staff may change the status of its certificates."))
        current = locked.status
        if current == to:
            return locked
        if to not in STATUS_TRANSITIONS[current]:
            raise StatusChangeError(_refusal(current, to))
        locked.status = to
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = by
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])
        audit_event_append(
            actor=by,
            action=ACTIONS[to],
            subject=locked,
            from_state=current,
            to_state=to,
            reason=reason,
            data={"number": locked.number},
        )
        certificate_id = locked.pk
        _notify(certificate_id)
    return locked


def _notify(certificate_id: int) -> None:
    from engcert.certificates.status_tasks import certificate_notify_status

    task_enqueue_with_work(certificate_notify_status, certificate_id=certificate_id)


def certificate_suspend(*, certificate: Certificate, reason: str, by: User) -> Certificate:
    """Suspend a valid certificate: it reads as not valid until reinstated."""
    return _status_change(certificate=certificate, to=CertificateStatus.SUSPENDED, reason=reason, by=by)


def certificate_reinstate(*, certificate: Certificate, reason: str, by: User) -> Certificate:
    """Make a suspended certificate valid again."""
    return _status_change(certificate=certificate, to=CertificateStatus.VALID, reason=reason, by=by)


def certificate_revoke(*, certificate: Certificate, reason: str, by: User) -> Certificate:
    """Revoke a certificate for good (valid, suspended or expired)."""
    return _status_change(certificate=certificate, to=CertificateStatus.REVOKED, reason=reason, by=by)
