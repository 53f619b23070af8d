"""The candidate's appeal form."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.appeals.access import get_application_for_appellant
from engcert.appeals.domain import (
    AppealError,
    AppealEvidenceNotStored,
    appeal_lodge,
    appeal_refusal,
    decision_for_appeal,
)
from engcert.appeals.forms import AppealForm
from engcert.appeals.selectors import appeal_latest_for


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def lodge(request: HttpRequest, uid: UUID) -> HttpResponse:
    user = _user(request)
    application = get_application_for_appellant(user=user, uid=uid)
    decision = decision_for_appeal(application=application)
    refusal = appeal_refusal(application=application, decision=decision)
    form = AppealForm(request.POST or None, request.FILES or None) if not refusal else None
    unstored = False  # the server could not store the evidence: 503, the form shown again
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            appeal_lodge(
                application=application,
                by=user,
                statement=form.cleaned_data["statement"],
                files=form.cleaned_data["evidence"],
                now=timezone.now(),
            )
        except AppealError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            unstored = isinstance(error, AppealEvidenceNotStored)
        else:
            messages.success(
                request,
                _(
                    "Your appeal has been received. A panel will review it; you will receive an email with the outcome."
                ),
            )
            return redirect("applications:detail", application.uid)
    status = 200
    if request.method == "POST" and (refusal or (form is not None and form.errors)):
        status = 503 if unstored else 400
    return render(
        request,
        "appeals/lodge.html",
        {
            "application": application,
            "decision": decision,
            "refusal": refusal,
            "form": form,
            "appeal": appeal_latest_for(application=application),
        },
        status=status,
    )
