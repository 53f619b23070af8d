"""Who may open and save the sections of an application, and when they become read-only."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from engcert.accounts.models import User
from engcert.applications.domain.application import application_create, application_submit
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.applications.sections import SECTION_KEYS
from tests.applications.test_sections_drafts import english, section_url
from tests.conftest import World


@pytest.fixture
def draft(world: World) -> Application:
    return application_create(batch=world.batch, applicant=world.applicant)


@pytest.mark.parametrize("section", SECTION_KEYS)
@pytest.mark.parametrize("persona", ["other_applicant", "outsider", "unit_admin"])
def test_a_stranger_gets_not_found_on_every_section(
    world: World, draft: Application, section: str, persona: str
) -> None:
    client = world.client_for(getattr(world, persona))

    assert client.get(section_url(draft, section)).status_code == 404
    assert (
        client.post(section_url(draft, section), {"full_name": "冒名", "action": "save"}).status_code == 404
    )
    draft.refresh_from_db()
    assert draft.full_name == "王伟"


@pytest.mark.parametrize("section", SECTION_KEYS)
def test_society_staff_may_read_the_application_but_get_forbidden_on_editing(
    world: World, draft: Application, section: str
) -> None:
    client = world.client_for(world.staff)

    assert client.get(section_url(draft, section)).status_code == 403
    assert (
        client.post(section_url(draft, section), {"full_name": "改名", "action": "save"}).status_code == 403
    )
    assert client.get(f"/applications/{draft.uid}/").status_code == 200
    draft.refresh_from_db()
    assert draft.full_name == "王伟"


def test_staff_of_another_society_get_not_found(
    world: World, draft: Application, other_society_staff: User
) -> None:
    client = world.client_for(other_society_staff)

    assert client.get(section_url(draft, "personal")).status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(draft: Application) -> None:
    response = Client().get(section_url(draft, "personal"))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={section_url(draft, 'personal')}"


def test_an_unknown_section_is_not_found(world: World, draft: Application) -> None:
    assert world.client_for(world.applicant).get(section_url(draft, "salary")).status_code == 404


@pytest.mark.parametrize("section", SECTION_KEYS)
def test_a_submitted_applications_sections_send_the_applicant_to_the_overview(
    world: World, complete_draft: Application, section: str
) -> None:
    submitted = application_submit(application=complete_draft, by=world.applicant)
    client = english(world.client_for(world.applicant))

    notice = (
        "This application has been submitted and can no longer be changed. "
        "You can still read it and download it as PDF."
    )
    for method in (client.get, client.post):
        response = method(section_url(submitted, section), {"full_name": "改名", "action": "save"})
        assert response.status_code == 302
        assert response["Location"] == f"/applications/{submitted.uid}/"
        assert [str(m) for m in get_messages(response.wsgi_request)] == [notice]
        assert notice in client.get(response["Location"]).content.decode()
    submitted.refresh_from_db()
    assert (submitted.state, submitted.full_name) == (ApplicationState.SUBMITTED, "王伟")
