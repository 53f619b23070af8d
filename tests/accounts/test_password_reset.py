"""A person who forgot the password asks for a link, sets a new one and signs in with it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.accounts.conftest import h1_text, link_in_last_mail
from tests.conftest import PASSWORD, World

NEW_PASSWORD = "another-long-passphrase-for-2027"


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def test_password_reset_mail_lets_the_person_set_a_new_password_and_sign_in_with_it(world: World) -> None:
    client = english()

    requested = client.post("/accounts/password/reset/", {"email": world.applicant.email})

    assert (requested.status_code, requested["Location"]) == (302, "/accounts/password/reset/done/")
    assert [m.to for m in mail.outbox] == [[world.applicant.email]]
    key_path = link_in_last_mail(r"/accounts/password/reset/key/[^/\s]+/")

    form_page = client.get(key_path, follow=True)  # allauth moves the key into the session
    assert form_page.templates[0].name == "account/password_reset_from_key.html"
    set_url = form_page.redirect_chain[-1][0]
    changed = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert (changed.status_code, changed["Location"]) == (302, "/accounts/password/reset/key/done/")
    client.logout()
    old = client.post("/accounts/login/", {"login": world.applicant.email, "password": PASSWORD})
    assert old.status_code == 200
    assert old.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]
    new = client.post("/accounts/login/", {"login": world.applicant.email, "password": NEW_PASSWORD})
    assert (new.status_code, new["Location"]) == (302, "/")


def test_password_reset_for_an_unknown_address_reveals_nothing(db: None) -> None:
    response = english().post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/done/")
    assert len(mail.outbox) == 1  # allauth tells the address no account exists, without a link
    assert "/accounts/password/reset/key/" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/password/reset/", "Password Reset"),
        ("/accounts/password/reset/done/", "Password Reset"),
        ("/accounts/password/reset/key/done/", "Change Password"),
    ],
)
def test_password_reset_pages_use_the_engcert_card(db: None, path: str, heading: str) -> None:
    response = english().get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<body class="page-entrance">' in html
    assert h1_text(html) == heading
