"""The society's certificate policy: numbering, validity, the head who signs, re-registration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.batches.access import get_society_for_staff
from engcert.certificates.domain import (
    POLICY_FIELDS,
    CertificateError,
    PolicyValues,
    certificate_policy_get,
    certificate_policy_update,
)
from engcert.certificates.forms import PolicyForm
from engcert.certificates.numbering import NumberFormatError, NumberParts, number_render


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def policy(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    current = certificate_policy_get(org)
    initial = {name: getattr(current, name) for name in POLICY_FIELDS}
    form = PolicyForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certificate_policy_update(
                society=org,
                values=PolicyValues(**{name: data[name] for name in POLICY_FIELDS}),
                signature_image=data["signature_image"],
                remove_signature=data["remove_signature"],
                by=_user(request),
            )
        except NumberFormatError as error:
            form.add_error("number_format", error.problems)
        except CertificateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The certificate policy is saved."))
            return redirect("certificates:policy", society=org.code)
    example = number_render(current.number_format, NumberParts(society=org.code, year=2026, grade="PE"))
    return render(
        request,
        "certificates/staff/issue_policy.html",
        {"society": org, "form": form, "policy": current, "example": example},
        status=400 if form.errors else 200,
    )
