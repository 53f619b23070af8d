"""Every account page a person sees sits inside engcert's layout: entrance pages in the
centred card, management pages in the column of panels."""

from __future__ import annotations

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from tests.accounts.conftest import h1_text, totp_code
from tests.conftest import PASSWORD, World


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    ("path", "layout", "heading"),
    [
        ("/accounts/login/", "page-entrance", "Sign In"),
        ("/accounts/signup/", "page-entrance", "Sign Up"),
        ("/accounts/confirm-email/", "page-entrance", "Verify Your Email Address"),
        ("/accounts/confirm-email/not-a-key/", "page-entrance", "Confirm Email Address"),
        ("/accounts/password/reset/", "page-entrance", "Password Reset"),
        ("/accounts/password/reset/done/", "page-entrance", "Password Reset"),
        ("/accounts/password/reset/key/1-bad/", "page-entrance", "Bad Token"),
        ("/accounts/password/reset/key/done/", "page-entrance", "Change Password"),
    ],
)
def test_visitor_account_pages_use_the_engcert_layout(db: None, path: str, layout: str, heading: str) -> None:
    response = english().get(path, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<body class="{layout}">' in html
    assert '<link rel="stylesheet" href="/static/engcert/accounts.css">' in html
    assert h1_text(html) == heading


@pytest.mark.parametrize(
    ("path", "layout", "heading"),
    [
        ("/accounts/logout/", "page-entrance", "Sign Out"),
        ("/accounts/2fa/", "page-manage", "Two-Factor Authentication"),
        ("/accounts/2fa/recovery-codes/", "page-manage", "Recovery Codes"),
        ("/accounts/2fa/recovery-codes/generate/", "page-manage", "Recovery Codes"),
        ("/accounts/reauthenticate/", "page-entrance", "Confirm Access"),
        ("/accounts/2fa/reauthenticate/", "page-entrance", "Confirm Access"),
    ],
)
def test_signed_in_account_pages_use_the_engcert_layout(
    world: World, path: str, layout: str, heading: str
) -> None:
    client = english()
    client.post("/accounts/login/", {"login": world.staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(world.staff)})
    RecoveryCodes.activate(world.staff)

    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<body class="{layout}">' in html
    assert h1_text(html) == heading


def test_sign_in_page_offers_password_reset_and_registration(db: None) -> None:
    html = english().get("/accounts/login/").content.decode()

    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in html
    assert '<a href="/accounts/signup/">Register to apply</a>' in html
    assert '<button type="submit" class="btn btn-prominent">' in html


def test_wrong_password_is_reported_above_the_fields(world: World) -> None:
    response = english().post("/accounts/login/", {"login": world.applicant.email, "password": "wrong"})

    assert response.status_code == 200
    assert (
        '<ul class="errorlist nonfield"><li>The email address and/or password you specified are not correct.</li></ul>'
        in response.content.decode()
    )
