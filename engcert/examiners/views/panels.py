"""Staff pages of a batch's panels and interviews: the list with short panels flagged, one
candidate's panel and interview, and the hand changes to them."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.examiners.access import PANEL_STATES, get_application_for_panel, get_batch_for_panels
from engcert.examiners.domain.checks import composition_problems
from engcert.examiners.domain.conflicts import conflicts_for_many
from engcert.examiners.domain.interviews import (
    InterviewError,
    interview_move,
    interview_record_no_show,
    interview_schedule,
    interview_times,
)
from engcert.examiners.domain.panels import (
    PANEL_OPEN_STATES,
    PanelError,
    panel_chair_set,
    panel_fill_open_seats,
    panel_seat_add,
    panel_seat_remove,
    panel_seat_replace,
)
from engcert.examiners.enums import InterviewStatus
from engcert.examiners.forms import (
    InterviewSlotForm,
    ReasonForm,
    SeatAddForm,
    SeatReplaceForm,
    pool_for_seats,
)
from engcert.examiners.models import Interview, PanelSeat
from engcert.examiners.selectors import LIVE_SEAT_VALUES, evaluation_policy_get, panel_applications
from engcert.organisations.models import Organisation

SHOW = {
    "all": PANEL_STATES,
    "waiting": (ApplicationState.REVIEW_PASSED,),
    "scheduled": (ApplicationState.INTERVIEW_SCHEDULED,),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _panel_url(org: Organisation, batch: Batch, application: Application) -> str:
    return reverse("examiners:panel", kwargs={"society": org.code, "pk": batch.pk, "uid": application.uid})


@login_required
def batch_panels(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org, batch = get_batch_for_panels(user=_user(request), code=society, pk=pk)
    policy = evaluation_policy_get(society=org)
    show = request.GET.get("show", "all")
    states = SHOW.get(show, PANEL_STATES)
    rows = []
    counts = {"waiting": 0, "short": 0, "scheduled": 0, "no_panel": 0}
    for application in panel_applications(batch=batch, states=tuple(s.value for s in states)):
        panel = getattr(application, "panel", None)
        seats = list(panel.seats.all()) if panel is not None else []
        live = [s for s in seats if s.status in LIVE_SEAT_VALUES]
        problems = (
            composition_problems(application=application, examiners=[s.examiner for s in live], policy=policy)
            if application.state in PANEL_OPEN_STATES
            else []
        )
        interview = application.scheduled_interviews[0] if application.scheduled_interviews else None  # type: ignore[attr-defined]
        if application.state == ApplicationState.REVIEW_PASSED:
            counts["waiting"] += 1
        if application.state == ApplicationState.INTERVIEW_SCHEDULED:
            counts["scheduled"] += 1
        if not live:
            counts["no_panel"] += application.state in PANEL_OPEN_STATES
        elif problems:
            counts["short"] += 1
        rows.append(
            {
                "application": application,
                "live": live,
                "declared_conflicts": [s for s in seats if s.status == "conflict"],
                "problems": problems,
                "short": bool(live) and bool(problems),
                "interview": interview,
            }
        )
    if show == "short":
        rows = [r for r in rows if r["problems"]]
    runs = batch.schedule_runs.select_related("created_by").order_by("-created_at")[:5]
    return render(
        request,
        "examiners/staff_batch_panels.html",
        {
            "society": org,
            "batch": batch,
            "policy": policy,
            "rows": rows,
            "counts": counts,
            "show": show,
            "runs": runs,
        },
    )


@login_required
@require_POST
def panels_fill(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org, batch = get_batch_for_panels(user=_user(request), code=society, pk=pk)
    only = request.POST.get("application")
    report = panel_fill_open_seats(
        batch=batch, by=_user(request), application_ids=[int(only)] if only and only.isdigit() else None
    )
    filled = sum(len(names) for names in report.filled.values())
    if filled:
        messages.success(
            request,
            _("%(seats)d seats were filled on %(panels)d panels.")
            % {"seats": filled, "panels": len(report.filled)},
        )
    if report.short:
        messages.warning(
            request,
            _(
                "%(count)d panels are still short: nobody eligible is free for them. See each panel for the reason."
            )
            % {"count": len(report.short)},
        )
    if not filled and not report.short:
        messages.info(request, _("Every panel is complete."))
    if only and only.isdigit():
        application = get_object_or_404(Application, pk=int(only), batch=batch)
        return redirect(_panel_url(org, batch, application))
    return redirect("examiners:batch_panels", society=org.code, pk=batch.pk)


def _panel_context(org: Organisation, batch: Batch, application: Application) -> dict[str, object]:
    policy = evaluation_policy_get(society=org)
    seats = list(
        PanelSeat.objects.filter(panel__application=application)
        .select_related("examiner__user", "assigned_by")
        .prefetch_related("examiner__disciplines")
        .order_by("-is_chair", "assigned_at", "pk")
    )
    live = [s for s in seats if s.status in LIVE_SEAT_VALUES]
    pool = list(pool_for_seats(org))
    conflicts = conflicts_for_many(examiners=pool, applications=[application])
    interviews = list(application.interviews.select_related("room", "created_by").order_by("-created_at"))
    current = next((i for i in interviews if i.status == InterviewStatus.SCHEDULED), None)
    open_ = application.state in PANEL_OPEN_STATES
    add_form = SeatAddForm(society=org)
    add_form.fields["examiner"].notes = {  # type: ignore[attr-defined]
        examiner_id: _("conflict of interest") for (_a, examiner_id) in conflicts
    }
    return {
        "society": org,
        "batch": batch,
        "application": application,
        "policy": policy,
        "seats": seats,
        "live": live,
        "problems": composition_problems(
            application=application, examiners=[s.examiner for s in live], policy=policy
        )
        if open_
        else [],
        "conflicted": [
            (e, conflicts[(application.pk, e.pk)]) for e in pool if (application.pk, e.pk) in conflicts
        ],
        "interviews": interviews,
        "current": current,
        "unavailable": application.unavailable_days.order_by("date"),
        "open": open_,
        "add_form": add_form,
        "slot_form": InterviewSlotForm(society=org),
        "can_schedule": application.state == ApplicationState.REVIEW_PASSED,
        "now": timezone.now(),
    }


@login_required
def panel(request: HttpRequest, society: str, pk: int, uid: UUID) -> HttpResponse:
    org, batch, application = get_application_for_panel(
        user=_user(request), code=society, batch_pk=pk, uid=uid
    )
    return render(request, "examiners/staff_panel.html", _panel_context(org, batch, application))


def _open_for_change(
    request: HttpRequest, society: str, pk: int, uid: UUID
) -> tuple[Organisation, Batch, Application]:
    """The panel's page may be seen after the interview; changes are refused (403)."""
    org, batch, application = get_application_for_panel(
        user=_user(request), code=society, batch_pk=pk, uid=uid
    )
    if application.state not in PANEL_OPEN_STATES:
        raise PermissionDenied
    return org, batch, application


