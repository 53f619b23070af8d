"""Unit administrators, staff, examiners, committee members and alliance reviewers enrol an
authenticator app before they can act, and then need its code to sign in. Applicants are never
forced."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from pytest_django import DjangoAssertNumQueries

from engcert.accounts.middleware import RequireSecondFactorMiddleware
from engcert.accounts.models import User
from tests.accounts.conftest import remove_second_factor, totp_code, totp_code_for_secret
from tests.conftest import PASSWORD, World

PRIVILEGED = ["unit_admin", "staff", "examiner", "committee", "reviewer"]
ACTIVATE = "/accounts/2fa/totp/activate/"
DESK = "/desk/"  # a protected page (tests/accounts/urls.py)


@pytest.fixture(autouse=True)
def _probe_urls(settings: object) -> None:
    settings.ROOT_URLCONF = "tests.accounts.urls"  # type: ignore[attr-defined]


def english() -> Client:
    """A browser where English was chosen (so signing in keeps English on)."""
    client = Client()
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("persona", PRIVILEGED)
@pytest.mark.parametrize("path", ["/staff/", "/applications/", DESK])
def test_privileged_person_without_authenticator_is_sent_to_activation(
    world: World, persona: str, path: str
) -> None:
    user: User = getattr(world, persona)
    remove_second_factor(user)

    response = world.client_for(user).get(path)

    assert (response.status_code, response["Location"]) == (302, ACTIVATE)


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_privileged_person_with_authenticator_opens_the_page(world: World, persona: str) -> None:
    response = world.client_for(getattr(world, persona)).get(DESK)

    assert (response.status_code, response.content) == (200, b"desk")


def test_superuser_without_authenticator_is_sent_to_activation(world: World) -> None:
    admin = User.objects.create_superuser("root@example.com", PASSWORD)

    response = world.client_for(admin).get("/admin/")

    assert (response.status_code, response["Location"]) == (302, ACTIVATE)


@pytest.mark.parametrize("persona", ["applicant", "outsider"])
def test_person_without_privileged_role_is_not_forced_to_enrol(world: World, persona: str) -> None:
    response = world.client_for(getattr(world, persona)).get(DESK)

    assert (response.status_code, response.content) == (200, b"desk")


@pytest.mark.parametrize("path", ["/", "/calls/", "/notices/", "/accounts/2fa/", "/accounts/logout/"])
def test_home_public_and_account_pages_stay_reachable_without_authenticator(world: World, path: str) -> None:
    remove_second_factor(world.staff)

    response = world.client_for(world.staff).get(path)

    assert response.status_code == 200


def test_inactive_membership_does_not_require_a_second_factor(world: World) -> None:
    remove_second_factor(world.examiner)
    world.examiner.memberships.update(is_active=False)

    response = world.client_for(world.examiner).get(DESK)

    assert (response.status_code, response.content) == (200, b"desk")


def test_enrolling_through_the_pages_shows_recovery_codes_and_then_opens_the_staff_area(world: World) -> None:
    remove_second_factor(world.staff)
    client = english()
    signed_in = client.post("/accounts/login/", {"login": world.staff.email, "password": PASSWORD})
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/")
    assert client.get("/staff/")["Location"] == ACTIVATE

    page = client.get(ACTIVATE)
    assert page.status_code == 200
    html = page.content.decode()
    secret = page.context["form"].secret
    assert f'<code class="totp-secret" id="authenticator_secret">{secret}</code>' in html
    assert 'class="totp-qr"' in html
    assert "must be protected by a second factor" in html

    activated = client.post(ACTIVATE, {"code": totp_code_for_secret(secret)})

    assert (activated.status_code, activated["Location"]) == (302, "/accounts/2fa/recovery-codes/")
    codes_page = client.get("/accounts/2fa/recovery-codes/")
    rc = Authenticator.objects.get(user=world.staff, type=Authenticator.Type.RECOVERY_CODES)
    codes = RecoveryCodes(rc).get_unused_codes()
    assert (len(codes), {len(code) for code in codes}) == (10, {8})
    assert codes_page.context["unused_codes"] == codes
    assert all(f"<li><code>{code}</code></li>" in codes_page.content.decode() for code in codes)
    assert client.get(DESK).content == b"desk"


def test_wrong_code_at_activation_is_refused_beside_the_code_field(world: World) -> None:
    remove_second_factor(world.examiner)
    client = english()
    client.post("/accounts/login/", {"login": world.examiner.email, "password": PASSWORD})
    client.get(ACTIVATE)

    response = client.post(ACTIVATE, {"code": "000000"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert not Authenticator.objects.filter(user=world.examiner).exists()


def test_login_of_a_person_with_authenticator_asks_for_the_code(world: World) -> None:
    client = english()

    password_step = client.post("/accounts/login/", {"login": world.committee.email, "password": PASSWORD})

    assert (password_step.status_code, password_step["Location"]) == (302, "/accounts/2fa/authenticate/")
    assert client.get(DESK)["Location"] == "/accounts/login/?next=/desk/"
    prompt = client.get("/accounts/2fa/authenticate/")
    assert prompt.templates[0].name == "mfa/authenticate.html"

    code_step = client.post("/accounts/2fa/authenticate/", {"code": totp_code(world.committee)})

    assert (code_step.status_code, code_step["Location"]) == (302, "/")
    assert client.get(DESK).content == b"desk"


def test_login_with_a_wrong_code_stays_on_the_code_step(world: World) -> None:
    client = english()
    client.post("/accounts/login/", {"login": world.reviewer.email, "password": PASSWORD})

    response = client.post("/accounts/2fa/authenticate/", {"code": "123456"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert client.get(DESK)["Location"] == "/accounts/login/?next=/desk/"


def test_applicant_login_needs_no_code(world: World) -> None:
    response = english().post("/accounts/login/", {"login": world.applicant.email, "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")


def test_privileged_person_cannot_deactivate_the_authenticator(world: World) -> None:
    client = english()
    client.post("/accounts/login/", {"login": world.staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(world.staff)})

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["You cannot deactivate two-factor authentication."]
    assert Authenticator.objects.filter(user=world.staff, type=Authenticator.Type.TOTP).count() == 1


def _through_middleware(user: User, path: str) -> HttpResponse:
    request = RequestFactory().get(path)
    request.user = user

    def view(_request: HttpRequest) -> HttpResponse:
        return HttpResponse("reached")

    return RequireSecondFactorMiddleware(view)(request)


@pytest.mark.parametrize("persona", ["applicant", "staff"])
def test_second_factor_check_costs_one_query_per_request(
    world: World, persona: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        response = _through_middleware(getattr(world, persona), DESK)

    assert response.content == b"reached"


def test_second_factor_check_costs_nothing_on_public_paths(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = _through_middleware(world.staff, "/calls/")

    assert response.content == b"reached"


def test_navigation_reuses_the_roles_the_second_factor_check_looked_up(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = world.client_for(world.staff)
    client.get("/desk/page/", headers={"accept-language": "en"})  # first request: the content types, the site

    with django_assert_num_queries(3) as captured:  # session, user, roles with authenticator
        response = client.get("/desk/page/", headers={"accept-language": "en"})

    role_queries = [q["sql"] for q in captured.captured_queries if "organisations_membership" in q["sql"]]
    assert len(role_queries) == 1
    assert "mfa_authenticator" in role_queries[0]
    assert response.context["nav_is_staff"] is True
    assert '<a href="/accounts/2fa/">Security</a>' in response.content.decode()


def test_security_link_is_highlighted_while_the_second_factor_is_missing(world: World) -> None:
    remove_second_factor(world.examiner)

    response = world.client_for(world.examiner).get("/", headers={"accept-language": "en"})

    assert '<a href="/accounts/2fa/" class="needs-attention">Security</a>' in response.content.decode()


def test_security_page_offers_no_deactivation_to_a_privileged_person(world: World) -> None:
    client = english()
    client.post("/accounts/login/", {"login": world.staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(world.staff)})

    html = client.get("/accounts/2fa/").content.decode()

    assert "/accounts/2fa/totp/deactivate/" not in html
    assert "Your role requires it, so it cannot be switched off." in html


def test_security_page_lets_an_applicant_deactivate_a_voluntary_authenticator(world: World) -> None:
    from tests.conftest import enrol_totp

    enrol_totp(world.applicant)
    client = english()
    client.post("/accounts/login/", {"login": world.applicant.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(world.applicant)})

    html = client.get("/accounts/2fa/").content.decode()
    deactivated = client.post("/accounts/2fa/totp/deactivate/")

    assert 'href="/accounts/2fa/totp/deactivate/"' in html
    assert (deactivated.status_code, deactivated["Location"]) == (302, "/accounts/2fa/")
    assert Authenticator.objects.filter(user=world.applicant, type=Authenticator.Type.TOTP).exists() is False
