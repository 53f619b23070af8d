"""allauth's account events that engcert answers: a completed password reset lifts a sign-in
lock, and enrolling an authenticator app gives the session a new key. Each receiver only calls
the function that does the work."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_reset
from allauth.mfa.signals import authenticator_added
from django.http import HttpRequest

from engcert.accounts.lockout import sign_in_unlock
from engcert.accounts.models import User


def unlock_after_password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    sign_in_unlock(login=user.email, by=user, reason="password reset")


def new_session_key_after_second_factor(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """The session becomes a more trusted one; a key an attacker planted or read before does not
    carry over into it (as Django does at sign-in)."""
    if request is not None and hasattr(request, "session"):
        request.session.cycle_key()


def connect() -> None:
    password_reset.connect(unlock_after_password_reset, dispatch_uid="engcert-unlock-after-reset")
    authenticator_added.connect(new_session_key_after_second_factor, dispatch_uid="engcert-cycle-on-mfa")
