"""Every page of referee confirmation refuses those it is not for: outsiders, another society's
staff, examiners, and the applicant where staff act (and staff where the applicant acts)."""

from __future__ import annotations

import pytest

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.referees.enums import RequestState
from engcert.referees.models import RefereeClaim, RefereePolicy, RefereeRequest
from tests.conftest import World
from tests.referees.conftest import REFEREE_B, link_for


def _staff_urls(world: World, application: Application) -> list[tuple[str, str, dict[str, str]]]:
    request = RefereeRequest.objects.get(application=application, email=REFEREE_B["referee_email"])
    base = f"/staff/{world.society.code}"
    return [
        ("post", f"{base}/applications/{application.uid}/referees/ask/", {}),
        ("post", f"{base}/applications/{application.uid}/referees/{request.uid}/bounced/", {"note": "550"}),
        ("get", f"{base}/referees/policy/", {}),
        ("post", f"{base}/referees/policy/", {"link_valid_days": "3", "reminder_days": ""}),
    ]


@pytest.mark.parametrize("who", ["outsider", "examiner", "applicant", "unit_admin", "other_society_staff"])
def test_only_the_societys_staff_reach_the_staff_actions(
    who: str, world: World, submitted: Application, other_society_staff: User
) -> None:
    user = other_society_staff if who == "other_society_staff" else getattr(world, who)
    client = world.client_for(user)
    count = RefereeRequest.objects.count()
    for method, url, data in _staff_urls(world, submitted):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert RefereeRequest.objects.count() == count
    assert RefereeRequest.objects.get(email=REFEREE_B["referee_email"]).state == RequestState.SENT
    assert not RefereePolicy.objects.filter(link_valid_days=3).exists()


def test_signed_out_people_are_sent_to_sign_in(client, world: World, submitted: Application) -> None:
    for method, url, data in _staff_urls(world, submitted):
        response = getattr(client, method)(url, data)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/"), url


def test_the_review_panel_shows_only_to_the_societys_staff(world: World, submitted: Application) -> None:
    url = f"/staff/{world.society.code}/applications/{submitted.uid}/review/"
    assert "Referees' confirmations" in world.client_for(world.staff).get(url).content.decode()


@pytest.mark.parametrize("who", ["outsider", "examiner", "unit_admin", "staff", "other_applicant"])
def test_only_the_applicant_replaces_a_referee(who: str, world: World, submitted: Application) -> None:
    claim = RefereeClaim.objects.get(request__uid=link_for(REFEREE_B["referee_email"]).uid)
    url = f"/applications/{submitted.uid}/referees/{claim.uid}/replace/"
    client = world.client_for(getattr(world, who))
    data = {
        "name": "x",
        "position": "x",
        "organisation": "x",
        "email": "x@example.com",
        "phone": "13900000009",
        "reason": "x",
    }
    expected = 403 if who == "staff" else 404
    assert client.get(url).status_code == expected
    assert client.post(url, data).status_code == expected
    assert RefereeRequest.objects.get(pk=claim.request_id).state == RequestState.SENT


def test_the_applicant_panel_is_only_for_the_applicant(world: World, submitted: Application) -> None:
    url = f"/applications/{submitted.uid}/"
    assert "Your referees" in world.client_for(world.applicant).get(url).content.decode()
    assert "Your referees" not in world.client_for(world.staff).get(url).content.decode()


def test_a_claim_of_another_application_is_not_found(world: World, submitted: Application) -> None:
    claim = RefereeClaim.objects.get(request__uid=link_for(REFEREE_B["referee_email"]).uid)
    other = Application.objects.create(
        batch=submitted.batch, applicant=world.other_applicant, framework_version=submitted.framework_version
    )
    client = world.client_for(world.other_applicant)
    assert client.get(f"/applications/{other.uid}/referees/{claim.uid}/replace/").status_code == 404
