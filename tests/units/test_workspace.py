"""The unit administrator's workspace: their engineers, endorsements, profile and invitations."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.applications.domain.application import application_submit
from engcert.audit.models import AuditEvent
from engcert.demo import builders
from engcert.organisations.enums import Role
from engcert.review.domain import initial_review_reject
from engcert.units.domain import UnitError, endorsement_decide
from engcert.units.enums import EndorsementDecision
from engcert.units.models import Endorsement, EngineerInvitation, UnitProfile
from tests.conftest import PASSWORD, World
from tests.units.helpers import engineer_application

pytestmark = pytest.mark.django_db


def _engineers_url(world: World, code: str | None = None) -> str:
    return reverse("units:engineers", args=[code or world.unit.code])


def test_unit_admin_sees_only_their_units_submitted_applications(world: World):
    ours = engineer_application(world, index=1, unit=world.unit)
    engineer_application(world, index=2, unit=world.unit, submit=False)
    theirs = engineer_application(world, index=3, unit=world.other_unit)
    page = world.client_for(world.unit_admin).get(_engineers_url(world))
    assert page.status_code == 200
    assert [a.pk for a in page.context["applications"]] == [ours.pk]
    text = page.content.decode()
    assert ours.number in text
    assert theirs.number not in text


def test_engineer_list_shows_name_number_grade_field_status_and_endorsement(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    endorsement_decide(application=application, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin)
    text = world.client_for(world.unit_admin).get(_engineers_url(world)).content.decode()
    assert application.full_name in text
    assert application.number in text
    assert application.grade.display_name in text
    assert application.discipline.display_name in text
    assert ">Submitted</span>" in text
    assert "Endorsed by the unit" in text
    # Never the identity document number.
    assert application.id_number not in text


def _count_list_queries(world: World) -> int:
    client = world.client_for(world.unit_admin)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_engineers_url(world)).status_code == 200
    return len(queries)


def test_engineer_list_reads_as_many_queries_for_three_applications_as_for_one(world: World):
    first = engineer_application(world, index=1, unit=world.unit)
    endorsement_decide(application=first, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin)
    one = _count_list_queries(world)
    for index in (2, 3):
        engineer_application(world, index=index, unit=world.unit)
    three = _count_list_queries(world)
    assert len(world.client_for(world.unit_admin).get(_engineers_url(world)).context["applications"]) == 3
    assert three == one


def test_another_units_workspace_is_404_for_a_unit_admin(world: World):
    client = world.client_for(world.unit_admin)
    for name in ("engineers", "profile", "invitations"):
        assert client.get(reverse(f"units:{name}", args=[world.other_unit.code])).status_code == 404


@pytest.mark.parametrize("persona", ["applicant", "outsider", "staff", "examiner", "committee", "reviewer"])
def test_the_workspace_is_404_for_anyone_not_administering_the_unit(world: World, persona: str):
    client = world.client_for(getattr(world, persona))
    for name in ("engineers", "profile", "invitations"):
        assert client.get(reverse(f"units:{name}", args=[world.unit.code])).status_code == 404


def test_the_workspace_sends_a_visitor_to_sign_in(world: World):
    from django.test import Client

    response = Client().get(_engineers_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_deactivated_unit_admin_no_longer_reaches_the_workspace(world: World):
    world.unit_admin.memberships.filter(role=Role.UNIT_ADMIN).update(is_active=False)
    assert world.client_for(world.unit_admin).get(_engineers_url(world)).status_code == 404


def test_another_units_application_is_404_even_through_the_admins_own_unit(world: World):
    theirs = engineer_application(world, index=3, unit=world.other_unit)
    client = world.client_for(world.unit_admin)
    for code in (world.unit.code, world.other_unit.code):
        url = reverse("units:application", args=[code, theirs.uid])
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "endorsed"}).status_code == 404
    assert not Endorsement.objects.exists()


def test_a_draft_naming_the_unit_is_404(world: World):
    draft = engineer_application(world, index=1, unit=world.unit, submit=False)
    url = reverse("units:application", args=[world.unit.code, draft.uid])
    assert world.client_for(world.unit_admin).get(url).status_code == 404


def test_unit_admin_endorses_an_application_and_it_is_audited(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    url = reverse("units:application", args=[world.unit.code, application.uid])
    response = world.client_for(world.unit_admin).post(url, {"decision": "endorsed", "reason": ""})
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert (
        endorsement.application_id,
        endorsement.unit_id,
        endorsement.decision,
        endorsement.decided_by_id,
    ) == (
        application.pk,
        world.unit.pk,
        EndorsementDecision.ENDORSED,
        world.unit_admin.pk,
    )
    event = AuditEvent.objects.filter(action="unit.endorsement").get()
    assert (event.from_state, event.to_state, event.actor_id) == ("pending", "endorsed", world.unit_admin.pk)


def test_declining_needs_a_reason_shown_next_to_the_field(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    url = reverse("units:application", args=[world.unit.code, application.uid])
    response = world.client_for(world.unit_admin).post(url, {"decision": "declined", "reason": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors == {"reason": ["Please give a reason for declining."]}
    assert not Endorsement.objects.exists()


def test_unit_admin_declines_with_a_reason_and_may_change_their_mind_during_review(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    endorsement_decide(
        application=application,
        to_decision=EndorsementDecision.DECLINED,
        by=world.unit_admin,
        reason="已离职",
    )
    endorsement = endorsement_decide(
        application=application, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin
    )
    assert (endorsement.decision, endorsement.reason) == (EndorsementDecision.ENDORSED, "")
    assert list(
        AuditEvent.objects.filter(action="unit.endorsement").values_list("from_state", "to_state")
    ) == [
        ("pending", "declined"),
        ("declined", "endorsed"),
    ]


def test_the_decision_cannot_change_after_the_initial_review(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    initial_review_reject(application=application, by=world.staff, reason="工作年限不满足申请级别要求。")
    application.refresh_from_db()
    with pytest.raises(UnitError):
        endorsement_decide(
            application=application, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin
        )
    url = reverse("units:application", args=[world.unit.code, application.uid])
    client = world.client_for(world.unit_admin)
    assert client.get(url).context["can_decide"] is False
    assert client.post(url, {"decision": "endorsed"}).status_code == 302
    assert not Endorsement.objects.exists()


def test_another_units_admin_cannot_endorse_through_the_domain(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    other_admin = builders.user_create(
        email="unit-b@example.com",
        password=PASSWORD,
        full_name="冯涛",
        role=Role.UNIT_ADMIN,
        organisation=world.other_unit,
    )
    with pytest.raises(UnitError):
        endorsement_decide(application=application, to_decision=EndorsementDecision.ENDORSED, by=other_admin)
    assert not Endorsement.objects.exists()


def test_unit_admin_keeps_the_units_profile(world: World):
    url = reverse("units:profile", args=[world.unit.code])
    response = world.client_for(world.unit_admin).post(
        url,
        {
            "name": world.unit.name,
            "name_en": "SEPCOIII Electric Power Construction",
            "credit_code": "91370000163084471k",
            "head_name": "赵建军",
            "head_title": "总经理",
            "address": "山东省济南市高新区舜华路2000号",
            "postcode": "250101",
            "contact_name": "孙丽",
            "contact_phone": "0531-88880000",
            "contact_email": "contact@sepco.example.com",
        },
    )
    assert response.status_code == 302
    world.unit.refresh_from_db()
    profile = UnitProfile.objects.get(unit=world.unit)
    assert (world.unit.name_en, world.unit.credit_code, profile.address, profile.contact_email) == (
        "SEPCOIII Electric Power Construction",
        "91370000163084471K",
        "山东省济南市高新区舜华路2000号",
        "contact@sepco.example.com",
    )
    event = AuditEvent.objects.filter(action="unit.profile_save").get()
    assert event.data["changed"] == [
        "address",
        "contact_email",
        "contact_name",
        "contact_phone",
        "credit_code",
        "head_name",
        "head_title",
        "name_en",
        "postcode",
    ]


def test_a_wrong_credit_code_is_refused_next_to_the_field(world: World):
    url = reverse("units:profile", args=[world.unit.code])
    response = world.client_for(world.unit_admin).post(url, {"name": world.unit.name, "credit_code": "12345"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "credit_code": ["A unified social credit code has 18 digits and capital letters."]
    }


def test_unit_admin_invites_engineers_who_get_the_calls_link_and_shows_who_applied(
    world: World, django_capture_on_commit_callbacks
):
    url = reverse("units:invitations", args=[world.unit.code])
    client = world.client_for(world.unit_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"batch": world.batch.pk, "people": "王伟 engineer1@example.com\nENGINEER9@example.com\n"},
        )
    assert response.status_code == 302
    assert sorted(EngineerInvitation.objects.values_list("email", "name")) == [
        ("engineer1@example.com", "王伟"),
        ("engineer9@example.com", ""),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "engineer1@example.com",
        "engineer9@example.com",
    ]
    call_link = reverse("calls:detail", args=[world.society.code, world.batch.code])
    assert all(call_link in message.body for message in mail.outbox)
    assert AuditEvent.objects.filter(action="unit.engineers_invite").count() == 1
    engineer_application(world, index=1, unit=world.unit)
    rows = {row.email: row.applied for row in client.get(url).context["rows"]}
    assert rows == {"engineer1@example.com": True, "engineer9@example.com": False}


def test_an_engineer_invited_again_to_the_same_call_is_not_emailed_twice(
    world: World, django_capture_on_commit_callbacks
):
    url = reverse("units:invitations", args=[world.unit.code])
    client = world.client_for(world.unit_admin)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"batch": world.batch.pk, "people": "engineer1@example.com"})
    assert EngineerInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_invitation_line_without_an_address_is_refused(world: World):
    url = reverse("units:invitations", args=[world.unit.code])
    response = world.client_for(world.unit_admin).post(url, {"batch": world.batch.pk, "people": "王伟"})
    assert response.context["form"].errors == {"people": ["Line 1 has no valid email address: 王伟"]}
    assert not EngineerInvitation.objects.exists()


def test_an_applied_engineer_of_another_unit_does_not_count_as_applied(world: World):
    url = reverse("units:invitations", args=[world.unit.code])
    client = world.client_for(world.unit_admin)
    client.post(url, {"batch": world.batch.pk, "people": "engineer1@example.com"})
    application = engineer_application(world, index=1, unit=world.other_unit, submit=False)
    application_submit(application=application, by=application.applicant)
    assert [row.applied for row in client.get(url).context["rows"]] == [False]
