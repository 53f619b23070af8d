"""The applicant's side: the days they cannot come to an interview, and the calendar file."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.access import get_application_for_user
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.examiners.domain.ics import interview_ics
from engcert.examiners.forms import UnavailabilityForm
from engcert.examiners.models import CandidateUnavailability, Interview
from engcert.examiners.selectors import LIVE_SEAT_VALUES, interview_scheduled_for


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _own(request: HttpRequest, uid: UUID) -> Application:
    """The applicant's own application: 404 for outsiders; 403 for staff, who may read it but not act."""
    application = get_application_for_user(user=_user(request), uid=uid)
    if application.applicant_id != request.user.pk:
        raise PermissionDenied
    return application


@login_required
def unavailable_days(request: HttpRequest, uid: UUID) -> HttpResponse:
    application = _own(request, uid)
    can_change = request.user.has_perm("examiners.record_unavailability", application)
    form = UnavailabilityForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                with transaction.atomic():
                    row = CandidateUnavailability.objects.create(application=application, **form.cleaned_data)
                    audit_event_append(
                        actor=_user(request),
                        action="interview.unavailable_add",
                        subject=row,
                        application=application,
                        data={"date": row.date.isoformat()},
                    )
            except IntegrityError:
                form.add_error("date", _("You have already named this day."))
            else:
                messages.success(request, _("Noted: you cannot attend on %(day)s.") % {"day": row.date})
                return redirect("interviews:unavailable", uid=application.uid)
    return render(
        request,
        "examiners/applicant_unavailable.html",
        {
            "application": application,
            "days": application.unavailable_days.order_by("date"),
            "form": form,
            "can_change": can_change,
        },
    )


@login_required
@require_POST
def unavailable_remove(request: HttpRequest, uid: UUID, pk: int) -> HttpResponse:
    application = _own(request, uid)
    if not request.user.has_perm("examiners.record_unavailability", application):
        raise PermissionDenied
    row = get_object_or_404(CandidateUnavailability, pk=pk, application=application)
    with transaction.atomic():
        audit_event_append(
            actor=_user(request),
            action="interview.unavailable_remove",
            subject=row,
            application=application,
            data={"date": row.date.isoformat()},
        )
        row.delete()
    messages.success(request, _("The day was removed."))
    return redirect("interviews:unavailable", uid=application.uid)


@login_required
def calendar(request: HttpRequest, uid: UUID) -> HttpResponse:
    application = _own(request, uid)
    interview = interview_scheduled_for(application=application)
    if interview is None:
        raise Http404
    interview.application = application
    panel_size = application.panel.seats.filter(status__in=LIVE_SEAT_VALUES).count()
    sequence = Interview.objects.filter(application=application, created_at__lt=interview.created_at).count()
    response = HttpResponse(
        interview_ics(interview=interview, panel_size=panel_size, sequence=sequence),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="interview.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
