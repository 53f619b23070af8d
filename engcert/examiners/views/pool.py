"""Staff pages of the examiner pool, the evaluation policy and the interview rooms."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.examiners.access import get_examiner_for_staff, get_society_for_pool
from engcert.examiners.domain.pool import (
    PoolError,
    dates_in_range,
    declared_relation_add,
    declared_relation_remove,
    evaluation_policy_saved,
    examiner_create,
    examiner_days_add,
    examiner_days_remove,
    examiner_employment_add,
    examiner_employment_remove,
    examiner_interview_days,
    examiner_set_active,
    examiner_update,
    room_saved,
)
from engcert.examiners.forms import (
    DaysForm,
    EmploymentForm,
    ExaminerForm,
    PolicyForm,
    ReasonForm,
    RelationForm,
    RoomForm,
    discipline_tree,
)
from engcert.examiners.models import DeclaredRelation, ExaminerEmployment, Room
from engcert.examiners.selectors import (
    LIVE_SEAT_VALUES,
    ExaminerFilters,
    evaluation_policy_get,
    examiner_list,
    room_list,
)
from engcert.frameworks.models import Grade
from engcert.frameworks.selectors import framework_version_current


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def pool(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_pool(user=_user(request), code=society)
    active = request.GET.get("active", "yes")
    filters = ExaminerFilters(
        discipline=_int(request.GET.get("discipline")),
        grade=_int(request.GET.get("grade")),
        employer=request.GET.get("employer", "").strip()[:100],
        active={"yes": True, "no": False}.get(active),
        term=request.GET.get("term", "") if request.GET.get("term") in ("current", "ended", "future") else "",
    )
    page = Paginator(examiner_list(society=org, filters=filters), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "examiners/staff_pool.html",
        {
            "society": org,
            "page": page,
            "filters": filters,
            "active": active,
            "disciplines": discipline_tree(org),
            "grades": Grade.objects.select_related("framework_version").order_by(
                "framework_version", "position"
            ),
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
def examiner_new(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_pool(user=_user(request), code=society)
    form = ExaminerForm(request.POST or None, society=org)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        try:
            examiner = examiner_create(
                society=org,
                user=form.user,
                values=form.values(),
                disciplines=form.cleaned_data["disciplines"],
                by=_user(request),
            )
        except PoolError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("%(person)s joined the examiner pool.") % {"person": examiner.user})
            return redirect("examiners:examiner", society=org.code, pk=examiner.pk)
    return render(
        request, "examiners/staff_examiner_form.html", {"society": org, "form": form, "examiner": None}
    )


@login_required
def examiner_edit(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org, examiner = get_examiner_for_staff(user=_user(request), code=society, pk=pk)
    form = ExaminerForm(request.POST or None, instance=examiner, society=org)
    if request.method == "POST" and form.is_valid():
        examiner_update(
            examiner=examiner,
            values=form.values(),
            disciplines=form.cleaned_data["disciplines"],
            by=_user(request),
        )
        messages.success(request, _("The examiner was saved."))
        return redirect("examiners:examiner", society=org.code, pk=examiner.pk)
    return render(
        request, "examiners/staff_examiner_form.html", {"society": org, "form": form, "examiner": examiner}
    )


@login_required
def examiner_detail(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org, examiner = get_examiner_for_staff(user=_user(request), code=society, pk=pk)
    today = timezone.localdate()
    seats = (
        examiner.seats.filter(status__in=LIVE_SEAT_VALUES)
        .select_related("panel__application__batch")
        .order_by("-assigned_at")[:50]
    )
    return render(
        request,
        "examiners/staff_examiner.html",
        {
            "society": org,
            "examiner": examiner,
            "disciplines": examiner.disciplines.select_related("parent"),
            "employments": examiner.past_employers.all(),
            "days": examiner.available_days.filter(date__gte=today),
            "past_days": examiner.available_days.filter(date__lt=today).count(),
            "busy_days": examiner_interview_days(examiner=examiner),
            "relations": examiner.declared_relations.all(),
            "seats": seats,
            "employment_form": EmploymentForm(),
            "days_form": DaysForm(),
            "relation_form": RelationForm(),
            "reason_form": ReasonForm(),
        },
    )


def _back(org_code: str, pk: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("examiners:examiner", kwargs={"society": org_code, "pk": pk}) + anchor)


def _form_errors(request: HttpRequest, form: object) -> None:
    errors = getattr(form, "errors", {})
    for field, items in errors.items():
        label = form.fields[field].label if field in getattr(form, "fields", {}) else ""  # type: ignore[attr-defined]
        for item in items:
            messages.error(request, f"{label}: {item}" if label else str(item))


@login_required
@require_POST
def examiner_active(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org, examiner = get_examiner_for_staff(user=_user(request), code=society, pk=pk)
    activate = request.POST.get("active") == "1"
    form = ReasonForm(request.POST)
    reason = (
        form.data.get("reason", "") if activate else (form.cleaned_data["reason"] if form.is_valid() else "")
    )
    try:
        still = examiner_set_active(examiner=examiner, active=activate, by=_user(request), reason=str(reason))
    except PoolError as error:
        messages.error(request, str(error))
    else:
        if activate:
            messages.success(request, _("The examiner is active again."))
        elif still:
            messages.warning(
                request,
                _(
                    "The examiner is deactivated. They still hold %(count)d panel seats: replace them on the panels pages."
                )
                % {"count": still},
            )
        else:
            messages.success(request, _("The examiner is deactivated."))
    return _back(org.code, examiner.pk)


def _examiner_record_add(
    request: HttpRequest,
    society: str,
    pk: int,
    *,
    form_class: type[forms.Form],
    add: Callable[..., object],
    added: str,
    anchor: str,
) -> HttpResponse:
    """Add a record the examiner's page lists (an earlier employer, a declared relation) from
    its form; the domain's objection or the form's errors come back as messages on that page."""
    org, examiner = get_examiner_for_staff(user=_user(request), code=society, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            add(examiner=examiner, by=_user(request), **form.cleaned_data)
        except PoolError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, added)
    else:
        _form_errors(request, form)
    return _back(org.code, examiner.pk, anchor)


@login_required
@require_POST
def employment_add(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    return _examiner_record_add(
        request,
        society,
        pk,
        form_class=EmploymentForm,
        add=examiner_employment_add,
        added=_("The earlier employer was added."),
        anchor="#employers",
    )


@login_required
@require_POST
def employment_remove(request: HttpRequest, society: str, pk: int, item: int) -> HttpResponse:
    org, examiner = get_examiner_for_staff(user=_user(request), code=society, pk=pk)
    row = get_object_or_404(ExaminerEmployment, pk=item, examiner=examiner)
    examiner_employment_remove(row=row, by=_user(request))
    messages.success(request, _("The earlier employer was removed."))
    return _back(org.code, examiner.pk, "#employers")


@login_required
@require_POST
def days_change(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org, examiner = get_examiner_for_staff(user=_user(request), code=society, pk=pk)
    form = DaysForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("remove"):
                days = dates_in_range(first=data["first"], last=data["last"], weekdays=data["weekdays"])
                count = examiner_days_remove(examiner=examiner, days=days, by=_user(request))
                messages.success(request, _("%(count)d available days were removed.") % {"count": count})
            else:
                count = examiner_days_add(
                    examiner=examiner,
                    first=data["first"],
                    last=data["last"],
                    weekdays=data["weekdays"],
                    by=_user(request),
                )
                messages.success(request, _("%(count)d available days were added.") % {"count": count})
        except PoolError as error:
            messages.error(request, str(error))
    else:
        _form_errors(request, form)
    return _back(org.code, examiner.pk, "#days")


@login_required
@require_POST
def relation_add(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    return _examiner_record_add(
        request,
        society,
        pk,
        form_class=RelationForm,
        add=declared_relation_add,
        added=_("The declared relation was recorded."),
        anchor="#relations",
    )


@login_required
@require_POST
def relation_remove(request: HttpRequest, society: str, pk: int, item: int) -> HttpResponse:
    org, examiner = get_examiner_for_staff(user=_user(request), code=society, pk=pk)
    row = get_object_or_404(DeclaredRelation, pk=item, examiner=examiner)
    try:
        declared_relation_remove(row=row, by=_user(request), reason=request.POST.get("reason", "")[:300])
    except PoolError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The declared relation was removed."))
    return _back(org.code, examiner.pk, "#relations")


@login_required
def policy(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_pool(user=_user(request), code=society)
    instance = evaluation_policy_get(society=org)
    version = framework_version_current()
    areas = {a.number: a.display_name for a in version.areas.all()} if version else None
    form = PolicyForm(request.POST or None, instance=instance, area_labels=areas)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            evaluation_policy_saved(policy=instance, by=_user(request), changed=sorted(form.changed_data))
        messages.success(request, _("The evaluation policy was saved."))
        return redirect("examiners:policy", society=org.code)
    return render(request, "examiners/staff_policy.html", {"society": org, "form": form})


@login_required
def rooms(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_pool(user=_user(request), code=society)
    return render(request, "examiners/staff_rooms.html", {"society": org, "rooms": room_list(society=org)})


@login_required
def room_edit(request: HttpRequest, society: str, pk: int | None = None) -> HttpResponse:
    org = get_society_for_pool(user=_user(request), code=society)
    room = get_object_or_404(Room, pk=pk, society=org) if pk else None
    form = RoomForm(request.POST or None, instance=room, society=org)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            instance = form.save(commit=False)
            instance.society = org
            created = instance.pk is None
            instance.save()
            room_saved(room=instance, by=_user(request), created=created)
        messages.success(request, _("The room was saved."))
        return redirect("examiners:rooms", society=org.code)
    return render(request, "examiners/staff_room_form.html", {"society": org, "form": form, "room": room})
