"""Account events that engcert answers: signing in starts the session's clock, a completed
password reset lifts a sign-in lock, and enrolling an authenticator app gives the session a new
key. Each receiver only calls the function that does the work."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_reset
from allauth.mfa.signals import authenticator_added
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

from engcert.accounts.lockout import sign_in_unlock
from engcert.accounts.middleware import session_clock_reset
from engcert.accounts.models import User


def unlock_after_password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    sign_in_unlock(login=user.email, by=user, reason="password reset")


def new_session_key_after_second_factor(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """The session becomes a more trusted one; a key an attacker planted or read before does not
    carry over into it (as Django does at sign-in)."""
    if request is not None and hasattr(request, "session"):
        request.session.cycle_key()


def session_clock_start(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """The session's lifetime and idle clock start at signing in (SessionLifetimeMiddleware)."""
    if request is not None and hasattr(request, "session"):
        session_clock_reset(session=request.session)


def connect() -> None:
    user_logged_in.connect(session_clock_start, dispatch_uid="engcert-session-clock")
    password_reset.connect(unlock_after_password_reset, dispatch_uid="engcert-unlock-after-reset")
    authenticator_added.connect(new_session_key_after_second_factor, dispatch_uid="engcert-cycle-on-mfa")
