"""A unit administrator sees their own unit's engineers and nothing of the evaluation: every
staff page, every examiner, committee and alliance page and the API refuse them; the staff's
initial review shows the unit's word."""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from engcert.units.domain import endorsement_decide
from engcert.units.enums import EndorsementDecision
from tests.conftest import World
from tests.units.helpers import engineer_application

pytestmark = pytest.mark.django_db

# Path prefixes that belong to the society, its examiners, committee and the alliance.
PRIVILEGED_PREFIXES = ("staff/", "examiner/", "committee/", "alliance/")


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(_routes(pattern.url_patterns, route))
        else:
            found.append((route, pattern))
    return found


def _fill(route: str, world: World, uid: uuid.UUID) -> str:
    converters = {
        "<slug:society>": world.society.code,
        "<slug:code>": world.unit.code,
        "<slug:unit>": world.unit.code,
        "<uuid:uid>": str(uid),
    }
    for key, value in converters.items():
        route = route.replace(key, value)
    while "<" in route:
        start, end = route.index("<"), route.index(">")
        kind = route[start + 1 : end].split(":")[0]
        value = {"int": "1", "uuid": str(uid), "slug": "x", "str": "x", "path": "x"}.get(kind, "1")
        route = route[:start] + value + route[end + 1 :]
    return "/" + route.lstrip("^").rstrip("$")


def _privileged_paths(world: World, uid: uuid.UUID) -> list[str]:
    paths = []
    for route, _pattern in _routes(get_resolver().url_patterns):
        if route.startswith(PRIVILEGED_PREFIXES) and "(?P" not in route:
            paths.append(_fill(route, world, uid))
    return sorted(set(paths))


def test_every_staff_examiner_committee_and_alliance_page_refuses_a_unit_admin(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    endorsement_decide(application=application, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin)
    paths = _privileged_paths(world, application.uid)
    assert len(paths) > 50  # the walk found the pages, not an empty list
    client = world.client_for(world.unit_admin)
    # A committee member's own list of meetings answers everyone signed in, with their meetings:
    # for a unit administrator, none.
    assert client.get("/committee/").context["meetings"] == []
    paths.remove("/committee/")
    allowed = {}
    for path in paths:
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            if status not in (403, 404, 405):
                allowed[f"{method} {path}"] = status
    assert allowed == {}


def test_the_staff_reach_their_units_page_the_walk_covers(world: World):
    """The walk above tries real addresses: one of them answers staff."""
    paths = _privileged_paths(world, uuid.uuid4())
    assert reverse("units:staff_units", args=[world.society.code]) in paths
    assert (
        world.client_for(world.staff).get(reverse("units:staff_units", args=[world.society.code])).status_code
        == 200
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/batches",
        "/api/v1/batches/1",
        "/api/v1/batches/1/candidates",
        "/api/v1/candidates",
        "/api/v1/registrations",
    ],
)
def test_a_unit_admins_session_gets_nothing_from_the_api(world: World, path: str):
    response = world.client_for(world.unit_admin).get(path)
    assert response.status_code in (401, 404)
    assert response.status_code == 401 or "candidates" not in response.content.decode()


def test_a_unit_admins_session_is_not_a_token_for_the_api(world: World):
    engineer_application(world, index=1, unit=world.unit)
    response = world.client_for(world.unit_admin).get("/api/v1/batches")
    assert response.status_code == 401


def test_the_unit_admin_cannot_open_the_applicants_own_pages(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    client = world.client_for(world.unit_admin)
    for name in ("detail", "pdf"):
        assert client.get(reverse(f"applications:{name}", args=[application.uid])).status_code == 404


def test_the_units_application_page_shows_no_evaluation_or_identity_data(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    text = (
        world.client_for(world.unit_admin)
        .get(reverse("units:application", args=[world.unit.code, application.uid]))
        .content.decode()
    )
    assert application.id_number not in text
    assert world.examiner.full_name not in text
    assert application.phone not in text


def _review_page(world: World, application) -> str:  # type: ignore[no-untyped-def]
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = world.staff
    return Template("{% load unit_tags %}{% unit_endorsement_panel application %}").render(
        Context({"request": request, "application": application})
    )


def test_staff_see_a_declined_endorsement_with_its_reason_in_the_initial_review_panel(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    endorsement_decide(
        application=application,
        to_decision=EndorsementDecision.DECLINED,
        by=world.unit_admin,
        reason="申请人已调离本单位，无法核实其工程实践经历。",
    )
    html = _review_page(world, application)
    assert "The unit declined to endorse this application." in html
    assert "申请人已调离本单位，无法核实其工程实践经历。" in html
    assert "单位联系人" in html


def test_the_panel_shows_nothing_to_a_unit_admin(world: World):
    from django.template import Context, Template
    from django.test import RequestFactory

    application = engineer_application(world, index=1, unit=world.unit)
    request = RequestFactory().get("/")
    request.user = world.unit_admin
    html = Template("{% load unit_tags %}{% unit_endorsement_panel application %}").render(
        Context({"request": request, "application": application})
    )
    assert html == ""


def test_an_endorsement_ticks_nothing_in_the_staff_checklist(world: World):
    from engcert.review.domain import initial_review_current

    application = engineer_application(world, index=1, unit=world.unit)
    endorsement_decide(application=application, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin)
    assert initial_review_current(application=application).unit_endorsement_received is False
