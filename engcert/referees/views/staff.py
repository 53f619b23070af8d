"""Staff actions on referee confirmation, from the initial-review page: ask the referees (again),
record a bounce by hand; and the society's referee policy."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.batches.access import get_society_for_staff
from engcert.referees.access import get_request_for_staff
from engcert.referees.domain.policy import referee_policy_update
from engcert.referees.domain.requests import (
    RefereeError,
    referee_request_mark_bounced,
    referees_ask_by_staff,
)
from engcert.referees.forms import BounceForm, PolicyForm
from engcert.referees.selectors import referee_policy_get
from engcert.review.access import get_application_for_review


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _back(society: str, uid: UUID) -> HttpResponse:
    return redirect(reverse("review:application", args=[society, uid]) + "#referees")


@login_required
@require_POST
def ask(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    _society, application = get_application_for_review(user=_user(request), society_code=society, uid=uid)
    try:
        created = referees_ask_by_staff(application=application, by=_user(request))
    except RefereeError as error:
        messages.error(request, str(error))
    else:
        if created:
            messages.success(
                request,
                ngettext(
                    "One referee is being emailed a new link.",
                    "%(count)d referees are being emailed a new link.",
                    len(created),
                )
                % {"count": len(created)},
            )
        else:
            messages.info(request, _("Every referee has answered already, or no claim names a referee."))
    return _back(society, uid)


@login_required
@require_POST
def bounced(request: HttpRequest, society: str, uid: UUID, request_uid: UUID) -> HttpResponse:
    org, application = get_application_for_review(user=_user(request), society_code=society, uid=uid)
    referee_request = get_request_for_staff(society=org, application=application, uid=request_uid)
    form = BounceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what came back before marking the address as bounced."))
        return _back(society, uid)
    try:
        referee_request_mark_bounced(
            request=referee_request, by=_user(request), note=form.cleaned_data["note"]
        )
    except RefereeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(email)s is marked as undeliverable; the applicant is asked to replace the referee.")
            % {"email": referee_request.email},
        )
    return _back(society, uid)


@login_required
def policy(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    current = referee_policy_get(society=org)
    initial = {
        "link_valid_days": current.link_valid_days,
        "reminder_days": ", ".join(str(day) for day in current.reminder_days or []),
    }
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referee_policy_update(
                society=org,
                by=_user(request),
                link_valid_days=form.cleaned_data["link_valid_days"],
                reminder_days=form.cleaned_data["reminder_days"],
            )
        except RefereeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The referee policy is saved."))
            return redirect("referees:policy", org.code)
    return render(
        request,
        "referees/staff_policy.html",
        {"society": org, "form": form, "policy": current},
        status=400 if form.is_bound and form.errors else 200,
    )
