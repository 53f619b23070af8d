"""The member's re-registration page: whether and when they can apply, their CPD for the
registration period, the declaration with the pledge, and what became of their applications."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.models import PledgeText
from engcert.cpd.selectors import member_registrations
from engcert.registration.models import Registration
from engcert.renewals.access import get_registration_for_member
from engcert.renewals.domain import Eligibility, RenewalError, pledge_for, renewal_eligibility, renewal_submit
from engcert.renewals.enums import RenewalState
from engcert.renewals.forms import DeclarationForm
from engcert.renewals.models import Renewal
from engcert.renewals.selectors import renewals_of


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@dataclass
class Section:
    registration: Registration
    eligibility: Eligibility
    renewals: list[Renewal]
    returned: Renewal | None
    form: DeclarationForm | None
    pledge: PledgeText | None


def _expected_name(registration: Registration) -> str:
    return registration.full_name or (registration.holder.full_name if registration.holder else "")


def _initial(registration: Registration, renewals: list[Renewal]) -> dict[str, str]:
    if renewals:
        last = renewals[0]
        return {
            "unit_name": last.unit_name,
            "position": last.position,
            "phone": last.phone,
            "email": last.email,
        }
    return {
        "unit_name": registration.unit.display_name if registration.unit else "",
        "email": registration.email or (registration.holder.email if registration.holder else ""),
    }


def _section(registration: Registration, request: HttpRequest, bound_pk: int | None) -> Section:
    eligibility = renewal_eligibility(registration=registration)
    renewals = renewals_of(registration=registration)
    returned = next((r for r in renewals if r.state == RenewalState.RETURNED), None)
    form = None
    if eligibility.can_apply or returned is not None:
        form = DeclarationForm(
            request.POST if bound_pk == registration.pk else None,
            expected_name=_expected_name(registration),
            initial=_initial(registration, renewals),
            prefix=f"r{registration.pk}",
        )
    return Section(
        registration, eligibility, renewals, returned, form, pledge_for(society=registration.society)
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    bound_pk = None
    if request.method == "POST":
        try:
            bound_pk = int(request.POST.get("registration", ""))
        except ValueError:
            bound_pk = None
        if bound_pk is not None:
            get_registration_for_member(user=user, pk=bound_pk)
    sections = [_section(r, request, bound_pk) for r in member_registrations(user=user)]
    status = 200
    for section in sections:
        if section.registration.pk != bound_pk or section.form is None:
            continue
        if section.form.is_valid():
            try:
                renewal_submit(
                    registration=section.registration, by=user, declaration=section.form.declaration()
                )
            except RenewalError as error:
                section.form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Your re-registration is sent to the society. You will get an email when they have decided."
                    ),
                )
                return redirect("renewals:mine")
        status = 400
    if request.method == "POST" and bound_pk is not None and status == 200:
        # The form is gone (the window closed or a renewal is already open): say why.
        messages.error(request, _("You cannot apply now; see the reasons below."))
        status = 400
    return render(request, "renewals/mine.html", {"sections": sections}, status=status)
