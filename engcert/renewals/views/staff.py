"""The society's re-registration pages: the list to review and one application with its decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.batches.access import get_society_for_staff
from engcert.cpd.selectors import member_progress
from engcert.renewals.access import get_renewal_for_staff
from engcert.renewals.domain import RenewalError, next_term_start, renewal_transition
from engcert.renewals.enums import RenewalState
from engcert.renewals.forms import DecisionForm
from engcert.renewals.selectors import renewal_list


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def staff_list(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    state = request.GET.get("state", RenewalState.SUBMITTED)
    if state not in RenewalState.values and state != "all":
        state = RenewalState.SUBMITTED
    query = request.GET.get("q", "")[:100]
    renewals = list(renewal_list(society=org, state="" if state == "all" else state, query=query)[:500])
    return render(
        request,
        "renewals/staff_list.html",
        {
            "society": org,
            "renewals": renewals,
            "state": state,
            "query": query,
            "states": RenewalState.choices,
        },
    )


@login_required
def staff_detail(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    renewal = get_renewal_for_staff(society=org, pk=pk)
    decidable = renewal.state == RenewalState.SUBMITTED
    form = DecisionForm(request.POST if request.method == "POST" and decidable else None)
    if request.method == "POST" and not decidable:
        messages.error(request, _("This re-registration is no longer waiting for a decision."))
        return redirect("renewals:staff_detail", org.code, renewal.pk)
    if request.method == "POST" and form.is_valid():
        try:
            renewal = renewal_transition(
                renewal=renewal,
                to_state=RenewalState(form.cleaned_data["decision"]),
                by=_user(request),
                reason=form.cleaned_data["reason"],
            )
        except RenewalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Decision recorded: %(state)s. The member has been told by email.")
                % {"state": RenewalState(renewal.state).label},
            )
            return redirect("renewals:staff_detail", org.code, renewal.pk)
    return render(
        request,
        "renewals/staff_detail.html",
        {
            "society": org,
            "renewal": renewal,
            "progress": member_progress(registration=renewal.registration),
            "form": form if decidable else None,
            "next_start": next_term_start(certificate=renewal.certificate),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
