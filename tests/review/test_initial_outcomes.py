"""Returning for revision with itemised reasons, and rejecting with a reason."""

from __future__ import annotations

import pytest
from django.core import mail

from engcert.applications.domain.application import application_submit
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.review.domain import (
    ReviewError,
    RevisionInput,
    initial_review_reject,
    initial_review_return,
)
from engcert.review.models import InitialReview, RevisionRequest
from engcert.review.selectors import revision_reasons
from tests.conftest import World
from tests.review.initial_helpers import submitted, url

pytestmark = pytest.mark.usefixtures("english")

WORK_REASON = "The referee of your 2017–2021 position has no phone number."
ATTACHMENTS_REASON = "The scan of your identity card cannot be read."


@pytest.fixture
def application(world: World, complete_draft: Application) -> Application:
    world.applicant.language = "en"
    world.applicant.save(update_fields=["language"])
    return submitted(complete_draft)


def test_a_return_keeps_each_section_with_its_reason_and_opens_only_those(
    world: World, application: Application
):
    # Picked out of the form's order: they are kept in the form's order.
    request = initial_review_return(
        application=application,
        by=world.staff,
        items=[RevisionInput("attachments", ATTACHMENTS_REASON), RevisionInput("work", f"  {WORK_REASON}\n")],
    )

    application.refresh_from_db()
    assert application.state == ApplicationState.RETURNED
    assert application.revision_sections == ["work", "attachments"]
    assert [(i.section, i.reason, i.position) for i in request.items.all()] == [
        ("work", WORK_REASON, 0),
        ("attachments", ATTACHMENTS_REASON, 1),
    ]
    assert request.review.outcome == "returned"
    assert revision_reasons(application=application) == {
        "work": WORK_REASON,
        "attachments": ATTACHMENTS_REASON,
    }
    event = AuditEvent.objects.filter(application=application, action="application.transition").last()
    assert event is not None
    assert event.to_state == "returned"
    assert event.reason == f"Work history: {WORK_REASON}\nAttachments: {ATTACHMENTS_REASON}"
    assert event.data["items"] == [
        {"section": "work", "reason": WORK_REASON},
        {"section": "attachments", "reason": ATTACHMENTS_REASON},
    ]


def test_the_return_email_lists_each_section_and_what_to_change(
    world: World, application: Application, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        initial_review_return(
            application=application,
            by=world.staff,
            items=[RevisionInput("work", WORK_REASON), RevisionInput("attachments", ATTACHMENTS_REASON)],
        )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.applicant.email]
    assert message.subject == f"Application {application.number}: Needs changes from you"
    assert (
        "Please change these parts of your application; the others stay as you submitted them:\n"
        f"- Work history: {WORK_REASON}\n"
        f"- Attachments: {ATTACHMENTS_REASON}\n\n"
    ) in message.body
    assert "Reason:" not in message.body


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([], "Choose at least one section to return for revision."),
        ([RevisionInput("work", "   ")], "Say what needs to change in “Work history”."),
        ([RevisionInput("salary", "why")], "There is no section “salary” in the form."),
        (
            [RevisionInput("work", "one"), RevisionInput("work", "two")],
            "Each section can be returned once, with one reason.",
        ),
    ],
)
def test_a_return_needs_sections_of_the_form_each_with_a_reason(
    world: World, application: Application, items: list[RevisionInput], message: str
):
    with pytest.raises(ReviewError) as refused:
        initial_review_return(application=application, by=world.staff, items=items)

    assert str(refused.value) == message
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert RevisionRequest.objects.count() == 0


def test_every_round_is_kept_and_the_applicant_answers_the_latest(world: World, application: Application):
    initial_review_return(application=application, by=world.staff, items=[RevisionInput("work", WORK_REASON)])
    application.refresh_from_db()
    application_submit(application=application, by=world.applicant)
    application.refresh_from_db()
    assert application.state == ApplicationState.RESUBMITTED
    assert application.revision_sections == []
    assert revision_reasons(application=application) == {}

    initial_review_return(
        application=application,
        by=world.staff,
        items=[RevisionInput("projects", "Say what you did yourself.")],
    )

    application.refresh_from_db()
    assert application.revision_sections == ["projects"]
    assert revision_reasons(application=application) == {"projects": "Say what you did yourself."}
    rounds = InitialReview.objects.filter(application=application).order_by("round")
    assert [(r.round, r.outcome) for r in rounds] == [(1, "returned"), (2, "returned")]
    assert [
        [i.section for i in r.items.all()] for r in RevisionRequest.objects.order_by("created_at", "pk")
    ] == [
        ["work"],
        ["projects"],
    ]


