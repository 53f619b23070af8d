"""Mail about the account itself, sent in the background."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from engcert.accounts.models import SignInLock, User
from engcert.tasks_queue import rerunnable


@rerunnable
@task()
def sign_in_lock_notify(*, user_id: int, lock_id: int) -> None:
    """Tell the owner that signing in to their account was locked, until when, and what to do
    if it was not them."""
    user = User.objects.get(pk=user_id)
    lock = SignInLock.objects.get(pk=lock_id)
    if lock.locked_until is None:
        return  # unlocked before the mail went out
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "until": timezone.localtime(lock.locked_until),
            "failures": settings.ENGCERT_LOCKOUT_FAILURES,
            "reset_url": f"{settings.SITE_URL.rstrip('/')}{reverse('account_reset_password')}",
        }
        subject = render_to_string("account/email/sign_in_locked_subject.txt", context).strip()
        body = render_to_string("account/email/sign_in_locked_message.txt", context)
    send_mail(subject, body, None, [user.email])
