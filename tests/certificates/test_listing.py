"""The member's consent page for the public register (PIPL): what they choose is what is published."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from engcert.audit.models import AuditEvent
from engcert.certificates.listing import register_listing_update
from engcert.certificates.models import RegisterListing
from tests.certificates.public_helpers import member_certificate
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = "/me/register-listing/"


def test_the_consent_page_address():
    assert reverse("certificates:listing") == URL


def test_a_member_is_not_listed_until_they_agree(world: World):
    certificate = member_certificate(world.society, holder=world.applicant)
    response = world.client_for(world.applicant).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Personal Information Protection Law" in body
    assert "Not listed" in body
    assert not RegisterListing.objects.filter(registration=certificate.registration).exists()


def test_saving_the_choice_publishes_exactly_what_was_ticked(world: World, client: Client):
    certificate = member_certificate(world.society, holder=world.applicant, unit=world.unit)
    prefix = f"r{certificate.registration.pk}"
    response = world.client_for(world.applicant).post(
        URL,
        {"registration": certificate.registration.pk, f"{prefix}-listed": "on", f"{prefix}-show_unit": "on"},
    )
    assert (response.status_code, response["Location"]) == (302, URL)
    listing = RegisterListing.objects.get(registration=certificate.registration)
    assert (listing.listed, listing.show_unit, listing.show_discipline, listing.show_name_en) == (
        True,
        True,
        False,
        False,
    )
    rows = client.get(reverse("certificates:register")).context["rows"]
    assert [(r.name, r.unit, r.discipline, r.name_en) for r in rows] == [
        ("王伟", world.unit.display_name, "", "")
    ]
    event = AuditEvent.objects.get(action="certificates.listing_changed")
    assert (event.actor, event.data["listed"], event.data["show_unit"]) == (world.applicant, True, True)


def test_withdrawing_consent_removes_the_member_at_once(world: World, client: Client):
    certificate = member_certificate(world.society, holder=world.applicant)
    register_listing_update(
        registration=certificate.registration,
        listed=True,
        show_unit=False,
        show_discipline=True,
        show_name_en=False,
        by=world.applicant,
    )
    assert len(client.get(reverse("certificates:register")).context["rows"]) == 1
    prefix = f"r{certificate.registration.pk}"
    world.client_for(world.applicant).post(
        URL, {"registration": certificate.registration.pk, f"{prefix}-show_discipline": "on"}
    )
    assert client.get(reverse("certificates:register")).context["rows"] == []


def test_a_member_cannot_decide_for_another(world: World):
    mine = member_certificate(world.society, holder=world.other_applicant)
    member_certificate(world.society, holder=world.applicant)
    prefix = f"r{mine.registration.pk}"
    response = world.client_for(world.applicant).post(
        URL, {"registration": mine.registration.pk, f"{prefix}-listed": "on"}
    )
    assert response.status_code == 404
    assert not RegisterListing.objects.filter(registration=mine.registration).exists()
    with pytest.raises(PermissionError):
        register_listing_update(
            registration=mine.registration,
            listed=True,
            show_unit=True,
            show_discipline=True,
            show_name_en=True,
            by=world.applicant,
        )


def test_people_without_a_registration_get_not_found(world: World):
    assert world.client_for(world.outsider).get(URL).status_code == 404
    assert world.client_for(world.staff).get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client: Client):
    response = client.get(URL)
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login"))
