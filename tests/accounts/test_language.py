"""The interface language is remembered per person and used for the mail engcert sends them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from engcert.accounts.models import User
from tests.conftest import PASSWORD, World

SIGNUP_PASSWORD = "a-long-and-unusual-passphrase-2026"


def sign_up(client: Client, email: str) -> User:
    client.post(
        "/accounts/signup/",
        {"full_name": "王伟", "email": email, "password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD},
    )
    return User.objects.get(email=email)


def test_signup_in_english_remembers_english_and_verification_mail_is_english(db: None) -> None:
    user = sign_up(Client(headers={"accept-language": "en"}), "en@example.com")

    assert user.language == "en"
    assert mail.outbox[0].subject == "[engcert] Please Confirm Your Email Address"


def test_signup_in_chinese_remembers_chinese_and_verification_mail_is_chinese(
    db: None, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the shipped default
    user = sign_up(Client(), "zh@example.com")

    assert user.language == "zh-hans"
    assert mail.outbox[0].subject == "[engcert] 请确认您的Email地址"


def test_switching_language_while_signed_in_is_remembered(world: World) -> None:
    client = world.client_for(world.applicant)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/calls/"})

    assert (response.status_code, response["Location"]) == (302, "/calls/")
    assert response.cookies["django_language"].value == "en"
    world.applicant.refresh_from_db()
    assert world.applicant.language == "en"


def test_a_signed_in_person_cannot_be_made_to_switch_language_by_another_site(world: World) -> None:
    client = world.client_for(world.applicant)
    client.handler.enforce_csrf_checks = True

    forged = client.post("/i18n/setlang/", {"language": "en", "next": "/calls/"})

    assert forged.status_code == 403
    world.applicant.refresh_from_db()
    assert world.applicant.language == "zh-hans"
    page = client.get("/calls/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    switched = client.post(
        "/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "en", "next": "/calls/"}
    )
    assert (switched.status_code, switched["Location"]) == (302, "/calls/")
    world.applicant.refresh_from_db()
    assert world.applicant.language == "en"


def test_switching_to_an_unknown_language_changes_nothing(world: World) -> None:
    client = world.client_for(world.applicant)

    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    world.applicant.refresh_from_db()
    assert world.applicant.language == "zh-hans"


def test_switching_language_before_signing_in_is_remembered_at_sign_in(world: World) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.post("/accounts/login/", {"login": world.applicant.email, "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")
    world.applicant.refresh_from_db()
    assert world.applicant.language == "en"


def test_signing_in_on_a_new_browser_brings_back_the_remembered_language(world: World) -> None:
    User.objects.filter(pk=world.applicant.pk).update(language="en")

    response = Client().post("/accounts/login/", {"login": world.applicant.email, "password": PASSWORD})

    assert response.cookies["django_language"].value == "en"
    world.applicant.refresh_from_db()
    assert world.applicant.language == "en"


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "[engcert] Password Reset Email"), ("zh-hans", "[engcert] 密码重置邮件")],
)
def test_password_reset_mail_is_written_in_the_recipient_language(
    world: World, language: str, subject: str
) -> None:
    User.objects.filter(pk=world.applicant.pk).update(language=language)
    other_language = "zh-hans" if language == "en" else "en"

    Client(headers={"accept-language": other_language}).post(
        "/accounts/password/reset/", {"email": world.applicant.email}
    )

    assert [m.subject for m in mail.outbox] == [subject]
