from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.applications.enums import ApplicationState
from engcert.batches.access import get_society_for_staff
from engcert.batches.domain import BatchError, batch_publish, batch_saved
from engcert.batches.enums import BatchStatus
from engcert.batches.forms import BatchForm
from engcert.batches.models import Batch
from engcert.batches.selectors import batch_list_for_society
from engcert.frameworks.selectors import framework_version_current
from engcert.organisations.selectors import societies_where_staff


@login_required
def society_list(request: HttpRequest) -> HttpResponse:
    societies = list(societies_where_staff(user=request.user))  # type: ignore[arg-type]
    if not societies:
        # Like every other staff page: outsiders learn nothing, not even that the area exists.
        raise Http404
    if len(societies) == 1:
        return redirect("staff:batches_of", society=societies[0].code)
    return render(request, "batches/society_list.html", {"societies": societies})


@login_required
def batch_list(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=request.user, code=society)  # type: ignore[arg-type]
    batches = batch_list_for_society(society=org).annotate(
        total=Count("applications", filter=~Q(applications__state=ApplicationState.WITHDRAWN)),
        submitted=Count(
            "applications",
            filter=~Q(applications__state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]),
        ),
    )
    return render(request, "batches/staff_batch_list.html", {"society": org, "batches": batches})


@login_required
def batch_edit(request: HttpRequest, society: str, pk: int | None = None) -> HttpResponse:
    org = get_society_for_staff(user=request.user, code=society)  # type: ignore[arg-type]
    batch = get_object_or_404(Batch, pk=pk, society=org) if pk else None
    if batch is not None and batch.status == BatchStatus.ARCHIVED:
        raise PermissionDenied
    initial = {}
    if batch is None:
        version = framework_version_current()
        initial = {"framework_version": version.pk if version else None}
    form = BatchForm(request.POST or None, instance=batch, society=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            instance = form.save(commit=False)
            instance.society = org
            created = instance.pk is None
            if created:
                instance.created_by = request.user  # type: ignore[assignment]
            instance.save()
            form.save_m2m()
            batch_saved(batch=instance, by=request.user, created=created)  # type: ignore[arg-type]
        messages.success(request, _("The batch was saved."))
        return redirect("staff:batch_detail", society=org.code, pk=instance.pk)
    return render(request, "batches/staff_batch_form.html", {"society": org, "form": form, "batch": batch})


@login_required
def batch_detail(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_staff(user=request.user, code=society)  # type: ignore[arg-type]
    batch = get_object_or_404(
        Batch.objects.prefetch_related("grades", "disciplines__parent", "eligible_units"), pk=pk, society=org
    )
    counts = dict(batch.applications.values_list("state").annotate(n=Count("pk")).order_by())
    by_state = [(state, counts.get(state.value, 0)) for state in ApplicationState if counts.get(state.value)]
    # Submitted files, newest first; drafts stay private to their applicants until submitted.
    received = (
        batch.applications.exclude(state=ApplicationState.DRAFT)
        .select_related("grade", "discipline", "unit")
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(received, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "batches/staff_batch_detail.html",
        {"society": org, "batch": batch, "by_state": by_state, "page": page},
    )


@login_required
@require_POST
def batch_publish_view(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_staff(user=request.user, code=society)  # type: ignore[arg-type]
    batch = get_object_or_404(Batch, pk=pk, society=org)
    try:
        batch_publish(batch=batch, by=request.user)  # type: ignore[arg-type]
    except BatchError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The call is published and visible to the public."))
    return redirect("staff:batch_detail", society=org.code, pk=batch.pk)
