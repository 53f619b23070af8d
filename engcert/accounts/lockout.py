"""Locking sign-in to an account after repeated wrong passwords.

After ENGCERT_LOCKOUT_FAILURES failed sign-ins for one address within
ENGCERT_LOCKOUT_WINDOW_MINUTES, signing in with that address is refused for
ENGCERT_LOCKOUT_MINUTES, even with the right password. The owner is emailed and the lock is
audited. Staff unlock early in the admin; a completed password reset also unlocks, because it
proves control of the mailbox and replaces the password being guessed (requesting a reset
unlocks nothing). The per-client-address throttle (allauth's ACCOUNT_RATE_LIMITS) still applies.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from engcert.accounts.models import SignInLock, User
from engcert.audit.domain import audit_event_append
from engcert.tasks_queue import task_enqueue_with_work


def login_normalise(login: str) -> str:
    return login.strip().lower()


def sign_in_locked_until(*, login: str) -> datetime | None:
    """Until when signing in with this address is refused; None when it is not."""
    until = (
        SignInLock.objects.filter(login=login_normalise(login), locked_until__gt=timezone.now())
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


def sign_in_failure_record(*, login: str) -> datetime | None:
    """Count one failed sign-in; lock the address when it is one too many. Returns the end of
    the lock this failure started, or None."""
    login = login_normalise(login)
    if not login:
        return None
    now = timezone.now()
    window = timedelta(minutes=settings.ENGCERT_LOCKOUT_WINDOW_MINUTES)
    with transaction.atomic():
        SignInLock.objects.get_or_create(login=login)
        lock = SignInLock.objects.select_for_update().get(login=login)
        if lock.window_started_at is None or lock.window_started_at <= now - window:
            lock.failures, lock.window_started_at = 0, now
        lock.failures += 1
        lock.last_failure_at = now
        locked_until = None
        if lock.failures >= settings.ENGCERT_LOCKOUT_FAILURES:
            locked_until = now + timedelta(minutes=settings.ENGCERT_LOCKOUT_MINUTES)
            failures = lock.failures
            lock.locked_until, lock.failures, lock.window_started_at = locked_until, 0, None
        lock.save(update_fields=["failures", "window_started_at", "last_failure_at", "locked_until"])
        if locked_until is not None:
            user = User.objects.filter(email__iexact=login).first()
            audit_event_append(
                actor=None,
                action="account.sign_in_locked",
                subject=user if user is not None else lock,
                reason="failed sign-ins",
                data={"login": login, "failures": failures, "until": locked_until.isoformat()},
            )
            if user is not None:
                from engcert.accounts.tasks import sign_in_lock_notify

                user_id = user.pk
                task_enqueue_with_work(sign_in_lock_notify, user_id=user_id, lock_id=lock.pk)
    return locked_until


def sign_in_success_record(*, login: str) -> None:
    """A right password ends the count of failures (not a lock: a locked address never gets
    this far)."""
    SignInLock.objects.filter(login=login_normalise(login), locked_until__isnull=True, failures__gt=0).update(
        failures=0, window_started_at=None
    )


def sign_in_unlock(*, login: str, by: User | None, reason: str) -> bool:
    """Lift a lock before it ends; True when there was one."""
    login = login_normalise(login)
    with transaction.atomic():
        lock = SignInLock.objects.select_for_update().filter(login=login).first()
        if lock is None or lock.locked_until is None or lock.locked_until <= timezone.now():
            return False
        lock.locked_until, lock.failures, lock.window_started_at = None, 0, None
        lock.save(update_fields=["locked_until", "failures", "window_started_at"])
        user = User.objects.filter(email__iexact=login).first()
        audit_event_append(
            actor=by,
            action="account.sign_in_unlocked",
            subject=user if user is not None else lock,
            reason=reason,
            data={"login": login},
        )
    return True
