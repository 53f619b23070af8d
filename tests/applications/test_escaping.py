"""HTML and script typed into any field are shown as text, never run, on every page that shows them."""

from __future__ import annotations

import pytest

from engcert.applications.models import Application, Project

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def hostile(complete_draft: Application) -> Application:
    Application.objects.filter(pk=complete_draft.pk).update(full_name=PAYLOAD, address=PAYLOAD)
    Project.objects.filter(application=complete_draft).update(name=PAYLOAD, results=PAYLOAD)
    complete_draft.statements.update(text=PAYLOAD)
    return complete_draft


@pytest.mark.parametrize(
    "path",
    ["", "edit/personal/", "edit/projects/", "edit/competency/"],
)
def test_markup_in_fields_is_escaped_on_the_applicants_pages(world, hostile, path):
    html = world.client_for(world.applicant).get(f"/applications/{hostile.uid}/{path}").content.decode()
    assert PAYLOAD not in html
    assert ESCAPED in html


def test_markup_in_fields_is_escaped_for_staff_too(world, hostile):
    html = world.client_for(world.staff).get(f"/applications/{hostile.uid}/").content.decode()
    assert PAYLOAD not in html
    assert ESCAPED in html


def test_markup_in_the_name_is_escaped_in_my_applications_and_the_header(world, hostile):
    world.applicant.full_name = PAYLOAD
    world.applicant.save(update_fields=["full_name"])
    html = world.client_for(world.applicant).get("/applications/").content.decode()
    assert PAYLOAD not in html
    assert ESCAPED in html
