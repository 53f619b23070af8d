"""Changing a society's referee policy: how long links stay valid and when referees are reminded."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.organisations.models import Organisation
from engcert.referees.domain.requests import RefereeError
from engcert.referees.models import RefereePolicy
from engcert.referees.selectors import referee_policy_get


def referee_policy_update(
    *, society: Organisation, by: User, link_valid_days: int, reminder_days: list[int]
) -> RefereePolicy:
    if not by.has_perm("referees.manage_referees", society):
        raise RefereeError(_("Only the society's staff can change the referee policy."))
    days = sorted(set(reminder_days))
    if any(day < 1 or day >= link_valid_days for day in days):
        raise RefereeError(
            _("Each reminder must come at least a day after the email and before the link expires.")
        )
    with transaction.atomic():
        policy = RefereePolicy.objects.select_for_update().get(pk=referee_policy_get(society=society).pk)
        before = {"link_valid_days": policy.link_valid_days, "reminder_days": policy.reminder_days}
        policy.link_valid_days = link_valid_days
        policy.reminder_days = days
        policy.updated_by = by
        policy.save(update_fields=["link_valid_days", "reminder_days", "updated_by", "updated_at"])
        audit_event_append(
            actor=by,
            action="referees.policy_changed",
            subject=policy,
            data={"before": before, "after": {"link_valid_days": link_valid_days, "reminder_days": days}},
        )
    return policy
