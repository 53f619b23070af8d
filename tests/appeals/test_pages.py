"""Who may open each appeal page: 404 for anyone not to know of the appeal, 403 for those who
may see it but not act there; the list's queries do not grow with its rows; the policy page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.accounts.models import User
from engcert.appeals.models import Appeal, AppealPolicy
from engcert.audit.models import AuditEvent
from tests.appeals.helpers import TINY_PDF, lodged, panel_people, rejected, with_panel
from tests.conftest import World


@pytest.fixture
def appeal(world: World) -> Appeal:
    return lodged(
        rejected(world), files=[SimpleUploadedFile("证明.pdf", TINY_PDF, content_type="application/pdf")]
    )


def _status(world: World, user: User, url: str, method: str = "get") -> int:
    client = world.client_for(user)
    return int(getattr(client, method)(url).status_code)


def test_the_staff_pages_are_not_found_for_anyone_but_the_societys_staff(
    world: World, appeal: Appeal, other_society_staff: User
) -> None:
    members = with_panel(world, appeal)
    urls = [
        reverse("appeals:staff_list", args=[world.society.code]),
        reverse("appeals:staff_detail", args=[world.society.code, appeal.pk]),
        reverse("appeals:staff_settings", args=[world.society.code]),
    ]
    for url in urls:
        assert _status(world, world.staff, url) == 200
        for person in (world.outsider, world.applicant, world.examiner, other_society_staff, members[0]):
            if person == members[0]:
                continue  # panel members of this test are staff of the society
            assert (url, _status(world, person, url)) == (url, 404)
    other_url = reverse("appeals:staff_detail", args=["other", appeal.pk])
    assert _status(world, other_society_staff, other_url) == 404


def test_the_panel_page_is_for_its_members_staff_see_it_elsewhere_and_everyone_else_finds_nothing(
    world: World, appeal: Appeal, other_society_staff: User
) -> None:
    members = with_panel(world, appeal)
    other = lodged(rejected(world, applicant=world.other_applicant, index=2))
    # The other appeal's panel: an examiner and a committee member of the society, and one of staff.
    other_members = [world.examiner, world.committee, panel_people(world, 4)[3]]
    with_panel(world, other, other_members)
    url = reverse("appeals:panel_review", args=[appeal.uid])
    assert _status(world, members[0], url) == 200
    assert _status(world, world.staff, url) == 403
    assert _status(world, world.staff, url, "post") == 403
    for person in (world.outsider, world.applicant, other_society_staff, world.examiner, world.committee):
        assert _status(world, person, url) == 404


def test_the_appeal_form_is_the_applicants_alone(world: World, appeal: Appeal) -> None:
    application = rejected(world, applicant=world.other_applicant, index=2)
    url = reverse("appeals:lodge", args=[application.uid])
    assert _status(world, world.other_applicant, url) == 200
    for person in (world.applicant, world.staff, world.outsider):
        assert _status(world, person, url) == 404
        assert _status(world, person, url, "post") == 404


def test_the_evidence_is_for_the_candidate_the_panel_and_staff(world: World, appeal: Appeal) -> None:
    members = with_panel(world, appeal)
    url = reverse("appeals:evidence", args=[appeal.uid, appeal.evidence.get().pk])
    for person in (world.applicant, members[1], world.staff):
        response = world.client_for(person).get(url)
        assert (person.email, response.status_code, b"".join(response.streaming_content)) == (  # type: ignore[attr-defined]
            person.email,
            200,
            TINY_PDF,
        )
    for person in (world.outsider, world.other_applicant, world.examiner):
        assert _status(world, person, url) == 404
    readers = list(
        AuditEvent.objects.filter(action="appeal.evidence_read").values_list("actor_id", flat=True)
    )
    assert readers == [members[1].pk, world.staff.pk]


def test_the_panel_list_shows_only_ones_own_appeals(world: World, appeal: Appeal) -> None:
    members = with_panel(world, appeal)
    page = world.client_for(members[0]).get(reverse("appeals:panel_list"))
    assert [seat.appeal_id for seat in page.context["seats"]] == [appeal.pk]
    page = world.client_for(world.examiner).get(reverse("appeals:panel_list"))
    assert page.context["seats"] == []


def test_the_staff_list_filters_by_status_and_decision(world: World, appeal: Appeal) -> None:
    url = reverse("appeals:staff_list", args=[world.society.code])
    client = world.client_for(world.staff)
    assert [a.pk for a in client.get(url, {"status": "awaiting_panel"}).context["appeals"]] == [appeal.pk]
    assert client.get(url, {"status": "under_review"}).context["appeals"] == []
    assert [a.pk for a in client.get(url, {"stage": "initial_review"}).context["appeals"]] == [appeal.pk]
    assert client.get(url, {"stage": "committee"}).context["appeals"] == []
    assert [a.pk for a in client.get(url, {"q": appeal.application.number}).context["appeals"]] == [appeal.pk]


def _list_queries(world: World) -> int:
    client = world.client_for(world.staff)
    url = reverse("appeals:staff_list", args=[world.society.code])
    client.get(url)  # warm the session and the permission caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_staff_list_reads_the_same_number_of_queries_for_one_appeal_and_for_three(world: World) -> None:
    lodged(rejected(world, index=1))
    one = _list_queries(world)
    for index, email in ((2, "a2@example.com"), (3, "a3@example.com")):
        from engcert.demo import builders

        applicant = builders.user_create(
            email=email, password="x-very-long-pass-123", full_name=f"申诉人{index}"
        )
        with_panel(world, lodged(rejected(world, applicant=applicant, index=index)), panel_people(world, 3))
    three = _list_queries(world)
    assert len(Appeal.objects.all()) == 3
    assert one == three


def test_staff_set_the_window_and_an_odd_panel_size(world: World) -> None:
    url = reverse("appeals:staff_settings", args=[world.society.code])
    client = world.client_for(world.staff)
    response = client.post(url, {"window_days": "20", "panel_size": "4"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "panel_size": ["Choose an odd number, so the panel's majority is never a tie."]
    }
    response = client.post(url, {"window_days": "20", "panel_size": "5"})
    assert response.status_code == 302
    policy = AppealPolicy.objects.get(society=world.society)
    assert (policy.window_days, policy.panel_size) == (20, 5)
    event = AuditEvent.objects.get(action="appeal.policy_update")
    assert event.data == {
        "before": {"window_days": 15, "panel_size": 3},
        "after": {"window_days": 20, "panel_size": 5},
    }
