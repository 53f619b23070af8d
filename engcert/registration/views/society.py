"""The society's pages: its packages for the alliance with each candidate's outcome, and
preparing the next package of a batch."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.batches.access import get_society_for_staff
from engcert.batches.models import Batch
from engcert.registration.access import get_package_for_society_staff
from engcert.registration.domain import RegistrationError, package_send
from engcert.registration.forms import SendForm
from engcert.registration.models import PackageItem
from engcert.registration.selectors import (
    batches_with_sendable,
    last_return_of,
    package_list,
    sendable_candidates,
    snapshot_candidate,
)
from engcert.registration.views.display import package_rows, record_for_display


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def packages(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    return render(
        request,
        "registration/society_packages.html",
        {
            "society": org,
            "packages": list(package_list(society=org)[:200]),
            "ready": batches_with_sendable(society=org),
        },
    )


@login_required
def send(request: HttpRequest, society: str, batch: int) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    found = Batch.objects.filter(society=org, pk=batch).first()
    if found is None:
        raise Http404
    candidates = sendable_candidates(batch=found)
    form = SendForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            package = package_send(
                society=org,
                batch=found,
                applications=list(form.cleaned_data["candidates"]),
                by=_user(request),
            )
        except RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Version %(version)s was sent to the alliance with %(count)s candidates.")
                % {"version": package.version, "count": package.items.count()},
            )
            return redirect(reverse("registration:society_package", args=[org.code, package.pk]))
    listed = list(candidates)
    returns = last_return_of(listed)
    chosen = {str(value) for value in (form["candidates"].value() or [])}
    rows = [
        {
            "application": application,
            "returned": returns.get(application.pk),
            "checked": str(application.pk) in chosen,
        }
        for application in listed
    ]
    return render(
        request,
        "registration/society_send.html",
        {"society": org, "batch": found, "form": form, "rows": rows},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def package(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    found = get_package_for_society_staff(society=org, pk=pk)
    return render(
        request,
        "registration/package.html",
        {"package": found, "items": package_rows(found), "reviewer": False, "society": org},
    )


@login_required
def candidate(request: HttpRequest, society: str, pk: int, uid: UUID) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    found = get_package_for_society_staff(society=org, pk=pk)
    record = snapshot_candidate(package=found, uid=str(uid))
    item = (
        PackageItem.objects.select_related("application__registration", "decided_by")
        .filter(package=found, application__uid=uid)
        .first()
    )
    if record is None or item is None:
        raise Http404
    later = (
        PackageItem.objects.select_related("package")
        .filter(application=item.application, pk__gt=item.pk)
        .last()
    )
    return render(
        request,
        "registration/candidate.html",
        {
            "package": found,
            "item": item,
            "record": record_for_display(record),
            "later": later,
            "reviewer": False,
            "society": org,
            "decidable": False,
            "registration": getattr(item.application, "registration", None),
        },
    )
