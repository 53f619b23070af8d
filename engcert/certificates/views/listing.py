"""The public register and the member's choice of what it shows of them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from engcert.accounts.models import User
from engcert.certificates.forms_public import ListingForm, RegisterSearchForm
from engcert.certificates.listing import (
    PAGE_SIZE,
    RegisterQuery,
    listing_for,
    member_registrations,
    register_entries,
    register_listing_update,
    register_row,
)
from engcert.replica import reads_from_replica


def register_query_from(data: dict[str, str]) -> tuple[RegisterSearchForm, RegisterQuery]:
    form = RegisterSearchForm(data)
    if not form.is_valid():
        return form, RegisterQuery()
    cleaned = form.cleaned_data
    discipline = cleaned.get("discipline")
    return form, RegisterQuery(
        text=cleaned.get("q") or "",
        unit=cleaned.get("unit") or "",
        discipline=discipline.pk if discipline is not None else None,
        grade=cleaned.get("grade") or "",
    )


# The public register may be a moment behind its primary, so a replica may serve it.
@reads_from_replica
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    form, query = register_query_from(request.GET.dict())
    paginator = Paginator(register_entries(query=query), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [register_row(certificate) for certificate in page.object_list]
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": not query.empty,
        "query": urlencode(kept),
    }
    return render(request, "certificates/public/register.html", context)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def listing(request: HttpRequest) -> HttpResponse:
    """Each of the member's registrations with its own consent form."""
    registrations = member_registrations(user=_user(request))
    if not registrations:
        raise Http404
    posted = request.POST.get("registration") if request.method == "POST" else None
    entries = []
    for registration in registrations:
        current = listing_for(registration)
        prefix = f"r{registration.pk}"
        if posted == str(registration.pk):
            form = ListingForm(request.POST, prefix=prefix)
            if form.is_valid():
                register_listing_update(registration=registration, by=_user(request), **form.cleaned_data)
                messages.success(request, _("Your choice for the public register is saved."))
                return HttpResponseRedirect(reverse("certificates:listing"))
        else:
            form = ListingForm(
                prefix=prefix,
                initial={
                    "listed": current.listed,
                    "show_unit": current.show_unit,
                    "show_discipline": current.show_discipline,
                    "show_name_en": current.show_name_en,
                },
            )
        entries.append({"registration": registration, "listing": current, "form": form})
    if posted is not None and not any(str(r.pk) == posted for r in registrations):
        raise Http404
    return render(request, "certificates/member/listing.html", {"entries": entries})