@login_required
@require_POST
def seat_add(request: HttpRequest, society: str, pk: int, uid: UUID) -> HttpResponse:
    org, batch, application = _open_for_change(request, society, pk, uid)
    form = SeatAddForm(request.POST, society=org)
    if form.is_valid():
        examiner = form.cleaned_data["examiner"]
        try:
            panel_seat_add(
                application=application,
                examiner=examiner,
                by=_user(request),
                is_chair=form.cleaned_data["is_chair"],
            )
        except PanelError as error:
            messages.error(
                request,
                _("%(name)s cannot sit on this panel: %(why)s") % {"name": examiner.user, "why": error},
            )
        else:
            messages.success(request, _("%(name)s is on the panel.") % {"name": examiner.user})
    else:
        messages.error(request, _("Please choose an examiner."))
    return redirect(_panel_url(org, batch, application))


def _seat(application: Application, seat_pk: int) -> PanelSeat:
    return get_object_or_404(
        PanelSeat.objects.select_related("examiner__user", "panel"),
        pk=seat_pk,
        panel__application=application,
    )


@login_required
def seat_remove(request: HttpRequest, society: str, pk: int, uid: UUID, seat: int) -> HttpResponse:
    org, batch, application = _open_for_change(request, society, pk, uid)
    target = _seat(application, seat)
    if target.status not in LIVE_SEAT_VALUES:
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            panel_seat_remove(seat=target, by=_user(request), reason=form.cleaned_data["reason"])
        except PanelError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, _("%(name)s is off the panel.") % {"name": target.examiner.user})
            return redirect(_panel_url(org, batch, application))
    return render(
        request,
        "examiners/staff_seat_change.html",
        {
            "society": org,
            "batch": batch,
            "application": application,
            "seat": target,
            "form": form,
            "replace": False,
        },
    )


