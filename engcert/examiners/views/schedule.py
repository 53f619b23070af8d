"""Staff pages of automatic scheduling: the request, the run's progress and proposal, confirming it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.examiners.access import get_batch_for_panels
from engcert.examiners.domain.findings import finding_message
from engcert.examiners.domain.schedule_runs import (
    ScheduleError,
    ScheduleRequest,
    schedule_run_create,
    schedule_run_start_confirm,
)
from engcert.examiners.enums import SCHEDULE_RUN_BUSY, ScheduleRunStatus
from engcert.examiners.forms import ScheduleForm
from engcert.examiners.models import Examiner, Room, ScheduleRun


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _next_monday(after: date) -> date:
    return after + timedelta(days=(7 - after.weekday()) % 7 or 7)


@login_required
def schedule_new(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org, batch = get_batch_for_panels(user=_user(request), code=society, pk=pk)
    waiting = (
        Application.objects.filter(batch=batch, state=ApplicationState.REVIEW_PASSED)
        .select_related("discipline", "discipline__parent")
        .order_by("number", "pk")
    )
    start = _next_monday(timezone.localdate() + timedelta(days=7))
    form = ScheduleForm(
        request.POST or None,
        society=org,
        waiting=waiting,
        initial={"first_day": start, "last_day": start + timedelta(days=11)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [a.pk for a in data["candidates"]]
        try:
            run = schedule_run_create(
                batch=batch,
                request=ScheduleRequest(
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    weekdays=tuple(sorted(data["weekdays"])),
                    room_ids=tuple(r.pk for r in data["rooms"]),
                    application_ids=tuple(chosen) if chosen else None,
                ),
                by=_user(request),
            )
        except ScheduleError as error:
            form.add_error(None, str(error))
        else:
            return redirect("examiners:schedule_run", society=org.code, pk=batch.pk, run=run.pk)
    return render(
        request,
        "examiners/staff_schedule_new.html",
        {"society": org, "batch": batch, "form": form, "waiting_count": waiting.count()},
    )


def _proposal_view(run: ScheduleRun) -> dict[str, Any]:
    """The proposal per day and room, with names: three queries whatever its size."""
    application_ids = {i["application"] for s in run.proposal for i in s["interviews"]}
    examiner_ids = {e for s in run.proposal for e in s["examiners"]}
    applications = {
        a.pk: a
        for a in Application.objects.filter(pk__in=application_ids).select_related(
            "discipline", "discipline__parent"
        )
    }
    examiners = {e.pk: e for e in Examiner.objects.filter(pk__in=examiner_ids).select_related("user")}
    rooms = {r.pk: r for r in Room.objects.filter(pk__in={s["room"] for s in run.proposal})}
    days: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for session in run.proposal:
        days[session["day"]].append(
            {
                "room": rooms.get(session["room"]),
                "chair": examiners.get(session["examiners"][0]),
                "members": [examiners.get(e) for e in session["examiners"][1:]],
                "interviews": [
                    {
                        "application": applications.get(i["application"]),
                        "starts": timezone.localtime(datetime.fromisoformat(i["starts_at"])),
                        "ends": timezone.localtime(datetime.fromisoformat(i["ends_at"])),
                    }
                    for i in session["interviews"]
                ],
            }
        )
    loads = sorted(run.stats.get("loads", {}).values())
    return {
        "days": [(date.fromisoformat(day), sessions) for day, sessions in sorted(days.items())],
        "interview_count": len(application_ids),
        "session_count": len(run.proposal),
        "load_max": loads[-1] if loads else 0,
        "load_min": loads[0] if loads else 0,
        "load_mean": round(sum(loads) / len(loads), 1) if loads else 0,
        "examiners_used": sum(1 for n in loads if n),
    }


@login_required
def schedule_run(request: HttpRequest, society: str, pk: int, run: int) -> HttpResponse:
    org, batch = get_batch_for_panels(user=_user(request), code=society, pk=pk)
    instance = get_object_or_404(
        ScheduleRun.objects.select_related("created_by", "confirmed_by"), pk=run, batch=batch
    )
    context: dict[str, Any] = {
        "society": org,
        "batch": batch,
        "run": instance,
        "busy": instance.status in SCHEDULE_RUN_BUSY,
        "findings": [finding_message(code=f["code"], params=f["params"]) for f in instance.findings],
        "params": instance.params,
    }
    if instance.proposal and instance.status in (
        ScheduleRunStatus.PROPOSED,
        ScheduleRunStatus.CONFIRMING,
        ScheduleRunStatus.CONFIRMED,
    ):
        context.update(_proposal_view(instance))
    return render(request, "examiners/staff_schedule_run.html", context)


@login_required
@require_POST
def schedule_confirm(request: HttpRequest, society: str, pk: int, run: int) -> HttpResponse:
    org, batch = get_batch_for_panels(user=_user(request), code=society, pk=pk)
    instance = get_object_or_404(ScheduleRun, pk=run, batch=batch)
    if instance.status not in (
        ScheduleRunStatus.PROPOSED,
        ScheduleRunStatus.CONFIRMING,
        ScheduleRunStatus.CONFIRMED,
    ):
        raise PermissionDenied
    try:
        instance = schedule_run_start_confirm(run=instance, by=_user(request))
    except ScheduleError as error:
        messages.error(request, str(error))
    else:
        if instance.status == ScheduleRunStatus.CONFIRMED:
            report = instance.confirm_report
            messages.success(
                request,
                _("%(count)d interviews were scheduled and the candidates told.")
                % {"count": report.get("scheduled", 0)},
            )
            if report.get("skipped"):
                messages.warning(
                    request,
                    _("%(count)d candidates could not be scheduled as proposed; see below.")
                    % {"count": len(report["skipped"])},
                )
    return redirect("examiners:schedule_run", society=org.code, pk=batch.pk, run=instance.pk)
