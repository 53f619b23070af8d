"""Every page of the pool, panels and schedule: 404 for anyone but the society's active staff
(outsiders, applicants, examiners, other societies' staff); 403 where staff may look but not act.
The applicant's interview pages: 404 for others, 403 for staff, who may read but not act."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState
from engcert.examiners.domain.interviews import interview_schedule
from engcert.examiners.domain.pool import declared_relation_add, examiner_employment_add
from engcert.examiners.models import CandidateUnavailability, PanelSeat, ScheduleRun
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from tests.examiners.helpers import at, panel_ready, room_add

pytestmark = pytest.mark.django_db


@dataclass
class Things:
    staff_urls: list[tuple[str, str]]
    applicant_urls: list[tuple[str, str]]


@pytest.fixture
def things(world) -> Things:
    application, chair, member, day = panel_ready(world)
    room = room_add(world.society)
    interview = interview_schedule(application=application, room=room, starts_at=at(day, 9), by=world.staff)
    seat = PanelSeat.objects.get(examiner=member)
    employment = examiner_employment_add(
        examiner=chair, employer="许继集团", start_date=None, end_date=None, by=world.staff
    )
    relation = declared_relation_add(examiner=chair, by=world.staff, person_name="王伟", relation="配偶")
    run = ScheduleRun.objects.create(batch=world.batch, params={}, created_by=world.staff, status="proposed")
    unavailable = CandidateUnavailability.objects.create(application=application, date=day)
    s, b, u = "/staff/csee", world.batch.pk, application.uid
    staff_urls = [
        ("get", f"{s}/examiners/"),
        ("get", f"{s}/examiners/new/"),
        ("post", f"{s}/examiners/new/"),
        ("get", f"{s}/examiners/policy/"),
        ("post", f"{s}/examiners/policy/"),
        ("get", f"{s}/examiners/rooms/"),
        ("get", f"{s}/examiners/rooms/new/"),
        ("get", f"{s}/examiners/rooms/{room.pk}/"),
        ("post", f"{s}/examiners/rooms/{room.pk}/"),
        ("get", f"{s}/examiners/{chair.pk}/"),
        ("get", f"{s}/examiners/{chair.pk}/edit/"),
        ("post", f"{s}/examiners/{chair.pk}/edit/"),
        ("post", f"{s}/examiners/{chair.pk}/active/"),
        ("post", f"{s}/examiners/{chair.pk}/employers/"),
        ("post", f"{s}/examiners/{chair.pk}/employers/{employment.pk}/delete/"),
        ("post", f"{s}/examiners/{chair.pk}/days/"),
        ("post", f"{s}/examiners/{chair.pk}/relations/"),
        ("post", f"{s}/examiners/{chair.pk}/relations/{relation.pk}/delete/"),
        ("get", f"{s}/batches/{b}/panels/"),
        ("post", f"{s}/batches/{b}/panels/fill/"),
        ("get", f"{s}/batches/{b}/panels/schedule/"),
        ("post", f"{s}/batches/{b}/panels/schedule/"),
        ("get", f"{s}/batches/{b}/panels/schedule/{run.pk}/"),
        ("post", f"{s}/batches/{b}/panels/schedule/{run.pk}/confirm/"),
        ("get", f"{s}/batches/{b}/panels/{u}/"),
        ("post", f"{s}/batches/{b}/panels/{u}/seats/"),
        ("get", f"{s}/batches/{b}/panels/{u}/seats/{seat.pk}/remove/"),
        ("post", f"{s}/batches/{b}/panels/{u}/seats/{seat.pk}/remove/"),
        ("get", f"{s}/batches/{b}/panels/{u}/seats/{seat.pk}/replace/"),
        ("post", f"{s}/batches/{b}/panels/{u}/seats/{seat.pk}/chair/"),
        ("post", f"{s}/batches/{b}/panels/{u}/interview/"),
        ("get", f"{s}/batches/{b}/panels/{u}/interview/{interview.pk}/move/"),
        ("get", f"{s}/batches/{b}/panels/{u}/interview/{interview.pk}/no-show/"),
    ]
    applicant_urls = [
        ("get", f"/interviews/{u}/unavailable/"),
        ("post", f"/interviews/{u}/unavailable/"),
        ("post", f"/interviews/{u}/unavailable/{unavailable.pk}/delete/"),
        ("get", f"/interviews/{u}/calendar.ics"),
    ]
    return Things(staff_urls, applicant_urls)


def call(client, method, url):
    return getattr(client, method)(url)


@pytest.mark.parametrize(
    "who", ["outsider", "applicant", "examiner", "committee", "unit_admin", "other_staff"]
)
def test_the_staff_pages_are_not_found_for_anyone_but_the_societys_staff(
    world, things, other_society_staff, who
):
    user = other_society_staff if who == "other_staff" else getattr(world, who)
    client = world.client_for(user)
    answers = {(m, url): call(client, m, url).status_code for m, url in things.staff_urls}
    assert answers == {key: 404 for key in answers}


def test_staff_whose_membership_ended_are_turned_away_too(world, things):
    Membership.objects.filter(user=world.staff, role=Role.STAFF).update(is_active=False)
    client = world.client_for(world.staff)
    answers = {(m, url): call(client, m, url).status_code for m, url in things.staff_urls}
    assert answers == {key: 404 for key in answers}


def test_signed_out_visitors_are_sent_to_sign_in(world, things):
    from django.test import Client

    client = Client()
    for method, url in things.staff_urls + things.applicant_urls:
        response = call(client, method, url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_the_societys_staff_reach_every_page(world, things):
    client = world.client_for(world.staff)
    for method, url in things.staff_urls:
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_after_the_interview_the_panel_may_be_read_but_not_changed(world, things):
    application = PanelSeat.objects.first().panel.application
    application_transition(application=application, to_state=ApplicationState.INTERVIEWED, by=world.staff)
    client = world.client_for(world.staff)
    changes = [(m, url) for m, url in things.staff_urls if f"/panels/{application.uid}/" in url]
    assert client.get(f"/staff/csee/batches/{world.batch.pk}/panels/{application.uid}/").status_code == 200
    answers = {
        (m, url): call(client, m, url).status_code
        for m, url in changes
        if not url.endswith(f"{application.uid}/")
    }
    assert answers == {key: 403 for key in answers}


@pytest.mark.parametrize("who", ["outsider", "other_applicant", "examiner", "unit_admin"])
def test_the_applicants_interview_pages_are_not_found_for_others(world, things, who):
    client = world.client_for(getattr(world, who))
    answers = {(m, url): call(client, m, url).status_code for m, url in things.applicant_urls}
    assert answers == {key: 404 for key in answers}


def test_staff_may_read_the_application_but_not_act_for_the_applicant(world, things):
    client = world.client_for(world.staff)
    answers = {(m, url): call(client, m, url).status_code for m, url in things.applicant_urls}
    assert answers == {key: 403 for key in answers}


def test_once_the_interview_is_arranged_the_applicant_can_no_longer_change_the_days(world, things):
    application = PanelSeat.objects.first().panel.application
    client = world.client_for(application.applicant)
    page = client.get(f"/interviews/{application.uid}/unavailable/")
    assert page.status_code == 200
    assert "can no longer be changed here" in page.content.decode()
    answers = {(m, url): call(client, m, url).status_code for m, url in things.applicant_urls if m == "post"}
    assert answers == {key: 403 for key in answers}
