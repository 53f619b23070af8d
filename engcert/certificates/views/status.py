"""The society staff's page of one certificate: its details, history, and status changes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.models import AuditEvent
from engcert.batches.access import get_society_for_staff
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.forms_public import StatusChangeForm
from engcert.certificates.models import Certificate
from engcert.certificates.status import (
    STATUS_TRANSITIONS,
    StatusChangeError,
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)

CHANGES = {
    "suspend": (certificate_suspend, CertificateStatus.SUSPENDED),
    "reinstate": (certificate_reinstate, CertificateStatus.VALID),
    "revoke": (certificate_revoke, CertificateStatus.REVOKED),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def staff_detail(request: HttpRequest, society: str, number: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    certificate = (
        Certificate.objects.filter(society=org, number=number)
        .select_related("society", "grade", "discipline", "registration__unit", "status_changed_by")
        .first()
    )
    if certificate is None:
        raise Http404
    if not _user(request).has_perm("certificates.change_certificate_status", certificate):
        raise PermissionDenied
    allowed = STATUS_TRANSITIONS[certificate.status]
    forms: dict[str, StatusChangeForm] = {
        action: StatusChangeForm(initial={"action": action}, prefix=action)
        for action, (_change, target) in CHANGES.items()
        if target in allowed
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in CHANGES:
            raise Http404
        form = StatusChangeForm(request.POST, prefix=action, initial={"action": action})
        # The action comes from the button pressed; the prefixed hidden field must agree.
        if form.is_valid() and form.cleaned_data["action"] == action:
            change, _target = CHANGES[action]
            try:
                change(certificate=certificate, reason=form.cleaned_data["reason"], by=_user(request))
            except StatusChangeError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _success_message(action, certificate.number))
                return HttpResponseRedirect(
                    reverse("certificates:staff_detail", args=[org.code, certificate.number])
                )
        forms[action] = form
    events = (
        AuditEvent.objects.filter(subject_type="certificates.certificate", subject_id=str(certificate.pk))
        .select_related("actor")
        .order_by("position")
    )
    labels = _event_labels()
    history = [{"event": event, "label": labels.get(event.action, event.action)} for event in events]
    context: dict[str, Any] = {
        "society": org,
        "certificate": certificate,
        "status": certificate.effective_status(),
        "forms": forms,
        "history": history,
    }
    return render(
        request, "certificates/staff/detail.html", context, status=400 if request.method == "POST" else 200
    )


def _event_labels() -> dict[str, str]:
    return {
        "certificates.issued": _("Issued"),
        "certificates.imported": _("Imported from earlier records"),
        "certificates.suspended": _("Suspended"),
        "certificates.reinstated": _("Reinstated"),
        "certificates.revoked": _("Revoked"),
        "certificates.expired": _("Expired"),
    }


def _success_message(action: str, number: str) -> str:
    if action == "suspend":
        return _("Certificate %(number)s is suspended; the member has been told.") % {"number": number}
    if action == "reinstate":
        return _("Certificate %(number)s is valid again; the member has been told.") % {"number": number}
    return _("Certificate %(number)s is revoked; the member has been told.") % {"number": number}
