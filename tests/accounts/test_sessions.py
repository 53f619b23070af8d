"""Sessions: cookies a script cannot read and other sites do not get, a new key at sign-in and
when a second factor is enrolled, an idle timeout for everyone who sees other people's files,
a maximum lifetime for all, and a password change that signs out every other session."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from engcert.accounts.middleware import SEEN_AT, SIGNED_IN_AT
from tests.accounts.conftest import remove_second_factor, totp_code_for_secret
from tests.conftest import PASSWORD, World

DESK = "/desk/"  # a protected page (tests/accounts/urls.py)
NEW_PASSWORD = "another-long-passphrase-for-2027"


@pytest.fixture(autouse=True)
def _probe_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.accounts.urls"


def _backdate(client: Client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"signed_in": SIGNED_IN_AT, "seen": SEEN_AT}[key]] = time.time() - ago
    session.save()


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_when_asked(
    world: World, settings: Any
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    client = Client()

    client.post("/accounts/login/", {"login": world.applicant.email, "password": PASSWORD})

    cookie = client.cookies["sessionid"]
    assert (cookie["httponly"], cookie["samesite"], cookie["secure"]) == (True, "Lax", True)


def test_signing_in_gives_the_session_a_new_key(world: World) -> None:
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key

    client.post("/accounts/login/", {"login": world.applicant.email, "password": PASSWORD})

    assert client.session.session_key not in {before, None}


@pytest.mark.django_db(transaction=True)  # allauth announces the new authenticator on commit
def test_enrolling_an_authenticator_gives_the_session_a_new_key(world: World) -> None:
    remove_second_factor(world.staff)
    client = Client()
    client.post("/accounts/login/", {"login": world.staff.email, "password": PASSWORD})
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    before = client.session.session_key

    activated = client.post("/accounts/2fa/totp/activate/", {"code": totp_code_for_secret(secret)})

    assert activated.status_code == 302
    assert client.session.session_key != before
    assert client.get(DESK).content == b"desk"  # still signed in, under the new key


@pytest.mark.parametrize("persona", ["unit_admin", "staff", "examiner", "committee", "reviewer"])
def test_a_privileged_person_idle_longer_than_the_timeout_is_signed_out(world: World, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    assert client.get(DESK).status_code == 200
    _backdate(client, seen=31 * 60)

    response = client.get(DESK, follow=True)

    assert response.redirect_chain == [("/accounts/login/?next=/desk/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "You were signed out after 30 minutes without activity, to protect the files you can see. "
        "Please sign in again."
    ]
    assert "_auth_user_id" not in client.session


def test_a_privileged_person_active_within_the_timeout_stays_signed_in(world: World) -> None:
    client = world.client_for(world.staff)
    client.get(DESK)
    _backdate(client, seen=29 * 60)

    assert client.get(DESK).content == b"desk"
    assert time.time() - client.session[SEEN_AT] < 5  # the activity moved the idle clock on


def test_an_applicant_idle_for_hours_stays_signed_in(world: World) -> None:
    client = world.client_for(world.applicant)
    client.get(DESK)
    _backdate(client, seen=3 * 3600, signed_in=3 * 3600)

    assert client.get(DESK).content == b"desk"


@pytest.mark.parametrize("persona", ["applicant", "staff"])
def test_any_session_older_than_the_maximum_lifetime_ends(world: World, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    client.get(DESK)
    _backdate(client, signed_in=12 * 3600 + 60, seen=10)

    response = client.get(DESK, follow=True)

    assert response.redirect_chain == [("/accounts/login/?next=/desk/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "You were signed out because you signed in more than 12 hours ago. Please sign in again."
    ]


def test_changing_the_password_signs_out_every_other_session_and_keeps_this_one(world: World) -> None:
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post("/accounts/login/", {"login": world.applicant.email, "password": PASSWORD})
        assert client.get(DESK).content == b"desk"

    changed = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert changed.status_code == 302
    assert here.get(DESK).content == b"desk"
    assert elsewhere.get(DESK)["Location"] == "/accounts/login/?next=/desk/"
