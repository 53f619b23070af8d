"""The society staff's list of its certificates: filter, search, sort, pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from engcert.accounts.models import User
from engcert.batches.access import get_society_for_staff
from engcert.batches.models import Batch
from engcert.certificates.forms import DEFAULT_SORT, SORTS, CertificateFilterForm
from engcert.certificates.selectors_issue import certificate_staff_list
from engcert.frameworks.models import Grade

PAGE_SIZE = 50
SORTABLE_COLUMNS = ("number", "name", "grade", "valid_from", "valid_until")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _detail_url(society: str, number: str) -> str:
    """The staff page of one certificate, where status changes are made (when it exists)."""
    try:
        return reverse("certificates:staff_detail", kwargs={"society": society, "number": number})
    except NoReverseMatch:
        return ""


@login_required
def staff_list(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    batches = Batch.objects.filter(society=org).order_by("-opens_at", "-pk")
    grades = Grade.objects.filter(pk__in=org.certificates.values("grade")).order_by("position", "pk")
    form = CertificateFilterForm(request.GET or None, batches=batches, grades=grades)
    filters: dict[str, Any] = {}
    sort = DEFAULT_SORT
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "batch": data["batch"],
            "status": data["status"],
            "grade": data["grade"],
        }
        sort = data["sort"] or DEFAULT_SORT
    page = Paginator(
        certificate_staff_list(society=org, order_by=SORTS[sort], **filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "certificate": c,
            "status": c.effective_status(today),
            "detail_url": _detail_url(org.code, c.number),
        }
        for c in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    columns = {
        key: {
            "sort": f"-{key}" if sort == key else key,
            "state": "ascending" if sort == key else "descending" if sort == f"-{key}" else "",
        }
        for key in SORTABLE_COLUMNS
    }
    return render(
        request,
        "certificates/staff/list.html",
        {
            "society": org,
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "query_without_sort": without_sort.urlencode(),
            "columns": columns,
            "filtered": any(filters.values()),
        },
    )
