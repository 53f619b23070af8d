"""Shared steps: moving a batch's deadlines to the past or the future."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from engcert.batches.models import Batch


def close_call(batch: Batch, *, ago: timedelta = timedelta(hours=1)) -> datetime:
    """The call closed `ago`; returns the closing time."""
    closes = timezone.now() - ago
    Batch.objects.filter(pk=batch.pk).update(closes_at=closes)
    batch.refresh_from_db()
    return closes


def pass_roster_deadline(batch: Batch, *, ago: timedelta = timedelta(hours=1)) -> datetime:
    deadline = timezone.now() - ago
    Batch.objects.filter(pk=batch.pk).update(roster_deadline=deadline)
    batch.refresh_from_db()
    return deadline
