"""Too many wrong passwords lock signing in to an account for a while: the person is told until
when, the owner is emailed, the lock is audited, staff can lift it, a completed password reset
lifts it, and the per-client-address throttle still applies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from engcert.accounts.models import SignInLock, User
from engcert.audit.models import AuditEvent
from tests.accounts.conftest import link_in_last_mail
from tests.conftest import PASSWORD, World, enrol_totp

WRONG = "not-the-password-at-all"
NEW_PASSWORD = "another-long-passphrase-for-2027"
LOGIN = "/accounts/login/"


def _sign_in(client: Client, email: str, password: str) -> object:
    return client.post(LOGIN, {"login": email, "password": password})


def _errors(response: object) -> list[str]:
    return list(response.context["form"].non_field_errors())  # type: ignore[attr-defined]


def _locked_message(until: object) -> str:
    when = timezone.localtime(until).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]
    return (
        f"Too many wrong passwords: signing in to this account is locked until {when} (Beijing time). "
        "Try again then, or set a new password with “Forgot your password?”, which unlocks it at once."
    )


def _lock(client: Client, email: str) -> object:
    for _attempt in range(4):
        _sign_in(client, email, WRONG)
    return _sign_in(client, email, WRONG)


def test_the_fifth_wrong_password_locks_the_account_and_says_until_when(world: World) -> None:
    client = Client()
    for _attempt in range(4):
        assert _errors(_sign_in(client, world.applicant.email, WRONG)) == [
            "The email address and/or password you specified are not correct."
        ]

    fifth = _sign_in(client, world.applicant.email, WRONG)

    lock = SignInLock.objects.get(login=world.applicant.email)
    assert lock.locked_until is not None
    assert abs((lock.locked_until - timezone.now()) - timedelta(minutes=15)) < timedelta(seconds=30)
    assert _errors(fifth) == [_locked_message(lock.locked_until)]


def test_a_locked_account_refuses_even_the_right_password(world: World) -> None:
    client = Client()
    _lock(client, world.applicant.email)
    until = SignInLock.objects.get(login=world.applicant.email).locked_until

    right = _sign_in(Client(), world.applicant.email.upper(), PASSWORD)

    assert (right.status_code, _errors(right)) == (200, [_locked_message(until)])
    assert "_auth_user_id" not in right.wsgi_request.session  # type: ignore[attr-defined]


def test_the_owner_is_emailed_in_their_language_and_the_lock_is_audited(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.applicant.language = "en"
    world.applicant.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        _lock(Client(), world.applicant.email)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([world.applicant.email], "[engcert] Signing in to your account is locked for a while")
    ]
    assert (
        "Someone entered a wrong password for applicant@example.com 5 times in a row." in mail.outbox[0].body
    )
    assert "http://127.0.0.1:8000/accounts/password/reset/" in mail.outbox[0].body
    assert list(
        AuditEvent.objects.filter(action__startswith="account.").values_list("action", "subject_id")
    ) == [("account.sign_in_locked", str(world.applicant.pk))]


def test_the_lock_ends_by_itself_after_its_period(world: World) -> None:
    _lock(Client(), world.applicant.email)
    SignInLock.objects.update(locked_until=timezone.now() - timedelta(seconds=1))

    response = _sign_in(Client(), world.applicant.email, PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/")  # type: ignore[index]


def test_failures_further_apart_than_the_window_do_not_add_up(world: World) -> None:
    client = Client()
    for _attempt in range(4):
        _sign_in(client, world.applicant.email, WRONG)
    SignInLock.objects.update(window_started_at=timezone.now() - timedelta(minutes=16))

    _sign_in(client, world.applicant.email, WRONG)

    assert SignInLock.objects.values_list("failures", "locked_until").get() == (1, None)


def test_a_right_password_starts_the_count_again(world: World) -> None:
    client = Client()
    for _attempt in range(4):
        _sign_in(client, world.applicant.email, WRONG)
    assert _sign_in(Client(), world.applicant.email, PASSWORD).status_code == 302

    _sign_in(client, world.applicant.email, WRONG)

    assert SignInLock.objects.values_list("failures", "locked_until").get() == (1, None)


def test_an_address_without_an_account_is_locked_alike_so_a_lock_reveals_nothing(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _lock(Client(), "nobody@example.com")

    lock = SignInLock.objects.get(login="nobody@example.com")
    assert _errors(response) == [_locked_message(lock.locked_until)]
    assert mail.outbox == []


def test_the_lock_lives_in_the_database_not_in_one_servers_memory(world: World) -> None:
    _lock(Client(), world.applicant.email)
    cache.clear()  # another app server: nothing of this one's cache

    assert _sign_in(Client(), world.applicant.email, PASSWORD).status_code == 200


def test_the_per_address_throttle_still_refuses_an_eleventh_failure_a_minute(db: None) -> None:
    client = Client()
    for index in range(10):
        _sign_in(client, f"guess{index}@example.com", WRONG)

    eleventh = _sign_in(client, "another@example.com", WRONG)

    assert _errors(eleventh) == ["Too many failed login attempts. Try again later."]


def test_a_completed_password_reset_unlocks_but_asking_for_one_does_not(world: World) -> None:
    _lock(Client(), world.applicant.email)
    client = Client()
    client.post("/accounts/password/reset/", {"email": world.applicant.email})
    assert _sign_in(Client(), world.applicant.email, PASSWORD).status_code == 200  # still locked

    form_page = client.get(link_in_last_mail(r"/accounts/password/reset/key/[^/\s]+/"), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert SignInLock.objects.get().locked_until is None
    assert _sign_in(Client(), world.applicant.email, NEW_PASSWORD).status_code == 302
    assert list(
        AuditEvent.objects.filter(action__startswith="account.").values_list("action", "actor_id")
    ) == [
        ("account.sign_in_locked", None),
        ("account.sign_in_unlocked", world.applicant.pk),
    ]


def test_staff_unlock_an_account_early_in_the_admin(world: World) -> None:
    _lock(Client(), world.applicant.email)
    admin = User.objects.create_superuser("root@example.com", PASSWORD)
    enrol_totp(admin)
    client = Client()
    client.force_login(admin)

    response = client.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [world.applicant.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["Unlocked signing in for 1 account."]
    assert _sign_in(Client(), world.applicant.email, PASSWORD).status_code == 302
    assert list(
        AuditEvent.objects.filter(action="account.sign_in_unlocked").values_list("actor_id", "reason")
    ) == [(admin.pk, "unlocked by staff")]
