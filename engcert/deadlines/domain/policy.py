"""The society's reminder policy and the extensions its staff grant, each change audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.deadlines.domain.checks import when_text
from engcert.deadlines.models import DeadlineExtension, DeadlinePolicy, reminder_days_parse
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


class DeadlineError(Exception):
    """A step that cannot be taken; the message is for people."""


def deadline_policy_get(*, society: Organisation) -> DeadlinePolicy:
    """The society's policy; the defaults ("7,3,1") until staff save one."""
    policy = DeadlinePolicy.objects.filter(society=society).first()
    return policy if policy is not None else DeadlinePolicy(society=society)


def deadline_policy_save(
    *, society: Organisation, application_reminder_days: str, roster_reminder_days: str, by: User
) -> DeadlinePolicy:
    if not by.has_perm("batches.manage_batches", society):
        raise DeadlineError(_("Only the society's staff can change its reminders."))
    values = {
        "application_reminder_days": ",".join(map(str, reminder_days_parse(application_reminder_days))),
        "roster_reminder_days": ",".join(map(str, reminder_days_parse(roster_reminder_days))),
    }
    with transaction.atomic():
        policy, _created = DeadlinePolicy.objects.select_for_update().get_or_create(society=society)
        before = {name: getattr(policy, name) for name in values}
        for name, value in values.items():
            setattr(policy, name, value)
        policy.updated_by = by
        policy.save(update_fields=[*values, "updated_by", "updated_at"])
        audit_event_append(
            actor=by, action="deadlines.policy_save", subject=policy, data={"before": before, "after": values}
        )
    return policy


def deadline_extension_list(*, batch: Batch) -> QuerySet[DeadlineExtension]:
    return DeadlineExtension.objects.filter(batch=batch).select_related("applicant", "unit", "granted_by")


def deadline_extension_grant(
    *,
    batch: Batch,
    until: datetime,
    reason: str,
    by: User,
    applicant: User | None = None,
    unit: Organisation | None = None,
) -> DeadlineExtension:
    """Let one applicant (application deadline) or one unit (roster deadline) act until `until`."""
    reason = reason.strip()
    if not by.has_perm("batches.manage_batches", batch.society):
        raise DeadlineError(_("Only the society's staff can extend a deadline."))
    if (applicant is None) == (unit is None):
        raise DeadlineError(_("Please choose either an applicant or a unit."))
    if not reason:
        raise DeadlineError(_("Please give a reason."))
    if until <= timezone.now():
        raise DeadlineError(_("The extension must end in the future."))
    if applicant is not None:
        if not batch.applications.filter(applicant=applicant).exists():
            raise DeadlineError(_("This person has no application in this batch."))
        deadline = batch.closes_at
    else:
        assert unit is not None
        if unit.kind != OrganisationKind.UNIT or unit.society_id != batch.society_id:
            raise DeadlineError(_("Please choose one of the society's units."))
        if batch.roster_deadline is None:
            raise DeadlineError(_("This batch has no roster deadline to extend."))
        deadline = batch.roster_deadline
    if until <= deadline:
        raise DeadlineError(
            _("The extension must end after the deadline (%(time)s).") % {"time": when_text(deadline)}
        )
    with transaction.atomic():
        extension = DeadlineExtension.objects.create(
            batch=batch, applicant=applicant, unit=unit, until=until, reason=reason, granted_by=by
        )
        audit_event_append(
            actor=by,
            action="deadlines.extension_grant",
            subject=extension,
            reason=reason,
            data={
                "batch": batch.pk,
                "applicant": applicant.pk if applicant else None,
                "unit": unit.pk if unit else None,
                "until": until.isoformat(),
            },
        )
    return extension
