"""Whether a deadline has passed for someone, counting the extensions staff granted. The
applications and units domains ask here before a change; nothing here imports them."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.deadlines.models import DeadlineExtension
from engcert.organisations.models import Organisation


class DeadlinePassed(Exception):
    """A change refused because its deadline has passed; the message is for people."""


def when_text(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def application_deadline_get(*, batch: Batch, applicant_id: int | None) -> datetime:
    """The time until which this applicant may change and submit a draft: the batch's closing
    time, or a later extension granted to them."""
    extended = None
    if applicant_id is not None:
        extended = DeadlineExtension.objects.filter(batch=batch, applicant_id=applicant_id).aggregate(
            until=Max("until")
        )["until"]
    return max(batch.closes_at, extended) if extended else batch.closes_at


def roster_deadline_get(*, batch: Batch, unit_id: int | None) -> datetime | None:
    """The time until which this unit's administrators may change the unit's roster (endorse or
    decline): the batch's roster deadline, or a later extension; None when the batch sets none."""
    if batch.roster_deadline is None:
        return None
    extended = None
    if unit_id is not None:
        extended = DeadlineExtension.objects.filter(batch=batch, unit_id=unit_id).aggregate(
            until=Max("until")
        )["until"]
    return max(batch.roster_deadline, extended) if extended else batch.roster_deadline


def application_deadline_assert_open(
    *, batch: Batch, applicant_id: int | None, at: datetime | None = None, action: str = "change"
) -> None:
    """Refuse a draft's change ("change") or submission ("submit") after the call closed for
    this applicant. Cheap before the closing time: the extensions are read only after it."""
    at = at or timezone.now()
    if at < batch.closes_at:
        return
    deadline = application_deadline_get(batch=batch, applicant_id=applicant_id)
    if at < deadline and batch.status == BatchStatus.PUBLISHED:
        return
    if action == "submit":
        message = _("The call closed at %(time)s; submissions are no longer accepted.")
    else:
        message = _(
            "The call closed at %(time)s; a draft can no longer be changed. "
            "Only the society's staff can extend the deadline, with a reason."
        )
    raise DeadlinePassed(message % {"time": when_text(deadline)})


def roster_deadline_assert_open(
    *, batch: Batch, unit: Organisation | None, at: datetime | None = None
) -> None:
    """Refuse a unit administrator's change to the unit's roster after the roster deadline."""
    at = at or timezone.now()
    if batch.roster_deadline is None or at < batch.roster_deadline:
        return
    deadline = roster_deadline_get(batch=batch, unit_id=unit.pk if unit is not None else None)
    if deadline is not None and at < deadline:
        return
    raise DeadlinePassed(
        _(
            "The roster deadline passed at %(time)s; the unit's roster can no longer be changed. "
            "Only the society's staff can extend the deadline, with a reason."
        )
        % {"time": when_text(deadline or batch.roster_deadline)}
    )
