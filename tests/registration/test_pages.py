"""The society's and the alliance's pages: who reaches them, what they show, what they do."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.applications.enums import ApplicationState as S
from engcert.registration.domain import registration_confirm, registration_return
from engcert.registration.enums import ItemOutcome
from engcert.registration.models import AlliancePackage, Registration
from engcert.registration.selectors import registration_policy_get
from tests.conftest import World
from tests.registration.conftest import candidate_notice_passed, item_of, sent

RETURN_REASON = "答辩记录缺少考官签名页，请补齐后重新报送。"


def _alliance_urls(package: AlliancePackage, uid: str) -> list[str]:
    return [
        reverse("registration:packages"),
        reverse("registration:policy"),
        reverse("registration:package", args=[package.pk]),
        reverse("registration:candidate", args=[package.pk, uid]),
    ]


def _society_urls(world: World, package: AlliancePackage, uid: str) -> list[str]:
    code = world.society.code
    return [
        reverse("registration:society_packages", args=[code]),
        reverse("registration:society_send", args=[code, world.batch.pk]),
        reverse("registration:society_package", args=[code, package.pk]),
        reverse("registration:society_candidate", args=[code, package.pk, uid]),
    ]


@pytest.mark.parametrize("who", ["applicant", "outsider", "staff", "unit_admin", "examiner", "committee"])
def test_only_alliance_reviewers_reach_the_alliance_pages(world: World, who: str):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    client = world.client_for(getattr(world, who) if who != "applicant" else application.applicant)

    codes = [client.get(url).status_code for url in _alliance_urls(package, str(application.uid))]
    posted = client.post(
        reverse("registration:candidate", args=[package.pk, application.uid]), {"action": "confirm"}
    ).status_code
    bulk = client.post(
        reverse("registration:confirm_selected", args=[package.pk]),
        {"items": [item_of(package, application).pk]},
    ).status_code

    assert (codes, posted, bulk) == ([404, 404, 404, 404], 404, 404)
    application.refresh_from_db()
    assert application.state == S.WITH_ALLIANCE


@pytest.mark.parametrize("who", ["reviewer", "outsider", "examiner", "applicant"])
def test_only_the_societys_staff_reach_its_pages(world: World, who: str):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    other = candidate_notice_passed(world, index=2)
    client = world.client_for(getattr(world, who) if who != "applicant" else application.applicant)

    codes = [client.get(url).status_code for url in _society_urls(world, package, str(application.uid))]
    posted = client.post(
        reverse("registration:society_send", args=[world.society.code, world.batch.pk]),
        {"candidates": [other.pk]},
    ).status_code

    assert (codes, posted) == ([404, 404, 404, 404], 404)
    other.refresh_from_db()
    assert other.state == S.NOTICE_PASSED


def test_another_societys_staff_see_none_of_its_packages(world: World, other_society_staff):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    client = world.client_for(other_society_staff)

    assert [client.get(url).status_code for url in _society_urls(world, package, str(application.uid))] == [
        404,
        404,
        404,
        404,
    ]
    # Nor by asking for it under their own society's address.
    assert client.get(reverse("registration:society_package", args=["other", package.pk])).status_code == 404


def test_staff_send_the_chosen_candidates_and_land_on_the_package(world: World):
    first = candidate_notice_passed(world, index=1)
    second = candidate_notice_passed(world, index=2)
    client = world.client_for(world.staff)
    url = reverse("registration:society_send", args=[world.society.code, world.batch.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('name="candidates"') == 2
    assert page.content.decode().count(" checked") == 2
    response = client.post(url, {"candidates": [second.pk]})

    package = AlliancePackage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "registration:society_package", args=[world.society.code, package.pk]
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, package.version) == (S.NOTICE_PASSED, S.WITH_ALLIANCE, 1)


def test_sending_nobody_shows_the_error_beside_the_list_and_sends_nothing(world: World):
    candidate_notice_passed(world, index=1)
    client = world.client_for(world.staff)

    response = client.post(
        reverse("registration:society_send", args=[world.society.code, world.batch.pk]), {}
    )

    assert response.status_code == 400
    assert "Choose at least one candidate to send." in response.content.decode()
    assert AlliancePackage.objects.count() == 0


def test_staff_read_the_return_reason_where_they_prepare_the_next_package(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    registration_return(item=item_of(package, application), reason=RETURN_REASON, by=world.reviewer)
    client = world.client_for(world.staff)

    send_page = client.get(reverse("registration:society_send", args=[world.society.code, world.batch.pk]))
    package_page = client.get(reverse("registration:society_package", args=[world.society.code, package.pk]))

    assert RETURN_REASON in send_page.content.decode()
    assert "Returned from version 1" in send_page.content.decode()
    assert RETURN_REASON in package_page.content.decode()


def test_the_reviewer_reads_the_record_as_sent_not_as_it_is_now(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    summary = application.panel_assessment.summary
    type(application.panel_assessment).objects.filter(pk=application.panel_assessment.pk).update(
        summary="后来改过"
    )
    client = world.client_for(world.reviewer)

    body = client.get(reverse("registration:candidate", args=[package.pk, application.uid])).content.decode()

    assert summary in body
    assert "后来改过" not in body
    assert application.id_number_masked in body
    assert application.id_number not in body


def test_the_reviewer_confirms_a_candidate_on_its_page(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    client = world.client_for(world.reviewer)
    url = reverse("registration:candidate", args=[package.pk, application.uid])

    response = client.post(url, {"action": "confirm"}, follow=True)

    registration = Registration.objects.get(application=application)
    body = response.content.decode()
    assert response.redirect_chain == [(url, 302)]
    assert f"is registered with member number {registration.member_number}." in body
    assert body.count(registration.member_number) == 3  # the message, the heading and the verification box


def test_returning_without_a_reason_shows_the_error_beside_the_field(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    client = world.client_for(world.reviewer)

    response = client.post(
        reverse("registration:candidate", args=[package.pk, application.uid]),
        {"action": "return", "reason": " "},
    )

    assert response.status_code == 400
    assert (
        '<ul class="errorlist" id="id_reason_error"><li>Please say why the candidate is returned.</li></ul>'
        in (response.content.decode())
    )
    application.refresh_from_db()
    assert application.state == S.WITH_ALLIANCE


def test_returning_with_a_reason_sends_the_candidate_back(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    client = world.client_for(world.reviewer)

    client.post(
        reverse("registration:candidate", args=[package.pk, application.uid]),
        {"action": "return", "reason": RETURN_REASON},
    )

    application.refresh_from_db()
    assert (application.state, item_of(package, application).reason) == (S.NOTICE_PASSED, RETURN_REASON)


def test_a_superseded_package_offers_no_decision_and_refuses_one(world: World):
    application = candidate_notice_passed(world, index=1)
    first = sent(world, application)
    registration_return(item=item_of(first, application), reason=RETURN_REASON, by=world.reviewer)
    sent(world, application)
    client = world.client_for(world.reviewer)
    url = reverse("registration:candidate", args=[first.pk, application.uid])

    page = client.get(url).content.decode()
    response = client.post(url, {"action": "confirm"}, follow=True)

    assert 'value="confirm"' not in page
    assert "The society sent this candidate again in version 2" in page
    assert "decide on that package." in response.content.decode()
    assert Registration.objects.count() == 0


def test_bulk_confirm_reports_each_row(world: World):
    first = candidate_notice_passed(world, index=1)
    second = candidate_notice_passed(world, index=2)
    package = sent(world, first, second)
    registration_confirm(item=item_of(package, second), by=world.reviewer)
    client = world.client_for(world.reviewer)

    response = client.post(
        reverse("registration:confirm_selected", args=[package.pk]),
        {"items": [item_of(package, first).pk, item_of(package, second).pk]},
    )

    numbers = dict(Registration.objects.values_list("application_id", "member_number"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Registered as {numbers[first.pk]}." in body
    assert f"Already registered as {numbers[second.pk]}." in body
    assert item_of(package, first).outcome == ItemOutcome.CONFIRMED


def test_bulk_confirm_with_nothing_ticked_says_so(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    client = world.client_for(world.reviewer)

    response = client.post(reverse("registration:confirm_selected", args=[package.pk]), {})

    assert response.status_code == 400
    assert "Tick at least one candidate to confirm." in response.content.decode()


def test_the_list_filters_by_society_and_status(world: World):
    first = candidate_notice_passed(world, index=1)
    second = candidate_notice_passed(world, index=2)
    done = sent(world, first)
    waiting = sent(world, second)
    registration_confirm(item=item_of(done, first), by=world.reviewer)
    client = world.client_for(world.reviewer)
    url = reverse("registration:packages")

    def listed(query: dict[str, str]) -> list[int]:
        return [p.pk for p in client.get(url, query).context["packages"]]

    assert listed({}) == [waiting.pk, done.pk]
    assert listed({"status": "pending"}) == [waiting.pk]
    assert listed({"status": "complete"}) == [done.pk]
    assert listed({"society": world.society.code}) == [waiting.pk, done.pk]
    from engcert.demo import builders

    builders.society_create(code="ches", name="中国水利学会", name_en="CHES", short_name="CHES")
    assert listed({"society": "ches"}) == []


def test_the_policy_page_refuses_an_unknown_token_beside_the_field(world: World):
    client = world.client_for(world.reviewer)

    response = client.post(
        reverse("registration:policy"),
        {"prefix": "CEA", "number_format": "{prefix}{yr}{seq:06d}", "sequence_scope": "national"},
    )

    assert response.status_code == 400
    assert (
        "Unknown token: {yr}. Use {prefix}, {year}, {society}, {grade} and {seq:06d}."
        in response.content.decode()
    )
    assert registration_policy_get().number_format == "{prefix}{year}{society}{seq:06d}"


def test_the_policy_page_saves_a_valid_format(world: World):
    client = world.client_for(world.reviewer)

    response = client.post(
        reverse("registration:policy"),
        {"prefix": "CN", "number_format": "{prefix}{year}{seq:07d}", "sequence_scope": "national"},
    )

    assert response.status_code == 302
    assert registration_policy_get().number_format == "{prefix}{year}{seq:07d}"


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_alliance_package_list_costs_the_same_queries_with_one_or_three_packages(world: World):
    client = world.client_for(world.reviewer)
    candidates = [candidate_notice_passed(world, index=i) for i in (1, 2, 3)]
    sent(world, candidates[0])
    one = _queries(client, reverse("registration:packages"))
    sent(world, candidates[1])
    sent(world, candidates[2])

    assert _queries(client, reverse("registration:packages")) == one


def test_the_society_package_list_costs_the_same_queries_with_one_or_three_packages(world: World):
    client = world.client_for(world.staff)
    candidates = [candidate_notice_passed(world, index=i) for i in (1, 2, 3)]
    url = reverse("registration:society_packages", args=[world.society.code])
    sent(world, candidates[0])
    one = _queries(client, url)
    sent(world, candidates[1])
    sent(world, candidates[2])

    assert _queries(client, url) == one


def test_the_package_page_costs_the_same_queries_with_one_or_three_candidates(world: World):
    client = world.client_for(world.reviewer)
    candidates = [candidate_notice_passed(world, index=i) for i in (1, 2, 3, 4)]
    small = sent(world, candidates[0])
    large = sent(world, *candidates[1:])
    registration_confirm(item=item_of(small, candidates[0]), by=world.reviewer)
    registration_confirm(item=item_of(large, candidates[1]), by=world.reviewer)

    assert _queries(client, reverse("registration:package", args=[large.pk])) == _queries(
        client, reverse("registration:package", args=[small.pk])
    )


def test_the_send_page_costs_the_same_queries_with_one_or_three_candidates(world: World):
    client = world.client_for(world.staff)
    url = reverse("registration:society_send", args=[world.society.code, world.batch.pk])
    candidate_notice_passed(world, index=1)
    one = _queries(client, url)
    candidate_notice_passed(world, index=2)
    candidate_notice_passed(world, index=3)

    assert _queries(client, url) == one


def test_a_candidate_is_read_only_through_a_package_that_holds_them(world: World):
    first = candidate_notice_passed(world, index=1)
    second = candidate_notice_passed(world, index=2)
    one = sent(world, first)
    sent(world, second)
    client = world.client_for(world.reviewer)

    assert client.get(reverse("registration:candidate", args=[one.pk, second.uid])).status_code == 404
    assert client.get(reverse("registration:package", args=[one.pk + 100])).status_code == 404


def test_staff_read_their_candidates_record_as_sent_without_the_decision_forms(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    client = world.client_for(world.staff)

    response = client.get(
        reverse("registration:society_candidate", args=[world.society.code, package.pk, application.uid])
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert application.panel_assessment.summary in body
    assert 'value="confirm"' not in body
    assert 'name="reason"' not in body


def test_the_admin_refuses_a_format_without_the_running_number(world: World):
    from engcert.accounts.models import User
    from tests.conftest import enrol_totp

    admin = User.objects.create_superuser(email="root@example.com", password="a-long-admin-password-9")
    enrol_totp(admin)
    policy = registration_policy_get()
    client = world.client_for(admin)

    response = client.post(
        reverse("admin:registration_registrationpolicy_change", args=[policy.pk]),
        {"prefix": "CEA", "number_format": "{prefix}{year}", "sequence_scope": "national"},
    )

    assert response.status_code == 200
    assert "The format must contain the running number {seq:06d} exactly once." in response.content.decode()
    assert registration_policy_get().number_format == "{prefix}{year}{society}{seq:06d}"


def test_the_admin_saves_a_valid_format_and_records_who_changed_it(world: World):
    from engcert.accounts.models import User
    from engcert.audit.models import AuditEvent
    from tests.conftest import enrol_totp

    admin = User.objects.create_superuser(email="root@example.com", password="a-long-admin-password-9")
    enrol_totp(admin)
    policy = registration_policy_get()

    response = world.client_for(admin).post(
        reverse("admin:registration_registrationpolicy_change", args=[policy.pk]),
        {"prefix": "CN", "number_format": "{prefix}{year}{seq:07d}", "sequence_scope": "national"},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="registration.policy_changed")
    assert (event.actor, event.data["after"]["number_format"], event.data["through"]) == (
        admin,
        "{prefix}{year}{seq:07d}",
        "admin",
    )


def test_sending_a_candidate_a_colleague_just_sent_explains_what_happened(world: World):
    first = candidate_notice_passed(world, index=1)
    second = candidate_notice_passed(world, index=2)
    sent(world, first)
    client = world.client_for(world.staff)

    response = client.post(
        reverse("registration:society_send", args=[world.society.code, world.batch.pk]),
        {"candidates": [first.pk, second.pk]},
    )

    assert response.status_code == 400
    assert "A chosen candidate is no longer waiting to be sent" in response.content.decode()
    second.refresh_from_db()
    assert (second.state, AlliancePackage.objects.count()) == (S.NOTICE_PASSED, 1)