@login_required
def seat_replace(request: HttpRequest, society: str, pk: int, uid: UUID, seat: int) -> HttpResponse:
    org, batch, application = _open_for_change(request, society, pk, uid)
    target = _seat(application, seat)
    if target.status not in LIVE_SEAT_VALUES:
        raise PermissionDenied
    form = SeatReplaceForm(request.POST or None, society=org)
    if request.method == "POST" and form.is_valid():
        examiner = form.cleaned_data["examiner"]
        try:
            panel_seat_replace(
                seat=target, examiner=examiner, by=_user(request), reason=form.cleaned_data["reason"]
            )
        except PanelError as error:
            form.add_error(
                "examiner",
                _("%(name)s cannot sit on this panel: %(why)s") % {"name": examiner.user, "why": error},
            )
        else:
            messages.success(
                request,
                _("%(name)s replaces %(old)s.") % {"name": examiner.user, "old": target.examiner.user},
            )
            return redirect(_panel_url(org, batch, application))
    return render(
        request,
        "examiners/staff_seat_change.html",
        {
            "society": org,
            "batch": batch,
            "application": application,
            "seat": target,
            "form": form,
            "replace": True,
        },
    )


@login_required
@require_POST
def seat_chair(request: HttpRequest, society: str, pk: int, uid: UUID, seat: int) -> HttpResponse:
    org, batch, application = _open_for_change(request, society, pk, uid)
    try:
        panel_chair_set(seat=_seat(application, seat), by=_user(request))
    except PanelError as error:
        messages.error(request, str(error))
    return redirect(_panel_url(org, batch, application))


@login_required
@require_POST
def interview_new(request: HttpRequest, society: str, pk: int, uid: UUID) -> HttpResponse:
    org, batch, application = _open_for_change(request, society, pk, uid)
    if application.state != ApplicationState.REVIEW_PASSED:
        raise PermissionDenied
    form = InterviewSlotForm(request.POST, society=org)
    if form.is_valid():
        policy = evaluation_policy_get(society=org)
        starts_at, _ends = interview_times(
            application=application,
            policy=policy,
            day=form.cleaned_data["day"],
            start=form.cleaned_data["start"],
        )
        try:
            interview_schedule(
                application=application,
                room=form.cleaned_data["room"],
                starts_at=starts_at,
                by=_user(request),
            )
        except InterviewError as error:
            for problem in error.problems:
                messages.error(request, problem)
        else:
            messages.success(request, _("The interview is scheduled and the candidate told."))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    return redirect(_panel_url(org, batch, application))


def _interview(application: Application, interview_pk: int) -> Interview:
    interview = get_object_or_404(
        Interview.objects.select_related("room"), pk=interview_pk, application=application
    )
    if interview.status != InterviewStatus.SCHEDULED:
        raise PermissionDenied
    return interview


@login_required
def interview_change(request: HttpRequest, society: str, pk: int, uid: UUID, interview: int) -> HttpResponse:
    org, batch, application = _open_for_change(request, society, pk, uid)
    current = _interview(application, interview)
    local = timezone.localtime(current.starts_at)
    form = InterviewSlotForm(
        request.POST or None,
        society=org,
        with_reason=True,
        initial={"day": local.date(), "start": local.time(), "room": current.room},
    )
    if request.method == "POST" and form.is_valid():
        policy = evaluation_policy_get(society=org)
        starts_at, _ends = interview_times(
            application=application,
            policy=policy,
            day=form.cleaned_data["day"],
            start=form.cleaned_data["start"],
        )
        try:
            interview_move(
                interview=current,
                room=form.cleaned_data["room"],
                starts_at=starts_at,
                by=_user(request),
                reason=form.cleaned_data["reason"],
            )
        except InterviewError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("The interview was moved and the candidate told."))
            return redirect(_panel_url(org, batch, application))
    return render(
        request,
        "examiners/staff_interview_move.html",
        {"society": org, "batch": batch, "application": application, "interview": current, "form": form},
    )


@login_required
def interview_no_show(request: HttpRequest, society: str, pk: int, uid: UUID, interview: int) -> HttpResponse:
    org, batch, application = _open_for_change(request, society, pk, uid)
    current = _interview(application, interview)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            interview_record_no_show(interview=current, by=_user(request), reason=form.cleaned_data["reason"])
        except InterviewError as error:
            for problem in error.problems:
                form.add_error("reason", problem)
        else:
            messages.success(
                request, _("The missed interview is recorded; the candidate is waiting for a new interview.")
            )
            return redirect(_panel_url(org, batch, application))
    return render(
        request,
        "examiners/staff_interview_no_show.html",
        {"society": org, "batch": batch, "application": application, "interview": current, "form": form},
    )
