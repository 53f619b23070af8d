"""Candidates' evaluation records through the API: exactly what the alliance verifies, nothing
personal beyond the name, and nobody else's name."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engcert.applications.domain.application import application_submit
from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.demo import builders
from engcert.review.domain import initial_review_checklist_save, initial_review_pass
from engcert.review.enums import TICKED_ITEMS
from tests.apiclients.conftest import Issued, call
from tests.apiclients.helpers import DISMISSAL, RATIONALE, item_of, sent_to_alliance
from tests.conftest import PASSWORD, World
from tests.evaluation_helpers import candidate_interviewed

RECORD_KEYS = {
    "uid",
    "number",
    "full_name",
    "full_name_en",
    "batch",
    "unit",
    "discipline",
    "grade_applied",
    "grade_approved",
    "assessment_path",
    "state",
    "state_label",
    "submitted_at",
    "state_changed_at",
    "history",
    "initial_review",
    "assessment",
    "committee",
    "notice",
    "alliance",
}


def test_the_record_of_a_candidate_sent_to_the_alliance(world: World, society_client: Issued):
    package, [application] = sent_to_alliance(world, indexes=[1])

    status, record, _ = call("GET", f"candidates/{application.uid}", token=society_client.token)

    assert status == 200
    assert set(record) == RECORD_KEYS
    assert (record["uid"], record["number"], record["full_name"]) == (
        str(application.uid),
        application.number,
        "候选人1",
    )
    assert record["batch"] == {"id": world.batch.pk, "code": world.batch.code, "society": "csee"}
    assert record["unit"] == {"name": "山东电力建设第三工程有限公司", "name_en": "SEPCOIII"}
    assert record["discipline"]["code"] == application.discipline.code
    assert (
        record["grade_applied"]
        == record["grade_approved"]
        == {
            "code": "PE",
            "name": "专业工程师",
            "name_en": "Professional Engineer",
        }
    )
    assert (record["state"], record["state_label"]) == ("with_alliance", "With the alliance for verification")
    assert [(step["from_state"], step["to_state"]) for step in record["history"]] == [
        ("draft", "submitted"),
        ("submitted", "review_passed"),
        ("review_passed", "interview_scheduled"),
        ("interview_scheduled", "interviewed"),
        ("interviewed", "deliberation"),
        ("deliberation", "approved"),
        ("approved", "public_notice"),
        ("public_notice", "objection"),
        ("objection", "public_notice"),
        ("public_notice", "notice_passed"),
        ("notice_passed", "with_alliance"),
    ]
    assert set(record["history"][0]) == {"at", "from_state", "to_state"}
    assessment = record["assessment"]
    assert (assessment["recommendation"], assessment["meets_criteria"]) == ("grade_applied", True)
    assert [(area["number"], area["level"], area["meets_requirement"]) for area in assessment["areas"]] == [
        (1, 3, True),
        (2, 3, True),
        (3, 3, True),
        (4, 3, True),
        (5, 3, True),
    ]
    assert set(assessment) == {
        "recommendation",
        "recommended_grade",
        "meets_criteria",
        "summary",
        "recorded_at",
        "areas",
    }
    committee = record["committee"]
    assert (committee["outcome"], committee["rationale"], committee["departs_from_criteria"]) == (
        "approved",
        RATIONALE,
        False,
    )
    assert committee["tally"] == {"members": 1, "voting": 1, "approve": 1, "not_approve": 0, "abstain": 0}
    assert record["notice"] == {
        "starts_on": "2026-11-30",
        "last_day": "2026-12-04",
        "objections": 1,
        "objections_upheld": 0,
        "objections_dismissed": 1,
        "objections_open": 0,
        "outcome": "passed",
    }
    item = item_of(package, application)
    assert record["alliance"] == {
        "item_id": item.pk,
        "package_id": package.pk,
        "package_version": 1,
        "outcome": "pending",
        "reason": "",
        "decided_at": None,
        "member_number": None,
    }


def test_the_record_names_no_examiner_reviewer_or_committee_member_and_no_identity_number(
    world: World, alliance_client: Issued
):
    _package, [application] = sent_to_alliance(world, indexes=[1])
    application = Application.objects.get(pk=application.pk)

    text = call("GET", f"candidates/{application.uid}", token=alliance_client.token)[2].content.decode()

    people = ["吴考评", "第二考官", "审议委员", "学会工作人员", "联合体审核", "张明"]
    assert [name for name in people if name in text] == []
    assert application.id_number and application.id_number not in text
    assert application.id_number_masked not in text
    for secret in (application.phone, application.email, DISMISSAL, "vote", "birth"):
        assert secret not in text, secret
    assert json.loads(text)["full_name"] == "候选人1"


def test_the_initial_reviews_outcome_is_in_the_record(world: World, society_client: Issued):
    applicant = builders.user_create(email="c9@example.com", password=PASSWORD, full_name="候选人9")
    application = builders.application_complete_draft(
        batch=world.batch,
        applicant=applicant,
        person=builders.Person("候选人9", True, builders.date(1984, 5, 6), world.unit.name),
        unit=world.unit,
        index=9,
    )
    application_submit(application=application, by=applicant)
    initial_review_checklist_save(
        application=application, by=world.staff, ticked={item.value: True for item in TICKED_ITEMS}, notes=""
    )
    initial_review_pass(application=application, by=world.staff)

    record = call("GET", f"candidates/{application.uid}", token=society_client.token)[1]

    assert {key: record["initial_review"][key] for key in ("round", "outcome")} == {
        "round": 1,
        "outcome": "passed",
    }
    assert record["initial_review"]["decided_at"] is not None
    assert (record["assessment"], record["committee"], record["notice"], record["alliance"]) == (None,) * 4


def test_the_alliance_sees_only_candidates_sent_to_it(world: World, alliance_client: Issued):
    waiting = candidate_interviewed(world, index=5)
    _package, [sent] = sent_to_alliance(world, indexes=[1])

    listed = call("GET", f"batches/{world.batch.pk}/candidates", token=alliance_client.token)[1]

    assert [item["uid"] for item in listed["items"]] == [str(sent.uid)]
    assert call("GET", f"candidates/{waiting.uid}", token=alliance_client.token)[:2] == (
        404,
        {"detail": "Not found.", "code": "not_found"},
    )


def test_the_society_lists_its_candidates_by_number_filtered_by_state_and_paginated(
    world: World, society_client: Issued
):
    first, second, third = (candidate_interviewed(world, index=index) for index in (1, 2, 3))
    url = f"batches/{world.batch.pk}/candidates"

    page = call("GET", f"{url}?page_size=2", token=society_client.token)[1]
    assert [item["number"] for item in page["items"]] == [first.number, second.number]
    assert {key: page[key] for key in ("count", "page", "pages", "page_size", "previous")} == {
        "count": 3,
        "page": 1,
        "pages": 2,
        "page_size": 2,
        "previous": None,
    }
    assert page["next"] == f"http://testserver/api/v1/{url}?page_size=2&page=2"
    last = call("GET", page["next"].removeprefix("http://testserver/api/v1/"), token=society_client.token)[1]
    assert [item["number"] for item in last["items"]] == [third.number]
    assert last["next"] is None

    application_transition(application=second, to_state=S.DELIBERATION, by=world.staff)
    filtered = call("GET", f"{url}?state=deliberation", token=society_client.token)[1]
    assert [item["number"] for item in filtered["items"]] == [second.number]
    assert call("GET", f"{url}?state=nonsense", token=society_client.token)[1]["code"] == "invalid"
    assert call("GET", f"{url}?page=3", token=society_client.token)[1] == {
        "detail": "There is no page with this number.",
        "code": "bad_page",
    }
    assert call("GET", f"{url}?page_size=101", token=society_client.token)[1] == {
        "detail": "A page holds 1 to 100 items.",
        "code": "bad_page_size",
    }


def test_a_batch_that_does_not_exist_is_404(world: World, society_client: Issued):
    assert call("GET", "batches/999999/candidates", token=society_client.token)[0] == 404
    assert call("GET", f"batches/{2**40}/candidates", token=society_client.token)[0] == 404
    assert call("GET", "candidates/not-a-uuid", token=society_client.token)[1]["code"] == "invalid"


def _queries(token: str, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        status = call("GET", url, token=token)[0]
    assert status == 200
    return len(queries)


# Authentication and the token's first use (2), the batch (1), count and page (2), and one per
# prefetched relation (7), whatever the number of candidates.
CANDIDATE_LIST_QUERIES = 12


@pytest.mark.parametrize("count", [1, 3])
def test_the_candidate_list_reads_a_fixed_number_of_queries(world: World, society_client: Issued, count: int):
    sent_to_alliance(world, indexes=list(range(1, count + 1)))

    assert _queries(society_client.token, f"batches/{world.batch.pk}/candidates") == CANDIDATE_LIST_QUERIES
