from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from engcert.accounts.domain import user_language_remember
from engcert.accounts.models import User
from engcert.batches.selectors import batch_list_public


def home(request: HttpRequest) -> HttpResponse:
    """Open calls for everyone; a signed-in person also sees their own work."""
    context: dict[str, object] = {"calls": batch_list_public()[:6]}
    if request.user.is_authenticated:
        from engcert.applications.selectors import application_list_for_applicant

        context["my_applications"] = application_list_for_applicant(user=request.user)  # type: ignore[arg-type]
    return render(request, "home.html", context)


def set_language(request: HttpRequest) -> HttpResponseBase:
    """Django's language switch, which also remembers the choice of a signed-in person so
    that the mail engcert sends them is written in it."""
    response = django_set_language(request)
    if request.method == "POST" and isinstance(request.user, User) and request.user.is_authenticated:
        user_language_remember(user=request.user, language=request.POST.get("language"))
    return response


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers, and the benchmark's ceiling: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")
