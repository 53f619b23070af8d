from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.organisations.models import Organisation


def batch_list_public() -> QuerySet[Batch]:
    """Published calls that are open now or still to open, soonest closing first."""
    now = timezone.now()
    return (
        Batch.objects.filter(status=BatchStatus.PUBLISHED, closes_at__gt=now)
        .select_related("society")
        .order_by("closes_at")
    )


def batch_list_for_society(*, society: Organisation) -> QuerySet[Batch]:
    return Batch.objects.filter(society=society).select_related("society", "framework_version")


def batch_units(*, batch: Batch) -> QuerySet[Organisation]:
    """Units an applicant of this batch may name as their nominating unit."""
    if batch.open_to_all_units:
        return Organisation.objects.filter(society=batch.society, is_active=True)
    return batch.eligible_units.filter(Q(is_active=True))
