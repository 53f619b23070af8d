"""The unit administrator's pages: their units, the engineers' list, one application with the
unit's endorsement, the profile and the invitations to apply."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.units.access import get_application_for_unit, get_unit_for_admin
from engcert.units.domain import (
    ORGANISATION_FIELDS,
    UnitError,
    endorsement_decide,
    endorsement_get,
    engineers_invite,
    unit_profile_get,
    unit_profile_save,
)
from engcert.units.enums import ENDORSABLE_STATES, EndorsementDecision
from engcert.units.forms import EndorsementForm, EngineerInviteForm, ProfileForm
from engcert.units.selectors import (
    engineer_invitation_list,
    open_batches,
    roster_batches,
    unit_engineer_list,
    units_administered,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    units = list(units_administered(user=_user(request)))
    if len(units) == 1:
        return redirect("units:engineers", units[0].code)
    return render(request, "units/home.html", {"units": units})


@login_required
def engineers(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_admin(user=_user(request), code=code)
    applications = list(unit_engineer_list(unit=unit)[:1000])
    return render(
        request,
        "units/engineers.html",
        {
            "unit": unit,
            "applications": applications,
            "roster_batches": roster_batches(unit=unit),
            "endorsable_states": [str(s) for s in ENDORSABLE_STATES],
        },
    )


@login_required
def roster(request: HttpRequest, code: str, batch: int) -> HttpResponse:
    """The unit's roster (附件3) for one batch, made from its engineers' submitted applications."""
    from engcert.rosters.domain.export import roster_export, roster_identity_numbers_viewed

    unit = get_unit_for_admin(user=_user(request), code=code)
    found = next((b for b in roster_batches(unit=unit) if b.pk == batch), None)
    if found is None:
        raise Http404
    roster_identity_numbers_viewed(batch=found, unit=unit, by=_user(request))
    response = HttpResponse(
        roster_export(batch=found, unit=unit),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{unit.code}-{found.code}-roster.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def application(request: HttpRequest, code: str, uid: UUID) -> HttpResponse:
    unit = get_unit_for_admin(user=_user(request), code=code)
    app = get_application_for_unit(unit=unit, uid=uid)
    endorsement = endorsement_get(application=app)
    can_decide = _user(request).has_perm("units.endorse_application", app)
    form = EndorsementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_decide:
            messages.error(request, _("This application can no longer be endorsed or declined."))
            return redirect("units:application", unit.code, app.uid)
        if form.is_valid():
            try:
                endorsement = endorsement_decide(
                    application=app,
                    to_decision=EndorsementDecision(form.cleaned_data["decision"]),
                    reason=form.cleaned_data["reason"],
                    by=_user(request),
                )
            except UnitError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(name)s: %(decision)s.")
                    % {"name": app.full_name or app.number, "decision": endorsement.get_decision_display()},
                )
                return redirect("units:engineers", unit.code)
    return render(
        request,
        "units/application.html",
        {
            "unit": unit,
            "application": app,
            "endorsement": endorsement,
            "can_decide": can_decide,
            "form": form,
        },
        status=200 if request.method == "GET" or not form.errors else 400,
    )


@login_required
def profile(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_admin(user=_user(request), code=code)
    saved = unit_profile_get(unit=unit)
    initial = {name: getattr(unit, name) for name in ORGANISATION_FIELDS} | {
        name: getattr(saved, name)
        for name in ("address", "postcode", "contact_name", "contact_phone", "contact_email")
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit_profile_save(unit=unit, values=form.cleaned_data, by=_user(request))
        except UnitError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The unit's profile is saved."))
            return redirect("units:profile", unit.code)
    return render(request, "units/profile.html", {"unit": unit, "form": form, "profile": saved})


@login_required
def invitations(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_admin(user=_user(request), code=code)
    batches = open_batches(unit=unit)
    form = EngineerInviteForm(request.POST or None, batches=batches)
    if request.method == "POST" and form.is_valid():
        try:
            created = engineers_invite(
                unit=unit,
                batch=form.cleaned_data["batch"],
                people=form.cleaned_data["people"],
                by=_user(request),
            )
        except UnitError as error:
            form.add_error(None, str(error))
        else:
            skipped = len(form.cleaned_data["people"]) - len(created)
            messages.success(request, _("Invitations sent: %(count)d.") % {"count": len(created)})
            if skipped:
                messages.info(
                    request,
                    _("Already invited to this call, not sent again: %(count)d.") % {"count": skipped},
                )
            return redirect("units:invitations", unit.code)
    rows = list(engineer_invitation_list(unit=unit)[:1000])
    return render(
        request,
        "units/invitations.html",
        {"unit": unit, "form": form, "rows": rows, "has_open_call": batches.exists()},
    )
