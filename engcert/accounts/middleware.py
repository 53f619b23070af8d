"""Staff, examiners, committee members and alliance reviewers act only with a second factor."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from engcert.organisations.selectors import user_needs_second_factor

# Paths a person without a second factor may still reach: signing in and out, enrolling,
# switching language, static files and the public pages.
ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/calls/", "/favicon", "/healthz")


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and request.path != "/"
            and not request.path.startswith(ALLOWED_PREFIXES)
            and user_needs_second_factor(user=user)  # type: ignore[arg-type]
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
