"""A unit administrator downloads their own unit's roster (附件3), and no other."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from engcert.demo import builders
from tests.conftest import PASSWORD, World
from tests.units.helpers import engineer_application


def _names_in(content: bytes) -> set[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    return {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value}


def test_the_unit_admin_downloads_the_roster_of_their_own_engineers(world: World):
    own = engineer_application(world, index=1, unit=world.unit)
    other = engineer_application(world, index=2, unit=world.other_unit)
    client = world.client_for(world.unit_admin)
    page = client.get(reverse("units:engineers", args=[world.unit.code])).content.decode()
    url = reverse("units:roster", args=[world.unit.code, world.batch.pk])
    assert url in page
    response = client.get(url)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    names = _names_in(response.content)
    assert (own.full_name in names, other.full_name in names) == (True, False)


def test_another_units_roster_and_a_batch_without_engineers_are_not_found(world: World):
    engineer_application(world, index=1, unit=world.unit)
    engineer_application(world, index=2, unit=world.other_unit)
    client = world.client_for(world.unit_admin)
    assert (
        client.get(reverse("units:roster", args=[world.other_unit.code, world.batch.pk])).status_code == 404
    )
    assert (
        client.get(reverse("units:roster", args=[world.unit.code, world.batch.pk + 999])).status_code == 404
    )
    outsider = builders.user_create(email="nobody@example.com", password=PASSWORD, full_name="路人")
    assert (
        world.client_for(outsider)
        .get(reverse("units:roster", args=[world.unit.code, world.batch.pk]))
        .status_code
        == 404
    )
