"""Everyone but applicants (unit administrators, staff, examiners, committee members and alliance
reviewers) acts only with a second factor."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext, ngettext

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


SIGNED_IN_AT = "_engcert_signed_in_at"
SEEN_AT = "_engcert_seen_at"
# The last activity is written to the session at most this often (seconds), not on every request.
SEEN_RESOLUTION = 60


def session_clock_reset(*, session: SessionBase) -> None:
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


class SessionLifetimeMiddleware:
    """Signs people out after ENGCERT_SESSION_MAX_HOURS in any case, and everyone who must use a
    second factor (they see other people's files) after ENGCERT_SESSION_IDLE_MINUTES without a
    request. Applicants keep their session while they work on a long application."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended = self._ended(request)
            if ended is not None:
                logout(request)
                messages.info(request, ended)
                return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
        return self.get_response(request)

    def _ended(self, request: HttpRequest) -> str | None:
        """Why the session has ended, or None (then it is marked as seen now)."""
        session = request.session
        now = time.time()
        signed_in_at = float(session.setdefault(SIGNED_IN_AT, now))
        seen_at = float(session.get(SEEN_AT, now))
        hours = int(settings.ENGCERT_SESSION_MAX_HOURS)
        if now - signed_in_at > hours * 3600:
            return ngettext(
                "You were signed out because you signed in more than %(hours)d hour ago. Please sign in again.",
                "You were signed out because you signed in more than %(hours)d hours ago. Please sign in again.",
                hours,
            ) % {"hours": hours}
        minutes = int(settings.ENGCERT_SESSION_IDLE_MINUTES)
        facts = account_facts_for_request(request)
        if facts is not None and facts.second_factor_required and now - seen_at > minutes * 60:
            return gettext(
                "You were signed out after %(minutes)d minutes without activity, to protect the files "
                "you can see. Please sign in again."
            ) % {"minutes": minutes}
        if SEEN_AT not in session or now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return None
