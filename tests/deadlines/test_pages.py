"""The staff's reminder settings and a batch's deadlines page; the "days left" tag."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.deadlines.domain.checks import when_text
from engcert.deadlines.domain.policy import deadline_extension_grant
from engcert.deadlines.models import DeadlineExtension, DeadlinePolicy
from tests.conftest import World
from tests.deadlines.helpers import close_call, pass_roster_deadline
from tests.units.helpers import engineer_application

pytestmark = pytest.mark.usefixtures("english")


def _policy_url(world: World) -> str:
    return reverse("deadlines:policy", args=[world.society.code])


def _batch_url(world: World) -> str:
    return reverse("deadlines:batch", args=[world.society.code, world.batch.pk])


def test_staff_see_the_default_reminders_and_save_their_own(world: World):
    client = world.client_for(world.staff)
    page = client.get(_policy_url(world))
    assert page.context["form"].initial == {
        "application_reminder_days": "7,3,1",
        "roster_reminder_days": "7,3,1",
    }

    response = client.post(
        _policy_url(world), {"application_reminder_days": "1, 14,3", "roster_reminder_days": "5"}
    )

    assert response.status_code == 302
    policy = DeadlinePolicy.objects.get(society=world.society)
    assert (policy.application_reminder_days, policy.roster_reminder_days, policy.updated_by) == (
        "14,3,1",
        "5",
        world.staff,
    )
    event = AuditEvent.objects.get(action="deadlines.policy_save")
    assert event.data == {
        "before": {"application_reminder_days": "7,3,1", "roster_reminder_days": "7,3,1"},
        "after": {"application_reminder_days": "14,3,1", "roster_reminder_days": "5"},
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("7;3", "Write whole numbers of days separated by commas, e.g. 7,3,1."),
        ("0,3", "Each number must be between 1 and 60 days."),
        ("90", "Each number must be between 1 and 60 days."),
        ("1,2,3,4,5,6,7", "At most 6 reminders per deadline."),
    ],
)
def test_the_reminder_days_are_checked(world: World, value: str, message: str):
    response = world.client_for(world.staff).post(
        _policy_url(world), {"application_reminder_days": value, "roster_reminder_days": "7"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"application_reminder_days": [message]}
    assert not DeadlinePolicy.objects.exists()


@pytest.mark.parametrize("persona", ["unit_admin", "applicant", "examiner", "outsider"])
def test_the_deadline_pages_are_404_for_non_staff(world: World, persona: str):
    client = world.client_for(getattr(world, persona))
    assert client.get(_policy_url(world)).status_code == 404
    assert (
        client.post(
            _policy_url(world), {"application_reminder_days": "1", "roster_reminder_days": "1"}
        ).status_code
        == 404
    )
    assert client.get(_batch_url(world)).status_code == 404
    assert (
        client.post(
            _batch_url(world),
            {"who": "unit", "unit": world.unit.pk, "until": "2099-01-01T10:00", "reason": "x"},
        ).status_code
        == 404
    )
    assert not DeadlinePolicy.objects.exists()
    assert not DeadlineExtension.objects.exists()


def test_another_societys_staff_cannot_reach_the_deadline_pages(world: World, other_society_staff):
    client = world.client_for(other_society_staff)
    assert client.get(_policy_url(world)).status_code == 404
    assert client.get(_batch_url(world)).status_code == 404


def test_staff_grant_an_applicant_an_extension_from_the_batch_page(world: World, complete_draft: Application):
    close_call(world.batch)
    until = (timezone.localtime() + timedelta(days=3)).replace(second=0, microsecond=0)

    response = world.client_for(world.staff).post(
        _batch_url(world),
        {
            "who": "applicant",
            "applicant_email": "APPLICANT@example.com",
            "until": until.strftime("%Y-%m-%dT%H:%M"),
            "reason": "申请人出差，补交证明。",
        },
    )

    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert (extension.applicant, extension.unit, extension.until, extension.reason, extension.granted_by) == (
        world.applicant,
        None,
        until,
        "申请人出差，补交证明。",
        world.staff,
    )
    page = world.client_for(world.staff).get(_batch_url(world)).content.decode()
    assert "申请人出差，补交证明。" in page


def test_staff_grant_a_unit_an_extension_and_see_refusals_by_the_form(world: World):
    client = world.client_for(world.staff)
    before = client.post(
        _batch_url(world),
        {"who": "unit", "unit": world.unit.pk, "until": "2020-01-01T10:00", "reason": "单位盖章延误"},
    )
    assert before.status_code == 400
    assert before.context["form"].non_field_errors() == ["The extension must end in the future."]
    missing = client.post(_batch_url(world), {"who": "unit", "until": "2099-01-01T10:00", "reason": "x"})
    assert missing.context["form"].errors["unit"] == ["Please choose a unit."]

    assert world.batch.roster_deadline is not None
    until = timezone.localtime(world.batch.roster_deadline + timedelta(days=2)).replace(
        second=0, microsecond=0
    )
    response = client.post(
        _batch_url(world),
        {
            "who": "unit",
            "unit": world.unit.pk,
            "until": until.strftime("%Y-%m-%dT%H:%M"),
            "reason": "单位盖章延误",
        },
    )
    assert response.status_code == 302
    assert list(DeadlineExtension.objects.values_list("unit", "until")) == [(world.unit.pk, until)]


def _count_batch_page_queries(world: World) -> int:
    client = world.client_for(world.staff)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_batch_url(world)).status_code == 200
    return len(queries)


def test_the_batch_page_reads_as_many_queries_for_three_extensions_as_for_one(world: World):
    applications = [engineer_application(world, index=i, unit=world.unit, submit=False) for i in (1, 2, 3)]
    close_call(world.batch)

    def grant(application: Application) -> None:
        deadline_extension_grant(
            batch=world.batch,
            applicant=application.applicant,
            until=timezone.now() + timedelta(days=1),
            reason="理由",
            by=world.staff,
        )

    grant(applications[0])
    one = _count_batch_page_queries(world)
    grant(applications[1])
    grant(applications[2])
    assert len(world.client_for(world.staff).get(_batch_url(world)).context["extensions"]) == 3
    assert _count_batch_page_queries(world) == one


def _render(source: str, **context: object) -> str:
    return Template("{% load deadline_tags %}" + source).render(Context(context)).strip()


def test_the_tag_says_how_many_days_are_left_or_when_it_closed():
    now = timezone.now()
    assert ">5 days left<" in _render("{% deadline_left when %}", when=now + timedelta(days=5, hours=2))
    assert ">1 day left<" in _render("{% deadline_left when %}", when=now + timedelta(days=1, hours=2))
    assert ">less than a day left<" in _render("{% deadline_left when %}", when=now + timedelta(hours=2))
    closed = now - timedelta(days=1)
    assert f">closed on {when_text(closed)}<" in _render("{% deadline_left when %}", when=closed)
    assert _render("{% deadline_left when %}", when=None) == ""


def test_the_applicants_tag_counts_their_extension(world: World, complete_draft: Application):
    closes = close_call(world.batch)
    assert f">closed on {when_text(closes)}<" in _render("{% application_deadline a %}", a=complete_draft)
    deadline_extension_grant(
        batch=world.batch,
        applicant=world.applicant,
        until=timezone.now() + timedelta(days=4, hours=1),
        reason="理由",
        by=world.staff,
    )
    assert ">4 days left<" in _render("{% application_deadline a %}", a=complete_draft)


def test_the_units_tag_shows_the_roster_deadline(world: World):
    assert world.batch.roster_deadline is not None
    days = (world.batch.roster_deadline - timezone.now()).days
    assert f">{days} days left<" in _render("{% roster_deadline b u %}", b=world.batch, u=world.unit)
    world.batch.roster_deadline = None
    assert _render("{% roster_deadline b u %}", b=world.batch, u=world.unit) == ""


def test_the_units_panel_lists_its_roster_deadlines_with_its_extension(world: World):
    from engcert.demo import builders

    later = builders.batch_create(society=world.society, code="2026-b5", name="第五批", name_en="Fifth batch")
    roster = pass_roster_deadline(world.batch)
    assert _render("{% unit_deadlines u %}", u=world.unit).count("data-deadline") == 2
    deadline_extension_grant(
        batch=world.batch,
        unit=world.unit,
        until=timezone.now() + timedelta(days=2, hours=1),
        reason="理由",
        by=world.staff,
    )

    html = _render("{% unit_deadlines u %}", u=world.unit)
    other = _render("{% unit_deadlines u %}", u=world.other_unit)

    assert html.index("Fourth batch") < html.index("Fifth batch")
    assert ">2 days left<" in html
    assert "(extended by the society)" in html
    assert f">closed on {when_text(roster)}<" in other
    assert later.roster_deadline is not None
    assert other.count("data-deadline") == 2


def test_the_units_panel_reads_two_queries(world: World, django_assert_num_queries):  # type: ignore[no-untyped-def]
    from engcert.demo import builders

    for index in (5, 6, 7):
        builders.batch_create(society=world.society, code=f"2026-b{index}", name=f"第{index}批")
    with django_assert_num_queries(2):
        html = _render("{% unit_deadlines u %}", u=world.unit)
    assert html.count("data-deadline") == 4
