"""Becoming a unit's administrator: staff invite by email, or a person asks and staff decide."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.audit.models import AuditEvent
from engcert.demo import builders
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from engcert.units.enums import AdminRequestState
from engcert.units.models import AdminInvitation, AdminRequest
from tests.conftest import PASSWORD, World, enrol_totp

pytestmark = pytest.mark.django_db


def _staff_units(world: World) -> str:
    return reverse("units:staff_units", args=[world.society.code])


def _invite(world: World, email: str, capture) -> str:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        response = world.client_for(world.staff).post(
            reverse("units:staff_admin_invite", args=[world.society.code, world.unit.code]), {"email": email}
        )
    assert response.status_code == 302
    link = re.search(r"http\S+/units/invitations/\S+/", mail.outbox[-1].body)
    assert link is not None
    return link.group(0)


def _is_admin(user_email: str, world: World) -> bool:
    return Membership.objects.filter(
        user__email=user_email, organisation=world.unit, role=Role.UNIT_ADMIN, is_active=True
    ).exists()


def test_staff_invite_an_administrator_who_signs_up_and_accepts(
    world: World, django_capture_on_commit_callbacks
):
    link = _invite(world, "New.Admin@example.com", django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["new.admin@example.com"]
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200
    assert f'href="{reverse("account_signup")}?next=' in page.content.decode()
    user = builders.user_create(email="new.admin@example.com", password=PASSWORD, full_name="新管理员")
    visitor.force_login(user)
    response = visitor.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("units:engineers", args=[world.unit.code])
    assert _is_admin("new.admin@example.com", world)
    assert list(
        AuditEvent.objects.filter(action__startswith="unit.admin").values_list("action", "actor_id")
    ) == [
        ("unit.admin_invite", world.staff.pk),
        ("unit.admin_accept", user.pk),
    ]
    # A new unit administrator sets up an authenticator app before seeing any engineer.
    assert visitor.get(response["Location"])["Location"] == reverse("mfa_activate_totp")
    enrol_totp(user)
    # The link works once.
    assert visitor.get(path).status_code == 404


def test_an_invitation_is_accepted_only_with_the_invited_address(
    world: World, django_capture_on_commit_callbacks
):
    link = _invite(world, "new.admin@example.com", django_capture_on_commit_callbacks)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    client = world.client_for(world.outsider)
    response = client.post(path)
    assert response.status_code == 400
    assert "This invitation was sent to new.admin@example.com" in response.content.decode()
    assert not _is_admin("outsider@example.com", world)
    assert AdminInvitation.objects.get().accepted_at is None


def test_a_wrong_invitation_link_is_404(world: World):
    assert Client().get(reverse("units:invitation", args=["not-a-token"])).status_code == 404


def test_staff_see_each_unit_with_its_administrators(world: World):
    page = world.client_for(world.staff).get(_staff_units(world))
    assert page.status_code == 200
    rows = {unit.code: [m.user.email for m in unit.admin_memberships] for unit in page.context["units"]}
    assert rows == {world.unit.code: ["unit@example.com"], world.other_unit.code: []}


def _count_staff_queries(world: World) -> int:
    client = world.client_for(world.staff)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_staff_units(world)).status_code == 200
    return len(queries)


def test_the_staff_units_page_reads_as_many_queries_for_three_units_as_for_one(world: World):
    world.other_unit.delete()
    one = _count_staff_queries(world)
    for index in (1, 2):
        unit = builders.unit_create(society=world.society, code=f"unit{index}", name=f"单位{index}")
        builders.user_create(
            email=f"admin{index}@example.com",
            password=PASSWORD,
            full_name="管理员",
            role=Role.UNIT_ADMIN,
            organisation=unit,
        )
        AdminInvitation.objects.create(
            unit=unit, email=f"x{index}@example.com", invited_by=world.staff, expires_at=world.batch.closes_at
        )
    assert len(world.client_for(world.staff).get(_staff_units(world)).context["units"]) == 3
    assert _count_staff_queries(world) == one


@pytest.mark.parametrize("persona", ["unit_admin", "applicant", "examiner", "outsider"])
def test_the_staff_units_pages_are_404_for_non_staff(world: World, persona: str):
    client = world.client_for(getattr(world, persona))
    assert client.get(_staff_units(world)).status_code == 404
    invite = reverse("units:staff_admin_invite", args=[world.society.code, world.unit.code])
    assert client.post(invite, {"email": "x@example.com"}).status_code == 404
    assert not AdminInvitation.objects.exists()


def test_another_societys_staff_cannot_reach_the_units_page(world: World, other_society_staff):
    assert world.client_for(other_society_staff).get(_staff_units(world)).status_code == 404


def test_a_person_asks_to_administer_a_unit_and_staff_approve(
    world: World, django_capture_on_commit_callbacks
):
    client = world.client_for(world.outsider)
    response = client.post(
        reverse("units:ask"), {"unit": world.unit.pk, "position": "人力资源部 主管", "note": "负责本单位申报"}
    )
    assert response.status_code == 302
    request = AdminRequest.objects.get()
    assert (request.user_id, request.state) == (world.outsider.pk, AdminRequestState.PENDING)
    assert [r.pk for r in world.client_for(world.staff).get(_staff_units(world)).context["requests"]] == [
        request.pk
    ]
    with django_capture_on_commit_callbacks(execute=True):
        world.client_for(world.staff).post(
            reverse("units:staff_admin_request_decide", args=[world.society.code, request.pk]),
            {"decision": "approved", "reason": ""},
        )
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == (AdminRequestState.APPROVED, world.staff.pk)
    assert _is_admin("outsider@example.com", world)
    assert mail.outbox[-1].to == ["outsider@example.com"]
    # The new administrator sets up an authenticator app before seeing the unit's engineers.
    engineers = reverse("units:engineers", args=[world.unit.code])
    assert client.get(engineers)["Location"] == reverse("mfa_activate_totp")
    enrol_totp(world.outsider)
    assert client.get(engineers).status_code == 200


def test_staff_decline_a_request_only_with_a_reason(world: World, django_capture_on_commit_callbacks):
    world.client_for(world.outsider).post(reverse("units:ask"), {"unit": world.unit.pk, "position": "工程师"})
    request = AdminRequest.objects.get()
    url = reverse("units:staff_admin_request_decide", args=[world.society.code, request.pk])
    world.client_for(world.staff).post(url, {"decision": "declined", "reason": ""})
    request.refresh_from_db()
    assert request.state == AdminRequestState.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        world.client_for(world.staff).post(url, {"decision": "declined", "reason": "单位未确认其身份。"})
    request.refresh_from_db()
    assert (request.state, request.reason) == (AdminRequestState.DECLINED, "单位未确认其身份。")
    assert not _is_admin("outsider@example.com", world)
    assert "单位未确认其身份。" in mail.outbox[-1].body


def test_a_unit_admin_cannot_decide_requests(world: World):
    world.client_for(world.outsider).post(reverse("units:ask"), {"unit": world.unit.pk, "position": "工程师"})
    request = AdminRequest.objects.get()
    url = reverse("units:staff_admin_request_decide", args=[world.society.code, request.pk])
    assert world.client_for(world.unit_admin).post(url, {"decision": "approved"}).status_code == 404
    request.refresh_from_db()
    assert request.state == AdminRequestState.PENDING


def test_asking_twice_for_the_same_unit_is_refused(world: World):
    client = world.client_for(world.outsider)
    client.post(reverse("units:ask"), {"unit": world.unit.pk, "position": "工程师"})
    response = client.post(reverse("units:ask"), {"unit": world.unit.pk, "position": "工程师"})
    assert response.context["form"].errors == {
        "unit": ["You have already asked to administer this unit; the society will answer."]
    }
    assert AdminRequest.objects.count() == 1


def test_staff_remove_an_administrator_with_a_reason(world: World):
    membership = Membership.objects.get(user=world.unit_admin, role=Role.UNIT_ADMIN)
    url = reverse("units:staff_admin_remove", args=[world.society.code, world.unit.code, membership.pk])
    world.client_for(world.staff).post(url, {"reason": "已调离本单位"})
    membership.refresh_from_db()
    assert membership.is_active is False
    assert AuditEvent.objects.filter(action="unit.admin_remove").get().reason == "已调离本单位"
    assert (
        world.client_for(world.unit_admin).get(reverse("units:engineers", args=[world.unit.code])).status_code
        == 404
    )
