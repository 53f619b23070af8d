from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
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


@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponseBase:
    """Django's language switch, which also remembers the choice of a signed-in person so
    that the mail engcert sends them is written in it.

    A visitor who is not signed in changes nothing but a cookie of their own, so the layout's
    switch carries no CSRF token for them: public pages then mint no per-visitor token and set no
    cookie, which keeps the pages the public reads most (certificate verification) cheap and
    cacheable. A signed-in person's choice is saved to their account, so for them the CSRF check
    applies as everywhere else."""
    if request.user.is_authenticated:
        refused = _csrf_check(request)
        if refused is not None:
            return refused
    response = django_set_language(request)
    if request.method == "POST" and isinstance(request.user, User) and request.user.is_authenticated:
        user_language_remember(user=request.user, language=request.POST.get("language"))
    return response


def _csrf_check(request: HttpRequest) -> HttpResponseBase | None:
    """The CSRF middleware's own check, for a view exempt from it for some visitors only."""
    return CsrfViewMiddleware(lambda _request: HttpResponse()).process_view(request, _refusable, (), {})


def _refusable(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse()


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers, and the benchmark's ceiling: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")
