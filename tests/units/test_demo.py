"""The units demo: both demo unit administrators have given their word, and invitations are out."""

from __future__ import annotations

import pytest

from engcert.applications.domain.application import application_submit
from engcert.demo import builders
from engcert.demo.units import DECLINE_REASON, units_demo_load
from engcert.organisations.enums import Role
from engcert.units.enums import EndorsementDecision
from engcert.units.models import AdminInvitation, Endorsement, EngineerInvitation
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def _submitted(world: World, *, email: str, unit, index: int):  # type: ignore[no-untyped-def]
    person = builders.person_for(index, employer=unit.name)
    user = builders.user_create(email=email, password=PASSWORD, full_name=person.full_name)
    application = builders.application_complete_draft(
        batch=world.batch, applicant=user, person=person, unit=unit, index=index
    )
    return application_submit(application=application, by=user)


def test_the_demo_gives_each_unit_admin_a_decision_and_sends_invitations(world: World):
    builders.user_create(
        email="unit-b@example.com",
        password=PASSWORD,
        full_name="冯涛",
        role=Role.UNIT_ADMIN,
        organisation=world.other_unit,
    )
    endorsed = _submitted(world, email="resubmitted@demo.engcert", unit=world.unit, index=1)
    declined = _submitted(world, email="returned@demo.engcert", unit=world.other_unit, index=2)
    pending = _submitted(world, email="submitted@demo.engcert", unit=world.unit, index=3)
    units_demo_load(society=world.society, unit_a=world.unit, unit_b=world.other_unit, staff=world.staff)
    assert sorted(Endorsement.objects.values_list("application_id", "decision", "reason")) == sorted(
        [
            (endorsed.pk, EndorsementDecision.ENDORSED, ""),
            (declined.pk, EndorsementDecision.DECLINED, DECLINE_REASON),
        ]
    )
    assert not Endorsement.objects.filter(application=pending).exists()
    assert sorted(EngineerInvitation.objects.values_list("unit__code", "email")) == [
        (world.unit.code, "chen.jing@demo.engcert"),
        (world.unit.code, "submitted@demo.engcert"),
    ]
    assert list(AdminInvitation.objects.values_list("unit__code", "email")) == [
        (world.other_unit.code, "unit-b2@demo.engcert")
    ]
