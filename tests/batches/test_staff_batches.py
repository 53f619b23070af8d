"""Society staff create, edit and publish a call through the pages, in Beijing time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engcert.audit.models import AuditEvent
from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.demo import builders
from engcert.frameworks.models import FrameworkVersion, Grade
from engcert.frameworks.selectors import framework_version_current
from engcert.organisations.models import Discipline
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("english")


def batch_form_data(world: World, **changes: object) -> dict[str, object]:
    version = framework_version_current()
    assert version is not None
    data: dict[str, object] = {
        "name": "第五批电气工程类工程会员",
        "name_en": "Fifth batch of electrical engineering members",
        "code": "2027-b5",
        "framework_version": version.pk,
        "opens_at": "2027-03-01T09:00",
        "closes_at": "2027-04-30T17:30",
        "roster_deadline": "2027-04-20T17:00",
        "grades": [g.pk for g in version.grades.filter(code__in=["PE", "SPE"])],
        "disciplines": list(
            Discipline.objects.filter(society=world.society, code__in=["07", "08"]).values_list(
                "pk", flat=True
            )
        ),
        "open_to_all_units": "on",
        "requires_unit_endorsement": "on",
        "offers_simplified_assessment": "on",
        "call_text": "学会现组织开展第五批电气工程类工程会员能力评价工作。",
        "call_text_en": "The society invites applications for the fifth batch.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def events(action: str) -> list[tuple[object, str, str]]:
    return list(AuditEvent.objects.filter(action=action).values_list("actor", "subject_type", "subject_id"))


def test_staff_create_a_batch_with_times_read_as_beijing_time(world):
    response = world.client_for(world.staff).post("/staff/csee/batches/new/", batch_form_data(world))

    batch = Batch.objects.get(code="2027-b5")
    assert (response.status_code, response["Location"]) == (302, f"/staff/csee/batches/{batch.pk}/")
    assert batch.opens_at == datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
    assert batch.closes_at == datetime(2027, 4, 30, 9, 30, tzinfo=UTC)
    assert batch.roster_deadline == datetime(2027, 4, 20, 9, 0, tzinfo=UTC)
    assert (batch.society, batch.status, batch.created_by, batch.published_at) == (
        world.society,
        BatchStatus.DRAFT,
        world.staff,
        None,
    )
    assert sorted(batch.grades.values_list("code", flat=True)) == ["PE", "SPE"]
    assert sorted(batch.disciplines.values_list("code", flat=True)) == ["07", "08"]
    assert events("batch.create") == [(world.staff.pk, "batches.batch", str(batch.pk))]


def test_the_form_shows_stored_times_back_in_beijing_time(world):
    world.client_for(world.staff).post("/staff/csee/batches/new/", batch_form_data(world))
    batch = Batch.objects.get(code="2027-b5")
    response = world.client_for(world.staff).get(f"/staff/csee/batches/{batch.pk}/edit/")
    html = response.content.decode()
    assert 'value="2027-03-01T09:00"' in html
    assert 'value="2027-04-30T17:30"' in html


def test_a_closing_time_before_the_opening_is_refused_beside_the_closing_field(world):
    response = world.client_for(world.staff).post(
        "/staff/csee/batches/new/", batch_form_data(world, closes_at="2027-02-28T09:00")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "closes_at": ["The closing time must be after the opening time."]
    }
    assert Batch.objects.filter(code="2027-b5").count() == 0
    assert events("batch.create") == []


def test_a_closing_time_equal_to_the_opening_is_refused(world):
    response = world.client_for(world.staff).post(
        "/staff/csee/batches/new/", batch_form_data(world, closes_at="2027-03-01T09:00")
    )
    assert response.context["form"].errors == {
        "closes_at": ["The closing time must be after the opening time."]
    }


@pytest.fixture
def next_version() -> FrameworkVersion:
    current = framework_version_current()
    assert current is not None
    version = FrameworkVersion.objects.create(
        framework=current.framework, version="2026修订", effective_from=date(2026, 7, 1), is_current=False
    )
    Grade.objects.create(
        framework_version=version,
        code="PE",
        name="专业工程师",
        name_en="Professional Engineer",
        position=2,
        min_practice_years=5,
    )
    return version


def test_grades_of_another_framework_version_are_refused_with_a_clear_message(world, next_version):
    response = world.client_for(world.staff).post(
        "/staff/csee/batches/new/",
        batch_form_data(world, grades=list(next_version.grades.values_list("pk", flat=True))),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"grades": ["Choose grades of the selected framework version."]}
    assert Batch.objects.filter(code="2027-b5").count() == 0


def test_a_batch_can_use_a_framework_version_that_is_not_the_current_one(world, next_version):
    response = world.client_for(world.staff).post(
        "/staff/csee/batches/new/",
        batch_form_data(
            world,
            framework_version=next_version.pk,
            grades=list(next_version.grades.values_list("pk", flat=True)),
        ),
    )
    assert response.status_code == 302
    batch = Batch.objects.get(code="2027-b5")
    assert batch.framework_version == next_version
    assert [(g.framework_version_id, g.code) for g in batch.grades.all()] == [(next_version.pk, "PE")]


def test_a_code_already_used_in_the_society_is_refused(world):
    response = world.client_for(world.staff).post(
        "/staff/csee/batches/new/", batch_form_data(world, code="2026-b4")
    )
    assert response.context["form"].errors == {
        "code": ["Another batch of this society already uses this code."]
    }
    assert Batch.objects.filter(code="2026-b4").count() == 1


def test_another_society_may_use_the_same_code(world, other_society_staff):
    other_disciplines = list(
        Discipline.objects.filter(society__code="other", code__in=["07"]).values_list("pk", flat=True)
    )
    response = world.client_for(other_society_staff).post(
        "/staff/other/batches/new/", batch_form_data(world, code="2026-b4", disciplines=other_disciplines)
    )
    assert response.status_code == 302
    assert sorted(Batch.objects.filter(code="2026-b4").values_list("society__code", flat=True)) == [
        "csee",
        "other",
    ]


def test_a_batch_limited_to_some_units_must_name_them(world):
    data = batch_form_data(world)
    del data["open_to_all_units"]
    response = world.client_for(world.staff).post("/staff/csee/batches/new/", data)
    assert response.context["form"].errors == {
        "eligible_units": ["Choose the eligible units, or open the batch to all member units."]
    }


def test_disciplines_of_another_society_cannot_be_chosen(world, other_society_staff):
    foreign = Discipline.objects.get(society__code="other", code="07")
    response = world.client_for(world.staff).post(
        "/staff/csee/batches/new/", batch_form_data(world, disciplines=[foreign.pk])
    )
    assert list(response.context["form"].errors) == ["disciplines"]
    assert Batch.objects.filter(code="2027-b5").count() == 0


def test_editing_a_batch_writes_an_update_event(world):
    url = f"/staff/csee/batches/{world.batch.pk}/edit/"
    data = batch_form_data(world, code="2026-b4", closes_at="2027-01-15T17:00", opens_at="2026-01-01T09:00")
    response = world.client_for(world.staff).post(url, data)

    assert response.status_code == 302
    world.batch.refresh_from_db()
    assert world.batch.closes_at == datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    assert events("batch.update") == [(world.staff.pk, "batches.batch", str(world.batch.pk))]


# Publishing


def create_through_form(world: World, **changes: object) -> Batch:
    now = timezone.localtime()
    data = batch_form_data(
        world,
        opens_at=f"{now - timedelta(days=1):%Y-%m-%dT%H:%M}",
        closes_at=f"{now + timedelta(days=30):%Y-%m-%dT%H:%M}",
        roster_deadline=None,
        **changes,
    )
    response = world.client_for(world.staff).post("/staff/csee/batches/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    return Batch.objects.get(code=data["code"])


def publish(world: World, batch: Batch):
    return world.client_for(world.staff).post(f"/staff/csee/batches/{batch.pk}/publish/")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_published_call_appears_on_the_public_list_and_is_audited(world):
    batch = create_through_form(world)
    assert [b.code for b in Client().get("/calls/").context["calls"]] == ["2026-b4"]

    response = publish(world, batch)

    batch.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, f"/staff/csee/batches/{batch.pk}/")
    assert messages_of(response) == ["The call is published and visible to the public."]
    assert batch.status == BatchStatus.PUBLISHED
    assert batch.published_at is not None
    assert sorted(b.code for b in Client().get("/calls/").context["calls"]) == ["2026-b4", "2027-b5"]
    assert Client().get("/calls/csee/2027-b5/").status_code == 200
    assert events("batch.publish") == [(world.staff.pk, "batches.batch", str(batch.pk))]


def test_publishing_twice_writes_one_event(world):
    batch = create_through_form(world)
    publish(world, batch)
    publish(world, batch)
    assert len(events("batch.publish")) == 1


def test_publishing_needs_the_call_text(world):
    batch = create_through_form(world, call_text="   ")
    response = publish(world, batch)
    assert messages_of(response) == ["Write the call text before publishing."]
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.DRAFT
    assert Client().get("/calls/csee/2027-b5/").status_code == 404
    assert events("batch.publish") == []


def test_publishing_needs_at_least_one_grade(world):
    batch = create_through_form(world)
    batch.grades.clear()
    response = publish(world, batch)
    assert messages_of(response) == ["Choose at least one grade before publishing."]
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.DRAFT
    assert events("batch.publish") == []


def test_a_call_whose_closing_time_has_passed_cannot_be_published(world):
    batch = builders.batch_create(
        society=world.society,
        code="2025-b3",
        published=False,
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(seconds=1),
    )
    response = publish(world, batch)
    assert messages_of(response) == ["The closing time has already passed."]
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.DRAFT


def test_an_archived_batch_cannot_be_published_again(world):
    Batch.objects.filter(pk=world.batch.pk).update(status=BatchStatus.ARCHIVED)
    response = publish(world, world.batch)
    assert messages_of(response) == ["Only a draft batch can be published."]
    assert Batch.objects.get(pk=world.batch.pk).status == BatchStatus.ARCHIVED


# Lists answer in a constant number of queries


def staff_list_queries(world: World) -> int:
    client = world.client_for(world.staff)
    client.get("/staff/csee/batches/")  # warm the session and the framework caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/csee/batches/")
    assert response.status_code == 200
    return len(queries)


def test_the_staff_batch_list_makes_the_same_number_of_queries_for_one_and_three_batches(world):
    one = staff_list_queries(world)
    for code in ("2027-b5", "2027-b6"):
        builders.batch_create(society=world.society, code=code)
    assert staff_list_queries(world) == one


def public_list_queries() -> int:
    client = Client()
    client.get("/calls/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/calls/")
    assert response.status_code == 200
    return len(queries)


def test_the_public_call_list_makes_the_same_number_of_queries_for_one_and_three_calls(world):
    one = public_list_queries()
    for code in ("2027-b5", "2027-b6"):
        builders.batch_create(society=world.society, code=code)
    assert public_list_queries() == one


def test_the_staff_batch_list_counts_applications_by_submission(world, complete_draft):
    from engcert.applications.domain.application import application_create, application_submit

    application_submit(application=complete_draft, by=world.applicant)
    application_create(batch=world.batch, applicant=world.other_applicant)
    response = world.client_for(world.staff).get("/staff/csee/batches/")
    [row] = list(response.context["batches"])
    assert (row.code, row.total, row.submitted) == ("2026-b4", 2, 1)


def test_staff_of_one_society_are_sent_straight_to_its_batches(world):
    response = world.client_for(world.staff).get("/staff/")
    assert (response.status_code, response["Location"]) == (302, "/staff/csee/batches/")
