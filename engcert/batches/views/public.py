from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.batches.selectors import batch_list_public


def call_list(request: HttpRequest) -> HttpResponse:
    return render(request, "batches/call_list.html", {"calls": batch_list_public()})


def call_detail(request: HttpRequest, society: str, code: str) -> HttpResponse:
    batch = get_object_or_404(
        Batch.objects.select_related("society", "framework_version__framework").prefetch_related(
            "grades", "disciplines__parent"
        ),
        society__code=society,
        code=code,
        status__in=[BatchStatus.PUBLISHED, BatchStatus.ARCHIVED],
    )
    existing = None
    if request.user.is_authenticated:
        from engcert.applications.domain.application import application_active_get

        existing = application_active_get(batch=batch, applicant=request.user)  # type: ignore[arg-type]
    return render(request, "batches/call_detail.html", {"batch": batch, "existing": existing})
