"""The alliance's pages: every society's packages, a package, a candidate's record as sent, the
decision on each candidate, and the member-number policy. Only alliance reviewers reach them."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.registration.access import get_package_for_reviewer, require_reviewer
from engcert.registration.domain import (
    RegistrationError,
    registration_confirm,
    registration_confirm_many,
    registration_policy_update,
    registration_return,
)
from engcert.registration.enums import ItemOutcome, SequenceScope
from engcert.registration.forms import BulkConfirmForm, PackageFilterForm, PolicyForm, ReturnForm
from engcert.registration.models import AlliancePackage, NumberCounter, PackageItem, RegistrationPolicy
from engcert.registration.numbering import NumberParts, number_format_problems, number_render
from engcert.registration.selectors import package_list, registration_policy_get, snapshot_candidate
from engcert.registration.views.display import package_rows, record_for_display

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def packages(request: HttpRequest) -> HttpResponse:
    require_reviewer(user=_user(request))
    form = PackageFilterForm(request.GET or None)
    society, status = None, ""
    if form.is_valid():
        society, status = form.cleaned_data["society"], form.cleaned_data["status"]
    page = Paginator(package_list(society=society, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "registration/alliance_packages.html",
        {"form": form, "page": page, "packages": page.object_list, "query": _query_without_page(request)},
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _package_context(package: AlliancePackage, bulk_form: BulkConfirmForm | None = None) -> dict[str, object]:
    items = package_rows(package)
    return {
        "package": package,
        "items": items,
        "reviewer": True,
        "bulk_form": bulk_form,
        "decidable_count": len([item for item in items if item.decidable]),  # type: ignore[attr-defined]
    }


@login_required
def package(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_package_for_reviewer(user=_user(request), pk=pk)
    return render(request, "registration/package.html", _package_context(found))


@login_required
@require_POST
def confirm_selected(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_package_for_reviewer(user=_user(request), pk=pk)
    form = BulkConfirmForm(request.POST, items=found.items.select_related("application", "package"))
    if not form.is_valid():
        return render(request, "registration/package.html", _package_context(found, form), status=400)
    chosen = sorted(form.cleaned_data["items"], key=lambda item: (item.application.number or "", item.pk))
    outcomes = registration_confirm_many(items=chosen, by=_user(request))
    return render(
        request,
        "registration/bulk_result.html",
        {
            "package": found,
            "outcomes": outcomes,
            "done": sum(1 for o in outcomes if o.done),
            "not_done": sum(1 for o in outcomes if not o.done),
        },
    )


@login_required
def candidate(request: HttpRequest, pk: int, uid: UUID) -> HttpResponse:
    found = get_package_for_reviewer(user=_user(request), pk=pk)
    record = snapshot_candidate(package=found, uid=str(uid))
    item = (
        PackageItem.objects.select_related("application__registration", "decided_by")
        .filter(package=found, application__uid=uid)
        .first()
    )
    if record is None or item is None:
        raise Http404
    return_form = ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                registration = registration_confirm(item=item, by=_user(request))
                messages.success(
                    request,
                    _("%(name)s is registered with member number %(number)s.")
                    % {"name": record["full_name"], "number": registration.member_number},
                )
                return redirect(request.path)
            if action == "return":
                return_form = ReturnForm(request.POST)
                if return_form.is_valid():
                    registration_return(
                        item=item, reason=return_form.cleaned_data["reason"], by=_user(request)
                    )
                    messages.success(
                        request,
                        _("%(name)s was returned to the society; the candidate has been told why.")
                        % {"name": record["full_name"]},
                    )
                    return redirect(request.path)
        except RegistrationError as error:
            messages.error(request, str(error))
            return redirect(request.path)
    later = (
        PackageItem.objects.select_related("package")
        .filter(application=item.application, pk__gt=item.pk)
        .last()
    )
    context = {
        "package": found,
        "item": item,
        "record": record_for_display(record),
        "later": later,
        "reviewer": True,
        "decidable": item.outcome == ItemOutcome.PENDING
        and later is None
        and item.application.state == ApplicationState.WITH_ALLIANCE,
        "return_form": return_form,
        "registration": getattr(item.application, "registration", None),
    }
    status = 400 if return_form.is_bound and return_form.errors else 200
    return render(request, "registration/candidate.html", context, status=status)


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    require_reviewer(user=_user(request))
    current = registration_policy_get()
    form = PolicyForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            registration_policy_update(
                prefix=form.cleaned_data["prefix"],
                number_format=form.cleaned_data["number_format"],
                sequence_scope=form.cleaned_data["sequence_scope"],
                by=_user(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The member-number policy was saved; it applies to numbers given from now on.")
            )
            return redirect(reverse("registration:policy"))
    current.refresh_from_db()
    return render(
        request,
        "registration/policy.html",
        {
            "form": form,
            "policy": current,
            "example": _example(current),
            "counters": NumberCounter.objects.order_by("-year", "scope")[:20],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _example(policy: RegistrationPolicy) -> str:
    """A number as the policy would write it, for the person editing it."""
    if number_format_problems(
        policy.number_format, scope=SequenceScope(policy.sequence_scope), prefix=policy.prefix
    ):
        return ""
    return number_render(
        policy.number_format,
        NumberParts(prefix=policy.prefix, year=timezone.localdate().year, society="CSEE", grade="PE", seq=1),
    )
