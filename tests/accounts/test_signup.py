"""An applicant signs up with name, email and password, verifies the address, then signs in."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from engcert.accounts.models import User
from tests.accounts.conftest import link_in_last_mail

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-2026"
NAME_BEYOND_BMP = "𠀀王𪚥伟"


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def sign_up(client: Client, *, email: str = "new@example.com", full_name: str = NAME_BEYOND_BMP) -> None:
    response = client.post(
        "/accounts/signup/",
        {"full_name": full_name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/confirm-email/")


def test_signup_page_asks_for_full_name_email_and_password_inside_engcert_layout() -> None:
    response = english().get("/accounts/signup/")

    assert response.status_code == 200
    form = response.context["form"]
    assert [name for name in form.fields if not form.fields[name].widget.is_hidden] == [
        "full_name",
        "email",
        "password1",
        "password2",
    ]
    html = response.content.decode()
    assert 'class="brand"' in html  # engcert's header, so base.html is the layout
    assert 'class="page-entrance"' in html
    assert '<label for="id_full_name">Full name<span class="required-mark"' in html


def test_signup_stores_name_beyond_the_basic_plane_and_sends_one_verification_mail() -> None:
    sign_up(english())

    user = User.objects.get(email="new@example.com")
    assert user.full_name == NAME_BEYOND_BMP
    assert user.has_usable_password()
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new@example.com", False, True)
    ]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]
    assert mail.outbox[0].subject == "[engcert] Please Confirm Your Email Address"


def test_signup_with_a_blank_name_shows_the_error_beside_the_name_field() -> None:
    response = english().post(
        "/accounts/signup/",
        {"full_name": "   ", "email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"full_name": ["This field is required."]}
    assert '<div class="field has-error" id="field-full_name">' in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_following_the_confirmation_link_verifies_the_address_and_signs_in() -> None:
    client = english()
    sign_up(client)
    confirm_path = link_in_last_mail(r"/accounts/confirm-email/[^/\s]+/")

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "new@example.com" in page.content.decode()

    confirmed = client.post(confirm_path)

    assert (confirmed.status_code, confirmed["Location"]) == (302, "/")
    assert EmailAddress.objects.get(email="new@example.com").verified is True
    home = client.get("/")
    assert home.context["user"].email == "new@example.com"


def test_login_works_after_verification() -> None:
    client = english()
    sign_up(client)
    client.post(link_in_last_mail(r"/accounts/confirm-email/[^/\s]+/"))
    client.logout()

    response = client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").context["user"].email == "new@example.com"


def test_login_before_verification_is_refused_with_the_verification_notice() -> None:
    client = english()
    sign_up(client)
    client.logout()
    mail.outbox.clear()

    response = client.post(
        "/accounts/login/", {"login": "new@example.com", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain == [("/accounts/confirm-email/", 302)]
    assert response.templates[0].name == "account/verification_sent.html"
    assert "We have sent an email to you for verification." in response.content.decode()
    assert response.context["user"].is_authenticated is False
    assert mail.outbox == []  # the link went out moments ago; allauth waits before resending
