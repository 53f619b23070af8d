"""Becoming a unit's administrator: accepting the staff's invitation, or asking for it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from engcert.accounts.models import User
from engcert.units.domain import (
    UnitError,
    unit_admin_invitation_accept,
    unit_admin_invitation_get,
    unit_admin_request_create,
)
from engcert.units.forms import AdminRequestForm


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email; a visitor without an account signs up from here."""
    found = unit_admin_invitation_get(token=token)
    if found is None:
        return render(request, "units/invitation.html", {"invitation": None}, status=404)
    error = ""
    if request.method == "POST" and request.user.is_authenticated:
        try:
            unit_admin_invitation_accept(invitation=found, user=_user(request))
        except UnitError as problem:
            error = str(problem)
        else:
            messages.success(request, _("You now administer %(unit)s.") % {"unit": found.unit.display_name})
            return redirect("units:engineers", found.unit.code)
    return render(
        request,
        "units/invitation.html",
        {"invitation": found, "error": error, "here": request.get_full_path()},
        status=400 if error else 200,
    )


@login_required
def ask(request: HttpRequest) -> HttpResponse:
    form = AdminRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit_admin_request_create(
                unit=form.cleaned_data["unit"],
                user=_user(request),
                position=form.cleaned_data["position"],
                note=form.cleaned_data["note"],
            )
        except UnitError as error:
            form.add_error("unit", str(error))
        else:
            messages.success(
                request, _("Your request is with the society; you will receive an email with its answer.")
            )
            return redirect("units:home")
    return render(request, "units/ask.html", {"form": form})
