"""The applicant is told: their application page shows the interview's time, place or link and
the panel's size (never the examiners' names); before that, they name the days they cannot come."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engcert.audit.models import AuditEvent
from engcert.examiners.domain.interviews import interview_schedule
from engcert.examiners.models import CandidateUnavailability
from tests.examiners.helpers import at, panel_ready, room_add

pytestmark = pytest.mark.django_db


def test_while_waiting_the_applicant_names_days_they_cannot_attend(world):
    application, _c, _m, day = panel_ready(world)
    client = world.client_for(application.applicant)
    page = client.get(f"/applications/{application.uid}/").content.decode()
    assert "Your interview has not been arranged yet; you will be told its time and place by email." in page
    assert f'href="/interviews/{application.uid}/unavailable/"' in page
    url = f"/interviews/{application.uid}/unavailable/"
    response = client.post(url, {"date": day.isoformat(), "note": "出国参加会议"})
    assert response["Location"] == url
    assert list(CandidateUnavailability.objects.values_list("date", "note")) == [(day, "出国参加会议")]
    assert AuditEvent.objects.get(action="interview.unavailable_add").actor == application.applicant
    twice = client.post(url, {"date": day.isoformat()}).content.decode()
    assert "You have already named this day." in twice
    past = client.post(url, {"date": timezone.localdate().isoformat()}).content.decode()
    assert "Choose a day from tomorrow on." in past
    page = client.get(f"/applications/{application.uid}/").content.decode()
    assert f'Days you cannot attend: <span class="nowrap">{day:%Y-%m-%d}</span>' in page
    row = CandidateUnavailability.objects.get()
    client.post(f"{url}{row.pk}/delete/")
    assert CandidateUnavailability.objects.count() == 0


def test_once_scheduled_the_page_shows_time_place_and_panel_size_but_no_names(world):
    application, chair, member, day = panel_ready(world)
    interview_schedule(
        application=application, room=room_add(world.society), starts_at=at(day, 14), by=world.staff
    )
    client = world.client_for(application.applicant)
    page = client.get(f"/applications/{application.uid}/").content.decode()
    assert f"<strong>{day:%Y-%m-%d} Monday 14:00–14:45</strong>" in page
    assert "第一会议室" in page and "学会大楼三层 305 室" in page
    assert "2 examiners" in page
    assert f'href="/interviews/{application.uid}/calendar.ics"' in page
    assert chair.user.full_name not in page and member.user.full_name not in page
    # Staff reading the same page see the interview too, without the applicant's calendar button.
    staff_page = world.client_for(world.staff).get(f"/applications/{application.uid}/").content.decode()
    assert f"{day:%Y-%m-%d} Monday 14:00–14:45" in staff_page
    assert "calendar.ics" not in staff_page


def test_an_online_interview_shows_its_link(world):
    application, _c, _m, day = panel_ready(world)
    room = room_add(world.society, "线上一", online=True)
    interview_schedule(
        application=application, room=room, starts_at=at(day + timedelta(days=0), 9), by=world.staff
    )
    page = world.client_for(application.applicant).get(f"/applications/{application.uid}/").content.decode()
    assert 'href="https://meeting.example.com/j/123"' in page


def test_an_online_rooms_link_that_is_not_a_web_address_is_shown_as_text_and_never_followed(world):
    application, chair, _m, day = panel_ready(world)
    room = room_add(world.society, "线上一", online=True)
    interview_schedule(application=application, room=room, starts_at=at(day, 9), by=world.staff)
    # Written around the form, which accepts only http(s) links.
    type(room).objects.filter(pk=room.pk).update(location="javascript:alert(1)")

    for user, path in (
        (application.applicant, f"/applications/{application.uid}/"),
        (chair.user, f"/examiner/{application.uid}/"),
    ):
        page = world.client_for(user).get(path).content.decode()
        assert 'href="javascript:' not in page, path
    assert (
        "javascript:alert(1)"
        in world.client_for(application.applicant).get(f"/applications/{application.uid}/").content.decode()
    )


def test_a_draft_shows_no_interview_box(world, complete_draft):
    page = world.client_for(world.applicant).get(f"/applications/{complete_draft.uid}/").content.decode()
    assert 'id="interview"' not in page
