"""How allauth treats engcert accounts: sign-up fills in the name and language, mail speaks
the recipient's language, and privileged people cannot switch their second factor off."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import BaseForm, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from engcert.accounts.domain import language_supported, user_language_remember
from engcert.accounts.lockout import sign_in_failure_record, sign_in_locked_until, sign_in_success_record
from engcert.accounts.models import User
from engcert.accounts.second_factor import second_factor_required


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to applicants; every other role is granted by a membership."""

    def save_user(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        form: BaseForm,
        commit: bool = True,
    ) -> AbstractBaseUser:
        assert isinstance(user, User)
        user.full_name = form.cleaned_data.get("full_name", "")
        user.language = language_supported(translation.get_language()) or settings.LANGUAGE_CODE
        saved: AbstractBaseUser = super().save_user(request, user, form, commit=commit)
        return saved

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse:
        """A language chosen on this browser before signing in becomes the person's preference;
        otherwise the remembered preference follows the person to this browser."""
        response: HttpResponse = super().post_login(request, user, **kwargs)
        if not isinstance(user, User):
            return response
        chosen = language_supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if chosen is not None:
            user_language_remember(user=user, language=chosen)
        else:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """A locked address is refused before its password is even checked."""
        until = sign_in_locked_until(login=_login_of(credentials))
        if until is not None:
            raise _locked_error(until)
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user: AbstractBaseUser | None = super().authenticate(request, **credentials)
        if user is not None:
            sign_in_success_record(login=_login_of(credentials))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """Count the failure; the one that locks the address says so at once."""
        until = sign_in_failure_record(login=_login_of(credentials))
        if until is not None:
            raise _locked_error(until)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Signing in counts as recent authentication for the two-factor pages, as it does
        for allauth's own timeout: someone sent to enrol an authenticator right after signing
        in, then shown the recovery codes, is not asked for the password again. After
        ACCOUNT_REAUTHENTICATION_TIMEOUT the password is asked for, as allauth does."""
        required: bool = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and self._signed_in_recently():
            return False
        return required

    def _signed_in_recently(self) -> bool:
        request = self.request
        user = getattr(request, "user", None)
        if request is None or not isinstance(user, User) or not user.is_authenticated:
            return False
        records = get_authentication_records(request, user)
        if not records:
            return False
        signed_in_at = float(records[-1]["at"])
        timeout = int(account_settings.REAUTHENTICATION_TIMEOUT)
        return time.time() - signed_in_at < timeout

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Write every account mail in the recipient's language, not the requester's."""
        with translation.override(_recipient_language(email, context)):
            super().send_mail(template_prefix, email, context)


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


def _locked_error(until: Any) -> ValidationError:
    when = formats.date_format(timezone.localtime(until), "Y-m-d H:i")
    return ValidationError(
        gettext(
            "Too many wrong passwords: signing in to this account is locked until %(time)s "
            "(Beijing time). Try again then, or set a new password with “Forgot your password?”, "
            "which unlocks it at once."
        )
        % {"time": when},
        code="sign_in_locked",
    )


def _recipient_language(email: str, context: dict[str, Any]) -> str:
    user = context.get("user")
    if not isinstance(user, User):
        user = User.objects.filter(email__iexact=email).only("language").first()
    if user is not None:
        return user.language
    return language_supported(translation.get_language()) or settings.LANGUAGE_CODE


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Everyone whose role requires a second factor keeps their app."""
        if authenticator.type == Authenticator.Type.TOTP and isinstance(authenticator.user, User):
            return not second_factor_required(user=authenticator.user)
        return True
