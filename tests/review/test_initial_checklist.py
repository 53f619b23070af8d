"""The initial-review checklist: saved over several visits, audited, and the gate to a pass."""

from __future__ import annotations

import pytest
from django.core import mail

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application, PledgeSignature
from engcert.audit.models import AuditEvent
from engcert.review.domain import (
    ReviewError,
    initial_review_checklist_save,
    initial_review_current,
    initial_review_pass,
)
from engcert.review.models import InitialReview
from tests.conftest import World
from tests.review.initial_helpers import ALL_TICKED, submitted, tick_all, url

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def application(complete_draft: Application) -> Application:
    return submitted(complete_draft)


def test_passing_is_refused_until_every_applicable_item_is_ticked(world: World, application: Application):
    initial_review_checklist_save(
        application=application,
        by=world.staff,
        ticked={"documents_complete": True, "documents_legible": True},
        notes="",
    )

    with pytest.raises(ReviewError) as refused:
        initial_review_pass(application=application, by=world.staff)

    assert str(refused.value) == (
        "The checklist is not complete: Eligibility for the grade confirmed, Endorsement by the unit received."
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_with_every_item_ticked_the_application_passes_and_the_applicant_is_emailed(
    world: World, application: Application, django_capture_on_commit_callbacks
):
    tick_all(application, world.staff)
    world.applicant.language = "en"
    world.applicant.save(update_fields=["language"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        initial_review_pass(application=application, by=world.staff)

    application.refresh_from_db()
    assert application.state == ApplicationState.REVIEW_PASSED
    review = InitialReview.objects.get(application=application)
    assert (review.round, review.outcome, review.decided_by) == (1, "passed", world.staff)
    event = AuditEvent.objects.filter(application=application, action="application.transition").last()
    assert event is not None
    assert (event.from_state, event.to_state) == ("submitted", "review_passed")
    assert event.data["checklist"] == {
        "documents_complete": True,
        "documents_legible": True,
        "eligibility_confirmed": True,
        "pledge_signed": True,
        "unit_endorsement_received": True,
    }
    assert [m.to for m in mail.outbox] == [[world.applicant.email]]
    assert mail.outbox[0].subject == f"Application {application.number}: Passed the first check"


def test_the_checklist_is_kept_between_visits_and_each_change_is_audited(
    world: World, application: Application
):
    initial_review_checklist_save(
        application=application,
        by=world.staff,
        ticked={"documents_complete": True},
        notes="Scan of the degree is fine.",
    )
    initial_review_checklist_save(
        application=application,
        by=world.staff,
        ticked={"documents_legible": True},
        notes="Scan of the degree is fine.",
    )
    # Saving the same thing again records nothing.
    initial_review_checklist_save(
        application=application,
        by=world.staff,
        ticked={"documents_legible": True},
        notes="Scan of the degree is fine.",
    )

    review = initial_review_current(application=application)
    assert (review.documents_complete, review.documents_legible, review.eligibility_confirmed) == (
        True,
        True,
        False,
    )
    assert review.notes == "Scan of the degree is fine."
    assert review.updated_by == world.staff
    events = list(
        AuditEvent.objects.filter(application=application, action="review.checklist_saved").order_by(
            "position"
        )
    )
    assert [e.data["changed"] for e in events] == [{"documents_complete": True}, {"documents_legible": True}]
    assert [e.data["notes_changed"] for e in events] == [True, False]
    assert InitialReview.objects.filter(application=application).count() == 1


def test_unit_endorsement_is_not_asked_when_the_batch_does_not_require_it(
    world: World, application: Application
):
    world.batch.requires_unit_endorsement = False
    world.batch.save(update_fields=["requires_unit_endorsement"])
    initial_review_checklist_save(
        application=application,
        by=world.staff,
        ticked={"documents_complete": True, "documents_legible": True, "eligibility_confirmed": True},
        notes="",
    )

    initial_review_pass(application=application, by=world.staff)

    application.refresh_from_db()
    assert application.state == ApplicationState.REVIEW_PASSED


def test_the_pledge_item_is_read_from_the_signature_not_ticked(world: World, application: Application):
    tick_all(application, world.staff)
    # A file that somehow lacks its signature (e.g. from before signatures were kept).
    PledgeSignature.objects.filter(application=application).delete()

    with pytest.raises(ReviewError) as refused:
        initial_review_pass(application=application, by=world.staff)

    assert str(refused.value) == "The checklist is not complete: Integrity pledge signed."


def test_passing_an_application_that_already_passed_is_a_no_op(
    world: World, application: Application, django_capture_on_commit_callbacks
):
    tick_all(application, world.staff)
    initial_review_pass(application=application, by=world.staff)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = initial_review_pass(application=application, by=world.staff)

    assert again.state == ApplicationState.REVIEW_PASSED
    assert mail.outbox == []
    assert AuditEvent.objects.filter(application=application, to_state="review_passed").count() == 1


def test_a_pass_on_a_page_someone_else_has_overtaken_is_refused(world: World, application: Application):
    tick_all(application, world.staff)
    initial_review_pass(application=application, by=world.staff)

    with pytest.raises(ReviewError) as refused:
        initial_review_pass(application=application, by=world.staff, expected_state="submitted")

    assert "changed by someone else" in str(refused.value)
    assert "Initial review passed" in str(refused.value)


@pytest.mark.parametrize("who", ["applicant", "examiner", "outsider", "other_society_staff"])
def test_only_the_societys_staff_can_tick_or_pass(world: World, application: Application, who: str, request):
    user = (
        request.getfixturevalue("other_society_staff")
        if who == "other_society_staff"
        else getattr(world, who)
    )

    with pytest.raises(ReviewError) as refused:
        initial_review_checklist_save(application=application, by=user, ticked=ALL_TICKED, notes="")
    assert str(refused.value) == "Only the society's staff can review this application."
    with pytest.raises(ReviewError):
        initial_review_pass(application=application, by=user)

    assert InitialReview.objects.count() == 0
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


# Through the page ----------------------------------------------------------------------------------


def _checklist_post(world: World, application: Application, action: str, **ticked: bool) -> dict[str, object]:
    data: dict[str, object] = {"expected_state": application.state, "notes": "", "action": action}
    data.update({name: "on" for name, value in ticked.items() if value})
    return data


def test_staff_save_the_checklist_from_the_page_then_pass_with_it(world: World, application: Application):
    client = world.client_for(world.staff)

    saved = client.post(
        url(world, application, "checklist"),
        _checklist_post(world, application, "save", documents_complete=True, documents_legible=True),
    )
    assert saved.status_code == 302
    review = initial_review_current(application=application)
    assert (review.documents_complete, review.documents_legible, review.eligibility_confirmed) == (
        True,
        True,
        False,
    )

    refused = client.post(
        url(world, application, "checklist"),
        _checklist_post(world, application, "pass", documents_complete=True, documents_legible=True),
        follow=True,
    )
    assert (
        "The checklist is not complete: Eligibility for the grade confirmed, Endorsement by the unit received."
        in (refused.content.decode())
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    passed = client.post(
        url(world, application, "checklist"), _checklist_post(world, application, "pass", **ALL_TICKED)
    )
    assert passed.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.REVIEW_PASSED


def test_the_page_shows_the_saved_ticks_and_the_pledge_read_from_the_signature(
    world: World, application: Application
):
    initial_review_checklist_save(
        application=application, by=world.staff, ticked={"documents_legible": True}, notes="ok"
    )
    signature = PledgeSignature.objects.select_related("pledge").get(application=application)

    html = world.client_for(world.staff).get(url(world, application)).content.decode()

    assert (
        '<input type="checkbox" name="documents_legible" aria-describedby="id_documents_legible_helptext" '
        'id="id_documents_legible" checked>'
    ) in html
    assert (
        '<input type="checkbox" name="documents_complete" aria-describedby="id_documents_complete_helptext" '
        'id="id_documents_complete">'
    ) in html
    assert (
        f"Version {signature.pledge.version}, signed {signature.signed_at.astimezone().strftime('%Y-%m-%d')}"
        in html
    )
    assert 'name="unit_endorsement_received"' in html
