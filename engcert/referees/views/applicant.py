"""The applicant replaces a referee who has not answered, or whose address could not be reached."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.referees.access import get_claim_for_applicant
from engcert.referees.domain.requests import NewReferee, RefereeError, referee_replace
from engcert.referees.enums import REPLACEABLE
from engcert.referees.forms import ReplaceForm
from engcert.referees.panels import claim_rows


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def replace(request: HttpRequest, uid: UUID, claim_uid: UUID) -> HttpResponse:
    user = _user(request)
    application, claim = get_claim_for_applicant(user=user, uid=uid, claim_uid=claim_uid)
    if not user.has_perm("referees.replace_referee", application):
        raise PermissionDenied
    row = next(
        (row for row in claim_rows(application=application, with_flags=False) if row.latest == claim),
        None,
    )
    replaceable = row is not None and row.replaceable and row.status in REPLACEABLE
    form = ReplaceForm(request.POST if request.method == "POST" else None, old_email=claim.request.email)
    if request.method == "POST" and replaceable and form.is_valid():
        data = form.cleaned_data
        try:
            referee_replace(
                claim=claim,
                by=user,
                referee=NewReferee(
                    name=data["name"],
                    position=data["position"],
                    organisation=data["organisation"],
                    email=data["email"],
                    phone=data["phone"],
                ),
                reason=data["reason"],
            )
        except RefereeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is asked to confirm “%(claim)s” by email.")
                % {"name": data["name"], "claim": claim.facts.get("title", "")},
            )
            return redirect("applications:detail", application.uid)
    status = 200
    if request.method == "POST":
        status = 409 if not replaceable else 400
    return render(
        request,
        "referees/replace.html",
        {"application": application, "claim": claim, "row": row, "replaceable": replaceable, "form": form},
        status=status,
    )
