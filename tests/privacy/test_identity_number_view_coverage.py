"""Wherever a full identity-document number leaves engcert a view is logged; everywhere else the
number is masked. Staff read the log from the applicant's file, the person on their data page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from engcert.applications.models import Application
from engcert.privacy.models import IdentityNumberView
from engcert.rosters.enums import RosterJobKind, RosterJobStatus
from engcert.rosters.models import RosterJob
from tests.conftest import World
from tests.rosters.conftest import submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _views() -> list[tuple[Any, ...]]:
    return list(
        IdentityNumberView.objects.order_by("subject_id").values_list("viewer", "subject_id", "purpose")
    )


@pytest.fixture
def two_submitted(world: World) -> list[Application]:
    return [submitted(world, index=1), submitted(world, index=2, unit=world.other_unit)]


def test_staff_exporting_one_unit_s_roster_log_a_view_of_each_number_in_it(
    world: World, two_submitted: list[Application]
) -> None:
    own, _other_unit = two_submitted

    world.client_for(world.staff).get(
        reverse("rosters:export_unit", args=[world.society.code, world.batch.pk, world.unit.pk])
    )

    assert _views() == [
        (world.staff.pk, str(own.pk), f"Roster of {world.unit.code} exported for batch {world.batch.code}")
    ]


def test_a_unit_admin_downloading_the_unit_s_roster_logs_a_view_of_each_number_in_it(
    world: World, two_submitted: list[Application]
) -> None:
    own, _other_unit = two_submitted

    response = world.client_for(world.unit_admin).get(
        reverse("units:roster", args=[world.unit.code, world.batch.pk])
    )

    assert response.status_code == 200
    assert _views() == [
        (
            world.unit_admin.pk,
            str(own.pk),
            f"Roster of {world.unit.code} exported for batch {world.batch.code}",
        )
    ]


def test_downloading_every_unit_s_roster_logs_a_view_of_every_number(
    world: World, two_submitted: list[Application]
) -> None:
    export = RosterJob.objects.create(
        kind=RosterJobKind.EXPORT_ALL,
        batch=world.batch,
        requested_by=world.staff,
        status=RosterJobStatus.DONE,
    )
    export.result.save("rosters.xlsx", ContentFile(b"PK\x03\x04"))

    world.client_for(world.staff).get(
        reverse("rosters:job_download", args=[world.society.code, world.batch.pk, export.pk])
    )

    purpose = f"Roster of every unit exported for batch {world.batch.code}"
    assert _views() == sorted(
        [(world.staff.pk, str(a.pk), purpose) for a in two_submitted], key=lambda v: v[1]
    )


def test_the_applicant_s_file_shows_staff_only_the_masked_number_until_they_ask(
    world: World, two_submitted: list[Application]
) -> None:
    application = two_submitted[0]

    page = (
        world.client_for(world.staff)
        .get(reverse("applications:detail", args=[application.uid]))
        .content.decode()
    )

    assert application.id_number not in page
    assert application.id_number_masked in page
    assert reverse("privacy:identity_number_log", args=[application.uid]) in page
    assert _views() == []


def test_staff_read_who_was_shown_the_number_from_the_applicant_s_file(
    world: World, two_submitted: list[Application]
) -> None:
    application = two_submitted[0]
    client = world.client_for(world.staff)
    revealed = client.post(
        reverse("applications:identity_number", args=[application.uid]), {"purpose": "Check"}
    )

    log = client.get(reverse("privacy:identity_number_log", args=[application.uid]))

    assert revealed.json() == {"id_number": application.id_number}
    assert [(v.viewer, v.purpose) for v in log.context["views"]] == [(world.staff, "Check")]


@pytest.mark.parametrize("who", ["examiner", "unit_admin", "outsider"])
def test_people_who_may_not_open_the_file_are_not_shown_the_log(
    world: World, two_submitted: list[Application], who: str
) -> None:
    application = two_submitted[0]

    response = world.client_for(getattr(world, who)).get(
        reverse("privacy:identity_number_log", args=[application.uid])
    )

    assert response.status_code == 404


def test_the_applicant_cannot_read_the_staff_log_but_sees_it_on_their_data_page(
    world: World, two_submitted: list[Application]
) -> None:
    application = two_submitted[0]
    world.client_for(world.staff).post(reverse("applications:identity_number", args=[application.uid]))

    client = world.client_for(application.applicant)

    assert client.get(reverse("privacy:identity_number_log", args=[application.uid])).status_code == 403
    views = client.get(reverse("privacy:my_data")).context["views"]
    assert [(v.viewer, v.purpose) for v in views] == [(world.staff, "Staff review of the application")]
