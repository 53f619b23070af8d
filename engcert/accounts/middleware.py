"""Everyone but applicants (unit administrators, staff, examiners, committee members and alliance
reviewers) acts only with a second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation

from engcert.accounts.second_factor import account_facts_for_request

# Paths a person without a second factor may still reach: signing in and out, enrolling,
# switching language, static files and the public pages. The home page "/" too.
# Public pages (calls, notices) read the same for everyone, enrolled or not.
ALLOWED_PREFIXES = (
    "/accounts/",
    "/i18n/",
    "/static/",
    "/calls/",
    "/notices/",
    "/verify/",
    "/register/",
    "/credentials/",
    "/api/",
    "/favicon",
    "/healthz",
)


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


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the person chose English with the switch (a cookie, which
    signing in sets from their saved preference). The browser's Accept-Language is not
    consulted: a society's staff on an English-language computer still get the Chinese site."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
