"""Creating, changing and publishing a society's batch."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch


class BatchError(Exception):
    """A batch change that cannot be made; the message is for people."""


def batch_publish(*, batch: Batch, by: User) -> Batch:
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == BatchStatus.PUBLISHED:
            return locked
        if locked.status != BatchStatus.DRAFT:
            raise BatchError(_("Only a draft batch can be published."))
        if not locked.grades.exists():
            raise BatchError(_("Choose at least one grade before publishing."))
        if not locked.call_text.strip():
            raise BatchError(_("Write the call text before publishing."))
        if locked.closes_at <= timezone.now():
            raise BatchError(_("The closing time has already passed."))
        locked.status = BatchStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        audit_event_append(actor=by, action="batch.publish", subject=locked)
    return locked


def batch_saved(*, batch: Batch, by: User, created: bool) -> None:
    audit_event_append(actor=by, action="batch.create" if created else "batch.update", subject=batch)
