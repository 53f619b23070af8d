"""What an account remembers about its person beyond the login: the interface language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from engcert.accounts.models import User

SUPPORTED_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def language_supported(code: str | None) -> str | None:
    """The supported language code `code` stands for (``zh-Hans`` → ``zh-hans``), or None."""
    if not code:
        return None
    try:
        variant = translation.get_supported_language_variant(code)
    except LookupError:
        return None
    return variant if variant in SUPPORTED_LANGUAGES else None


def user_language_remember(*, user: User, language: str | None) -> bool:
    """Store the person's interface language; True when it changed."""
    code = language_supported(language)
    if code is None or user.language == code:
        return False
    user.language = code
    user.save(update_fields=["language"])
    return True
