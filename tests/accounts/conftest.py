"""Helpers for the account tests: real login flows through allauth, codes from real secrets."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.core import mail
from django.core.cache import cache

from engcert.accounts.models import User


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """allauth keeps rate limits and used TOTP codes in the cache; no test inherits them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _locmem_mail(settings: object) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _totp_tolerates_a_period_boundary(settings: object) -> None:
    """A code computed just before a 30-second boundary stays valid when checked just after."""
    settings.MFA_TOTP_TOLERANCE = 1  # type: ignore[attr-defined]


def totp_code_for_secret(secret: str) -> str:
    """The code of the current 30 seconds: with a tolerance the counters run from before it to
    after it, and the earliest would stop counting at the next boundary."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def totp_code(user: User) -> str:
    """The code the person's authenticator app shows right now."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return totp_code_for_secret(decrypt(authenticator.data["secret"]))


def remove_second_factor(user: User) -> None:
    Authenticator.objects.filter(user=user).delete()


def link_in_last_mail(pattern: str) -> str:
    """The path of the first link in the newest mail matching `pattern`."""
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^/\s]+(" + pattern + r")", body)
    assert match is not None, body
    return match.group(1)


def h1_text(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match is not None, html
    return " ".join(match.group(1).split())
