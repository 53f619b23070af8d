"""Staff, examiners, committee members and alliance reviewers act only with a second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from engcert.accounts.second_factor import account_facts_for_request

# Paths a person without a second factor may still reach: signing in and out, enrolling,
# switching language, static files and the public pages. The home page "/" too.
ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/calls/", "/favicon", "/healthz")


def path_needs_second_factor(path: str) -> bool:
    return path != "/" and not path.startswith(ALLOWED_PREFIXES)


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and path_needs_second_factor(request.path_info):
            facts = account_facts_for_request(request)
            if facts is not None and facts.second_factor_missing:
                return redirect("mfa_activate_totp")
        return self.get_response(request)
