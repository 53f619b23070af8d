"""The staff's pages: who may open them, the notice list, the policy and the calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.accounts.models import User
from engcert.audit.models import AuditEvent
from engcert.notices.domain.notice import notice_policy_for
from engcert.notices.domain.objection import objection_file
from engcert.notices.enums import CalendarDayKind
from engcert.notices.models import CalendarDay, Notice, Objection
from tests.conftest import World
from tests.notices.conftest import DURING, approved, published

STAFF_PAGES = [
    "staff_list",
    "staff_policy",
    "staff_calendar",
    "staff_publish",
    "staff_detail",
    "staff_objection",
    "staff_objection_evidence",
]


def _setup(world: World) -> tuple[Notice, Objection]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from engcert.demo.builders import TINY_PDF

    notice = published(world)
    objection = objection_file(
        entry=notice.entries.get(),
        name="张明",
        phone="13912345678",
        email="",
        statement="项目负责人另有其人。",
        evidence=SimpleUploadedFile("证明.pdf", TINY_PDF),
        now=DURING,
    )
    return notice, objection


def _url(name: str, world: World, notice: Notice, objection: Objection) -> str:
    society = world.society.code
    kwargs: dict[str, Any] = {"society": society}
    if name == "staff_publish":
        kwargs["batch"] = world.batch.pk
    elif name == "staff_detail":
        kwargs["uid"] = notice.uid
    elif name in ("staff_objection", "staff_objection_evidence"):
        kwargs["uid"] = objection.uid
    return reverse(f"notices:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_the_societys_staff_open_each_staff_page(world: World, name: str) -> None:
    notice, objection = _setup(world)
    assert world.client_for(world.staff).get(_url(name, world, notice, objection)).status_code == 200


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize("who", ["applicant", "examiner", "committee", "reviewer", "unit_admin", "outsider"])
def test_people_who_are_not_the_societys_staff_get_not_found(world: World, name: str, who: str) -> None:
    notice, objection = _setup(world)
    user: User = getattr(world, who)
    response = world.client_for(user).get(_url(name, world, notice, objection))
    assert response.status_code == 404


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_another_societys_staff_get_not_found(world: World, other_society_staff: User, name: str) -> None:
    notice, objection = _setup(world)
    assert world.client_for(other_society_staff).get(_url(name, world, notice, objection)).status_code == 404


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(world: World, name: str) -> None:
    notice, objection = _setup(world)
    url = _url(name, world, notice, objection)
    response = Client().get(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('account_login')}?next={url}")


def test_outsiders_cannot_post_a_decision(world: World) -> None:
    _notice, objection = _setup(world)
    url = reverse("notices:staff_objection", kwargs={"society": world.society.code, "uid": objection.uid})
    response = world.client_for(world.outsider).post(
        url, {"action": "decide", "outcome": "dismissed", "note": "x"}
    )
    assert response.status_code == 404
    assert Objection.objects.get().status == "open"


def test_outsiders_cannot_remove_a_calendar_day(world: World) -> None:
    day = CalendarDay.objects.get(day=date(2026, 10, 1))
    url = reverse("notices:staff_calendar_delete", kwargs={"society": world.society.code, "pk": day.pk})
    assert world.client_for(world.outsider).post(url).status_code == 404
    assert CalendarDay.objects.filter(pk=day.pk).exists()


def test_the_staff_notice_list_reads_the_same_number_of_queries_for_one_and_for_three_notices(
    world: World,
) -> None:
    from django.utils import timezone

    from engcert.notices.domain.notice import notice_publish

    client = world.client_for(world.staff)
    url = reverse("notices:staff_list", kwargs={"society": world.society.code})
    approved(world, 1)
    notice_publish(batch=world.batch, starts_on=timezone.localdate(), by=world.staff)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in (2, 3):
        approved(world, index)
        notice_publish(batch=world.batch, starts_on=timezone.localdate(), by=world.staff)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert len(response.context["notices"]) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_staff_notice_page_reads_the_same_number_of_queries_for_one_and_for_three_candidates(
    world: World,
) -> None:
    client = world.client_for(world.staff)
    one_notice = published(world, count=1)
    url = reverse("notices:staff_detail", kwargs={"society": world.society.code, "uid": one_notice.uid})
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    from django.utils import timezone

    from engcert.notices.domain.notice import notice_publish

    for index in (4, 5, 6):
        approved(world, index)
    three_notice = notice_publish(batch=world.batch, starts_on=timezone.localdate(), by=world.staff)
    url = reverse("notices:staff_detail", kwargs={"society": world.society.code, "uid": three_notice.uid})
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three.captured_queries) == len(one.captured_queries)


def test_staff_change_the_notice_length_and_zero_is_refused(world: World) -> None:
    client = world.client_for(world.staff)
    url = reverse("notices:staff_policy", kwargs={"society": world.society.code})
    refused = client.post(url, {"working_days": "0", "contact": ""})
    assert refused.context["form"].errors == {
        "working_days": ["A public notice lasts at least one working day."]
    }
    assert notice_policy_for(society=world.society).working_days == 5
    saved = client.post(url, {"working_days": "7", "contact": "学会办公室 010-12345678"})
    assert saved.status_code == 302
    policy = notice_policy_for(society=world.society)
    assert (policy.working_days, policy.contact) == (7, "学会办公室 010-12345678")
    assert AuditEvent.objects.filter(action="notices.policy_update", actor=world.staff).count() == 1


def test_staff_list_a_make_up_working_day_and_remove_it(world: World) -> None:
    client = world.client_for(world.staff)
    url = reverse("notices:staff_calendar", kwargs={"society": world.society.code})
    response = client.post(url, {"day": "2027-02-21", "kind": CalendarDayKind.WORKDAY, "name": "春节调休"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(day=date(2027, 2, 21))
    assert (day.kind, day.name) == (CalendarDayKind.WORKDAY, "春节调休")
    page = client.get(url + "?year=2027")
    assert [d.day for d in page.context["days"]].count(date(2027, 2, 21)) == 1
    client.post(
        reverse("notices:staff_calendar_delete", kwargs={"society": world.society.code, "pk": day.pk})
    )
    assert not CalendarDay.objects.filter(day=date(2027, 2, 21)).exists()
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="notices.calendar")] == [
        "notices.calendar_day_save",
        "notices.calendar_day_delete",
    ]


def test_a_weekday_cannot_be_listed_as_a_make_up_working_day(world: World) -> None:
    client = world.client_for(world.staff)
    url = reverse("notices:staff_calendar", kwargs={"society": world.society.code})
    response = client.post(url, {"day": "2027-02-22", "kind": CalendarDayKind.WORKDAY, "name": "调休"})
    assert response.context["form"].errors == {
        "kind": ["This date is a weekday, which is a working day already."]
    }