def test_a_rejection_needs_a_reason(world: World, application: Application):
    with pytest.raises(ReviewError) as refused:
        initial_review_reject(application=application, by=world.staff, reason="  \n ")

    assert str(refused.value) == "Give the reason for rejecting; the applicant will read it."
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_a_rejection_with_its_reason_ends_the_application_and_tells_the_applicant(
    world: World, application: Application, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        initial_review_reject(application=application, by=world.staff, reason="Not an engineering degree.")

    application.refresh_from_db()
    assert application.state == ApplicationState.REJECTED
    review = InitialReview.objects.get(application=application)
    assert (review.outcome, review.outcome_reason, review.decided_by) == (
        "rejected",
        "Not an engineering degree.",
        world.staff,
    )
    assert mail.outbox[0].subject == f"Application {application.number}: Not accepted"
    assert "Reason: Not an engineering degree." in mail.outbox[0].body


def test_a_decision_on_a_page_someone_else_has_overtaken_is_refused(world: World, application: Application):
    initial_review_reject(application=application, by=world.staff, reason="Not an engineering degree.")

    with pytest.raises(ReviewError) as refused:
        initial_review_return(
            application=application,
            by=world.staff,
            items=[RevisionInput("work", WORK_REASON)],
            expected_state="submitted",
        )

    assert str(refused.value) == (
        "This application was changed by someone else while you were looking at it: it is now "
        "“Rejected at initial review”. Reload the page to see the change."
    )
    assert RevisionRequest.objects.count() == 0


def test_the_applicant_cannot_return_or_reject_their_own_application(world: World, application: Application):
    with pytest.raises(ReviewError):
        initial_review_return(application=application, by=world.applicant, items=[RevisionInput("work", "x")])
    with pytest.raises(ReviewError):
        initial_review_reject(application=application, by=world.applicant, reason="x")
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


# Through the page ----------------------------------------------------------------------------------


def _return_post(application: Application, **fields: str) -> dict[str, str]:
    return {"expected_state": application.state, **fields}


def test_staff_return_sections_from_the_page(world: World, application: Application):
    response = world.client_for(world.staff).post(
        url(world, application, "return"),
        _return_post(
            application,
            return_work="on",
            reason_work=WORK_REASON,
            return_attachments="on",
            reason_attachments=ATTACHMENTS_REASON,
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == url(world, application)
    application.refresh_from_db()
    assert application.state == ApplicationState.RETURNED
    assert application.revision_sections == ["work", "attachments"]


def test_a_ticked_section_without_its_reason_is_shown_back_with_the_error_beside_it(
    world: World, application: Application
):
    response = world.client_for(world.staff).post(
        url(world, application, "return"),
        _return_post(application, return_work="on", reason_work="", reason_projects="Say more."),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was done: please correct what is marked below and send again." in html
    assert (
        '<ul class="errorlist" id="id_reason_work_error"><li>Say what the applicant should change here.</li></ul>'
        in html
    )
    assert (
        '<ul class="errorlist" id="id_return_projects_error"><li>Tick this section to return it, or clear the reason '
        "below.</li></ul>"
    ) in html
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_returning_nothing_is_refused_on_the_page(world: World, application: Application):
    response = world.client_for(world.staff).post(
        url(world, application, "return"), _return_post(application)
    )

    assert response.status_code == 400
    assert "Choose at least one section to return, with what needs to change." in response.content.decode()


def test_rejecting_without_a_reason_is_refused_on_the_page(world: World, application: Application):
    response = world.client_for(world.staff).post(
        url(world, application, "reject"), _return_post(application, reason="")
    )

    assert response.status_code == 400
    assert (
        '<ul class="errorlist" id="id_reason_error"><li>This field is required.</li></ul>'
        in response.content.decode()
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_rejecting_from_the_page(world: World, application: Application):
    response = world.client_for(world.staff).post(
        url(world, application, "reject"), _return_post(application, reason="Not an engineering degree.")
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.REJECTED


def test_a_decision_posted_from_a_stale_page_says_so_and_changes_nothing(
    world: World, application: Application
):
    client = world.client_for(world.staff)
    stale = _return_post(application, reason="Not an engineering degree.")
    initial_review_return(application=application, by=world.staff, items=[RevisionInput("work", WORK_REASON)])

    response = client.post(url(world, application, "reject"), stale, follow=True)

    assert "changed by someone else while you were looking at it" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.RETURNED
