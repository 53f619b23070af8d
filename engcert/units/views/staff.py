"""The society staff's page of its units: each unit's administrators, invitations and the
requests to administer a unit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.batches.access import get_society_for_staff
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from engcert.units.access import get_admin_request_for_staff, get_unit_for_staff
from engcert.units.domain import UnitError, unit_admin_invite, unit_admin_remove, unit_admin_request_decide
from engcert.units.enums import AdminRequestState
from engcert.units.forms import AdminInviteForm, AdminRequestDecisionForm, RemoveAdminForm
from engcert.units.selectors import admin_requests_pending, unit_list_for_staff


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def unit_list(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    return render(
        request,
        "units/staff_units.html",
        {
            "society": org,
            "units": list(unit_list_for_staff(society=org)),
            "requests": list(admin_requests_pending(society=org)),
            "invite_form": AdminInviteForm(),
            "decision_form": AdminRequestDecisionForm(),
        },
    )


@login_required
@require_POST
def admin_invite(request: HttpRequest, society: str, unit: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    target = get_unit_for_staff(society=org, code=unit)
    form = AdminInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a valid email address."))
    else:
        try:
            unit_admin_invite(unit=target, email=form.cleaned_data["email"], by=_user(request))
        except UnitError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("An invitation to administer %(unit)s was sent to %(email)s.")
                % {"unit": target.display_name, "email": form.cleaned_data["email"]},
            )
    return redirect("units:staff_units", org.code)


@login_required
@require_POST
def admin_request_decide(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    admin_request = get_admin_request_for_staff(society=org, pk=pk)
    form = AdminRequestDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        try:
            unit_admin_request_decide(
                request=admin_request,
                to_state=AdminRequestState(form.cleaned_data["decision"]),
                by=_user(request),
                reason=form.cleaned_data["reason"],
            )
        except UnitError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The request is decided; the person is told by email."))
    return redirect("units:staff_units", org.code)


@login_required
@require_POST
def admin_remove(request: HttpRequest, society: str, unit: str, pk: int) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    target = get_unit_for_staff(society=org, code=unit)
    membership = get_object_or_404(
        Membership.objects.select_related("organisation__society", "user"),
        pk=pk,
        organisation=target,
        role=Role.UNIT_ADMIN,
        is_active=True,
    )
    form = RemoveAdminForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
    else:
        try:
            unit_admin_remove(membership=membership, by=_user(request), reason=form.cleaned_data["reason"])
        except UnitError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(person)s no longer administers %(unit)s.")
                % {"person": membership.user, "unit": target.display_name},
            )
    return redirect("units:staff_units", org.code)
