"""The alliance's systems confirm or return candidates through the API, exactly as a reviewer
does on the alliance's pages, and the audit trail names the client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from engcert.apiclients.enums import ApiScope
from engcert.applications.enums import ApplicationState as S
from engcert.audit.models import AuditEvent
from engcert.organisations.models import Membership
from engcert.registration.enums import ItemOutcome
from engcert.registration.models import PackageItem, Registration
from tests.apiclients.conftest import Issued, call, client_of
from tests.apiclients.helpers import item_of, sent_to_alliance
from tests.conftest import World

REASON = "面试记录缺少第五能力要素的评价依据，请补充后重新报送。"


def test_confirming_through_the_api_registers_the_candidate_as_the_page_does(
    world: World, alliance_client: Issued
):
    package, [by_api, by_page] = sent_to_alliance(world, indexes=[1, 2])
    item = item_of(package, by_api)

    status, body, _ = call("POST", f"registrations/{item.pk}/confirm", token=alliance_client.token)
    world.client_for(world.reviewer).post(
        reverse("registration:candidate", args=[package.pk, by_page.uid]), {"action": "confirm"}
    )

    api_registration = Registration.objects.get(application=by_api)
    page_registration = Registration.objects.get(application=by_page)
    assert (status, body) == (
        200,
        {
            "item_id": item.pk,
            "candidate": str(by_api.uid),
            "outcome": "confirmed",
            "state": "registered",
            "member_number": api_registration.member_number,
            "reason": "",
        },
    )

    def shape(registration: Registration) -> tuple[object, ...]:
        item = registration.package_item
        assert item is not None
        return (
            registration.application.state,  # type: ignore[union-attr]
            registration.registered_by,
            registration.society,
            registration.grade,
            item.outcome,
            item.decided_by,
        )

    assert (
        shape(api_registration)
        == shape(page_registration)
        == (
            S.REGISTERED,
            world.reviewer,
            world.society,
            by_api.grade,
            ItemOutcome.CONFIRMED,
            world.reviewer,
        )
    )


def test_the_audit_trail_names_the_client_that_confirmed(world: World, alliance_client: Issued):
    package, [application] = sent_to_alliance(world, indexes=[1])
    item = item_of(package, application)

    call("POST", f"registrations/{item.pk}/confirm", token=alliance_client.token)

    event = AuditEvent.objects.get(action="apiclients.registration_confirmed")
    registration = Registration.objects.get(application=application)
    assert (event.actor, event.application, event.subject_id) == (world.reviewer, application, str(item.pk))
    assert event.data == {
        "client": str(alliance_client.client.uid),
        "client_name": alliance_client.client.name,
        "token": alliance_client.token.split("_")[1],
        "item": item.pk,
        "member_number": registration.member_number,
    }


def test_confirming_twice_answers_the_same_and_records_once(world: World, alliance_client: Issued):
    package, [application] = sent_to_alliance(world, indexes=[1])
    item = item_of(package, application)

    first = call("POST", f"registrations/{item.pk}/confirm", token=alliance_client.token)[:2]
    second = call("POST", f"registrations/{item.pk}/confirm", token=alliance_client.token)[:2]

    assert first == second
    assert first[0] == 200
    assert Registration.objects.filter(application=application).count() == 1
    assert AuditEvent.objects.filter(action="apiclients.registration_confirmed").count() == 1


def test_returning_through_the_api_sends_the_candidate_back_with_the_reason(
    world: World, alliance_client: Issued
):
    package, [application] = sent_to_alliance(world, indexes=[1])
    item = item_of(package, application)

    status, body, _ = call(
        "POST", f"registrations/{item.pk}/return", token=alliance_client.token, body={"reason": REASON}
    )
    again = call(
        "POST", f"registrations/{item.pk}/return", token=alliance_client.token, body={"reason": "另一个理由"}
    )

    item.refresh_from_db()
    application.refresh_from_db()
    assert (status, body) == (
        200,
        {
            "item_id": item.pk,
            "candidate": str(application.uid),
            "outcome": "returned",
            "state": "notice_passed",
            "member_number": None,
            "reason": REASON,
        },
    )
    assert again[:2] == (200, body)
    assert (item.outcome, item.reason, item.decided_by, application.state) == (
        ItemOutcome.RETURNED,
        REASON,
        world.reviewer,
        S.NOTICE_PASSED,
    )
    [event] = AuditEvent.objects.filter(action="apiclients.registration_returned")
    assert (event.reason, event.data["client"], event.actor) == (
        REASON,
        str(alliance_client.client.uid),
        world.reviewer,
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_return_without_a_reason_is_422_and_changes_nothing(
    world: World, alliance_client: Issued, reason: str
):
    package, [application] = sent_to_alliance(world, indexes=[1])
    item = item_of(package, application)

    status, body, _ = call(
        "POST", f"registrations/{item.pk}/return", token=alliance_client.token, body={"reason": reason}
    )

    assert (status, body["code"], [error["loc"] for error in body["errors"]]) == (
        422,
        "invalid",
        [["body", "body", "reason"]],
    )
    assert PackageItem.objects.get(pk=item.pk).outcome == ItemOutcome.PENDING


def test_confirming_a_returned_candidate_is_409(world: World, alliance_client: Issued):
    package, [application] = sent_to_alliance(world, indexes=[1])
    item = item_of(package, application)
    call("POST", f"registrations/{item.pk}/return", token=alliance_client.token, body={"reason": REASON})

    status, body, _ = call("POST", f"registrations/{item.pk}/confirm", token=alliance_client.token)

    assert (status, body) == (
        409,
        {
            "detail": "This candidate is not waiting for the alliance: the application is now “Public notice passed”.",
            "code": "registration_conflict",
        },
    )
    assert not Registration.objects.filter(application=application).exists()


def test_an_unknown_item_is_404(world: World, alliance_client: Issued):
    assert call("POST", "registrations/999999/confirm", token=alliance_client.token)[:2] == (
        404,
        {"detail": "Not found.", "code": "not_found"},
    )
    assert call("POST", f"registrations/{2**40}/confirm", token=alliance_client.token)[0] == 404


def test_an_alliance_client_without_the_write_scope_cannot_decide(world: World):
    reader = client_of(world, organisation=world.alliance, scopes=[ApiScope.EVALUATIONS_READ])
    package, [application] = sent_to_alliance(world, indexes=[1])

    status, body, _ = call(
        "POST", f"registrations/{item_of(package, application).pk}/confirm", token=reader.token
    )

    assert (status, body["code"]) == (403, "scope_missing")
    application.refresh_from_db()
    assert application.state == S.WITH_ALLIANCE


def test_a_client_whose_creator_left_the_alliance_cannot_decide(world: World, alliance_client: Issued):
    package, [application] = sent_to_alliance(world, indexes=[1])
    Membership.objects.filter(user=world.reviewer).update(is_active=False)

    status, body, _ = call(
        "POST", f"registrations/{item_of(package, application).pk}/confirm", token=alliance_client.token
    )

    assert (status, body["code"]) == (403, "client_owner_not_reviewer")
    application.refresh_from_db()
    assert application.state == S.WITH_ALLIANCE
