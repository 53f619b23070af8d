"""The society staff's pages: notices, publishing, objections and their outcome, policy, calendar."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState as S
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.notices.access import get_notice_for_staff, get_objection_for_staff, get_society_for_notice_staff
from engcert.notices.domain.calendar import calendar_day_delete, calendar_day_save, notice_period_compute
from engcert.notices.domain.errors import NoticeError
from engcert.notices.domain.notice import (
    notice_candidates,
    notice_is_running,
    notice_policy_for,
    notice_policy_update,
    notice_publish,
)
from engcert.notices.domain.objection import objection_decide, objection_notes_save
from engcert.notices.enums import CalendarDayKind, ObjectionOutcome, ObjectionStatus
from engcert.notices.forms import CalendarDayForm, DecisionForm, NotesForm, PolicyForm, PublishForm
from engcert.notices.models import CalendarDay
from engcert.notices.selectors import notice_objections, notice_staff_list


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def staff_list(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_notice_staff(user=_user(request), code=society)
    batches = list(
        Batch.objects.filter(society=org)
        .annotate(approved=Count("applications", filter=Q(applications__state=S.APPROVED)))
        .filter(approved__gt=0)
        .order_by("-opens_at")
    )
    context = {
        "society": org,
        "notices": list(notice_staff_list(society=org)),
        "batches": batches,
        "policy": notice_policy_for(society=org),
        "now": timezone.now(),
    }
    return render(request, "notices/staff_list.html", context)


@login_required
def staff_publish(request: HttpRequest, society: str, batch: int) -> HttpResponse:
    org = get_society_for_notice_staff(user=_user(request), code=society)
    batch_obj = Batch.objects.filter(society=org, pk=batch).first()
    if batch_obj is None:
        raise Http404
    policy = notice_policy_for(society=org)
    candidates = notice_candidates(batch=batch_obj)
    form = PublishForm(
        request.POST or None,
        candidates=candidates,
        working_days=policy.working_days,
        initial={"starts_on": timezone.localdate(), "contact": policy.contact},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                preview = notice_period_compute(
                    starts_on=data["starts_on"], working_days=data["working_days"]
                )
            else:
                notice = notice_publish(
                    batch=batch_obj,
                    starts_on=data["starts_on"],
                    working_days=data["working_days"],
                    application_ids=[c.pk for c in data["candidates"]],
                    contact=data["contact"],
                    by=_user(request),
                )
                messages.success(
                    request,
                    _("The notice is published: %(count)s candidates, until the end of %(last)s.")
                    % {"count": notice.entries.count(), "last": notice.last_day.isoformat()},
                )
                return HttpResponseRedirect(
                    reverse("notices:staff_detail", kwargs={"society": org.code, "uid": notice.uid})
                )
        except NoticeError as error:
            form.add_error(error.field, str(error))
    context = {
        "society": org,
        "batch": batch_obj,
        "form": form,
        "candidates": candidates,
        "preview_last_day": preview[0] if preview else None,
    }
    return render(request, "notices/staff_publish.html", context, status=400 if form.errors else 200)


@login_required
def staff_detail(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    org = get_society_for_notice_staff(user=_user(request), code=society)
    notice = get_notice_for_staff(society=org, uid=uid)
    entries = list(
        notice.entries.select_related(
            "application__unit",
            "application__grade",
            "application__awarded_grade",
            "application__discipline__parent",
        )
        .annotate(
            open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN)),
            all_objections=Count("objections"),
        )
        .order_by("position")
    )
    context = {
        "society": org,
        "notice": notice,
        "entries": entries,
        "objections": list(notice_objections(notice=notice)),
        "running": notice_is_running(notice, now=timezone.now()),
    }
    return render(request, "notices/staff_detail.html", context)


@login_required
def staff_objection(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    org = get_society_for_notice_staff(user=_user(request), code=society)
    objection = get_objection_for_staff(society=org, uid=uid)
    notes_form = NotesForm(initial={"investigation_notes": objection.investigation_notes})
    decision_form = DecisionForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "notes":
                notes_form = NotesForm(request.POST)
                if notes_form.is_valid():
                    objection_notes_save(
                        objection=objection,
                        notes=notes_form.cleaned_data["investigation_notes"],
                        by=_user(request),
                    )
                    messages.success(request, _("The investigation notes are saved."))
                    return HttpResponseRedirect(request.path)
            elif action == "decide":
                decision_form = DecisionForm(request.POST)
                if decision_form.is_valid():
                    data = decision_form.cleaned_data
                    objection_decide(
                        objection=objection,
                        outcome=ObjectionOutcome(data["outcome"]),
                        note=data["note"],
                        reason_for_candidate=data["reason_for_candidate"],
                        by=_user(request),
                    )
                    messages.success(request, _("The outcome is recorded."))
                    return HttpResponseRedirect(request.path)
        except NoticeError as error:
            target = decision_form if action == "decide" else notes_form
            target.add_error(error.field if error.field in target.fields else None, str(error))
        status = 400
    else:
        # Whoever reads the objector's name and contact is recorded, as for an identity number.
        with transaction.atomic():
            audit_event_append(
                actor=_user(request),
                action="notices.objection_view",
                subject=objection,
                application=objection.entry.application,
            )
    others = list(
        objection.entry.objections.exclude(pk=objection.pk)
        .defer("objector_name", "objector_phone", "objector_email")
        .order_by("received_at")
    )
    context = {
        "society": org,
        "objection": objection,
        "notice": objection.entry.notice,
        "application": objection.entry.application,
        "grade": objection.entry.application.awarded_grade or objection.entry.application.grade,
        "others": others,
        "notes_form": notes_form,
        "decision_form": decision_form,
        "running": notice_is_running(objection.entry.notice, now=timezone.now()),
    }
    return render(request, "notices/staff_objection.html", context, status=status)


@login_required
def staff_objection_evidence(request: HttpRequest, society: str, uid: UUID) -> FileResponse:
    org = get_society_for_notice_staff(user=_user(request), code=society)
    objection = get_objection_for_staff(society=org, uid=uid)
    if not objection.evidence:
        raise Http404
    with transaction.atomic():
        audit_event_append(
            actor=_user(request),
            action="notices.objection_evidence_read",
            subject=objection,
            application=objection.entry.application,
        )
    response = FileResponse(
        objection.evidence.open("rb"),
        as_attachment=True,
        filename=objection.evidence_name or objection.evidence.name.rsplit("/", 1)[-1],
        content_type=objection.evidence_content_type or "application/octet-stream",
    )
    return response


@login_required
def staff_policy(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_notice_staff(user=_user(request), code=society)
    policy = notice_policy_for(society=org)
    form = PolicyForm(
        request.POST or None, working_days=policy.working_days, initial={"contact": policy.contact}
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice_policy_update(
                society=org,
                working_days=form.cleaned_data["working_days"],
                contact=form.cleaned_data["contact"],
                by=_user(request),
            )
        except NoticeError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("The notice policy is saved."))
            return HttpResponseRedirect(reverse("notices:staff_list", kwargs={"society": org.code}))
    return render(
        request,
        "notices/staff_policy.html",
        {"society": org, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def staff_calendar(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_notice_staff(user=_user(request), code=society)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        calendar_day_save(
            day=data["day"], kind=CalendarDayKind(data["kind"]), name=data["name"], by=_user(request)
        )
        messages.success(request, _("%(day)s is saved in the calendar.") % {"day": data["day"].isoformat()})
        return HttpResponseRedirect(
            reverse("notices:staff_calendar", kwargs={"society": org.code}) + f"?year={data['day'].year}"
        )
    days = list(CalendarDay.objects.filter(day__year=year).order_by("day"))
    years = sorted({d.year for d in CalendarDay.objects.dates("day", "year")} | {today.year})
    context = {
        "society": org,
        "form": form,
        "days": days,
        "year": year,
        "years": years,
        "previous_year": date(year, 1, 1) - timedelta(days=1),
    }
    return render(request, "notices/staff_calendar.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def staff_calendar_delete(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_notice_staff(user=_user(request), code=society)
    entry = CalendarDay.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    year = entry.day.year
    calendar_day_delete(entry=entry, by=_user(request))
    messages.success(request, _("%(day)s now follows the ordinary week.") % {"day": entry.day.isoformat()})
    return HttpResponseRedirect(
        reverse("notices:staff_calendar", kwargs={"society": org.code}) + f"?year={year}"
    )
