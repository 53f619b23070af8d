"""The batches' part of the JSON API: the calling client's society's batches (the alliance's
clients see every society's). Needs the scope `batches:read`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from engcert.apiclients.api_support import (
    AUTH_ERRORS,
    ErrorOut,
    PageOut,
    PageQuery,
    client_with_scope,
    page_of,
    token_auth,
    token_throttle,
)
from engcert.apiclients.enums import ApiScope
from engcert.apiclients.models import ApiClient
from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch

router = Router(tags=["batches"], auth=token_auth, throttle=[token_throttle])


class SocietyOut(Schema):
    code: str = Field(..., examples=["csee"])
    name: str = Field(..., examples=["中国电机工程学会"])
    name_en: str = Field(..., examples=["Chinese Society for Electrical Engineering"])


class BatchOut(Schema):
    id: int
    code: str = Field(..., examples=["2025-electrical-4"])
    name: str = Field(..., examples=["第四批电气工程类工程会员"])
    name_en: str
    society: SocietyOut
    status: str = Field(..., description="draft, published or archived.", examples=["published"])
    open: bool = Field(..., description="Published and taking applications now.")
    opens_at: datetime
    closes_at: datetime
    roster_deadline: datetime | None
    grades: list[str] = Field(..., description="Codes of the grades offered.", examples=[["AE", "PE", "SPE"]])
    candidates: int = Field(..., description="Submitted applications in the batch.")


class BatchPageOut(PageOut):
    items: list[BatchOut]


class BatchFilter(PageQuery):
    status: Literal["draft", "published", "archived"] | None = Field(
        None, description="Only batches in this status."
    )
    open: bool | None = Field(
        None, description="true: only batches taking applications now; false: only the others."
    )
    society: str | None = Field(
        None,
        pattern=r"^[-a-zA-Z0-9_]{1,40}$",
        description="A society's code (useful to the alliance's clients).",
    )


def batches_for_client(client: ApiClient) -> QuerySet[Batch]:
    """What the client may see: its society's batches, or every batch for the alliance."""
    batches = Batch.objects.all()
    if not client.is_alliance:
        batches = batches.filter(society_id=client.organisation_id)
    return batches


def batch_out(batch: Batch, *, now: datetime) -> BatchOut:
    return BatchOut(
        id=batch.pk,
        code=batch.code,
        name=batch.name,
        name_en=batch.name_en,
        society=SocietyOut(code=batch.society.code, name=batch.society.name, name_en=batch.society.name_en),
        status=batch.status,
        open=batch.is_open(now),
        opens_at=batch.opens_at,
        closes_at=batch.closes_at,
        roster_deadline=batch.roster_deadline,
        grades=sorted(grade.code for grade in batch.grades.all()),
        candidates=batch.candidates,  # type: ignore[attr-defined]
    )


@router.get(
    "batches",
    response={200: BatchPageOut, 400: ErrorOut, **AUTH_ERRORS},
    summary="List batches",
    description=(
        "The calling client's society's batches, newest first (an alliance client sees every "
        "society's). Filter by `status`, by `open` (taking applications now) and, for the "
        "alliance, by `society` code. Paginated with `page` and `page_size`. Scope: `batches:read`."
    ),
)
def batch_list(request: HttpRequest, filters: Query[BatchFilter]) -> dict[str, object]:
    client = client_with_scope(request, ApiScope.BATCHES_READ)
    now = timezone.now()
    batches = batches_for_client(client)
    if filters.status:
        batches = batches.filter(status=filters.status)
    if filters.society:
        batches = batches.filter(society__code=filters.society)
    is_open = Q(status=BatchStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
    if filters.open is True:
        batches = batches.filter(is_open)
    elif filters.open is False:
        batches = batches.exclude(is_open)
    batches = (
        batches.select_related("society")
        .prefetch_related("grades")
        .annotate(candidates=Count("applications", filter=Q(applications__submitted_at__isnull=False)))
        .order_by("-opens_at", "-pk")
    )
    envelope, rows = page_of(request, batches, page=filters.page, page_size=filters.page_size)
    return {**envelope, "items": [batch_out(batch, now=now) for batch in rows]}
