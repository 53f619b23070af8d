"""After a deadline nothing changes, except under an extension staff granted with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engcert.applications.domain.application import (
    ApplicationError,
    application_submit,
    application_update,
    application_withdraw,
)
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.deadlines.domain.checks import when_text
from engcert.deadlines.domain.policy import DeadlineError, deadline_extension_grant
from engcert.deadlines.models import DeadlineExtension
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from engcert.review.domain import RevisionInput, initial_review_return
from engcert.units.domain import UnitError, endorsement_decide
from engcert.units.enums import EndorsementDecision
from engcert.units.models import Endorsement
from tests.conftest import World
from tests.deadlines.helpers import close_call, pass_roster_deadline
from tests.units.helpers import engineer_application

pytestmark = pytest.mark.usefixtures("english")

CLOSED_DRAFT = (
    "The call closed at %s; a draft can no longer be changed. "
    "Only the society's staff can extend the deadline, with a reason."
)
CLOSED_SUBMIT = "The call closed at %s; submissions are no longer accepted."
ROSTER_PASSED = (
    "The roster deadline passed at %s; the unit's roster can no longer be changed. "
    "Only the society's staff can extend the deadline, with a reason."
)


def _extend_for_applicant(world: World, *, days: int = 2) -> DeadlineExtension:
    return deadline_extension_grant(
        batch=world.batch,
        applicant=world.applicant,
        until=timezone.now() + timedelta(days=days),
        reason="申请人住院，经秘书处同意延期。",
        by=world.staff,
    )


def test_a_draft_cannot_be_changed_after_the_call_closed(world: World, complete_draft: Application):
    closes = close_call(world.batch)

    with pytest.raises(ApplicationError) as error:
        application_update(application=complete_draft, by=world.applicant, values={"phone": "13900000000"})

    assert str(error.value) == CLOSED_DRAFT % when_text(closes)
    complete_draft.refresh_from_db()
    assert complete_draft.phone != "13900000000"


def test_a_draft_cannot_be_submitted_after_the_call_closed(world: World, complete_draft: Application):
    closes = close_call(world.batch)

    with pytest.raises(ApplicationError) as error:
        application_submit(application=complete_draft, by=world.applicant)

    assert str(error.value) == CLOSED_SUBMIT % when_text(closes)
    complete_draft.refresh_from_db()
    assert complete_draft.state == ApplicationState.DRAFT


def test_an_applicants_extension_lets_them_change_and_submit_their_draft(
    world: World, complete_draft: Application
):
    close_call(world.batch)
    _extend_for_applicant(world)

    application_update(application=complete_draft, by=world.applicant, values={"phone": "13900000000"})
    submitted = application_submit(application=complete_draft, by=world.applicant)

    assert submitted.state == ApplicationState.SUBMITTED
    assert Application.objects.get(pk=complete_draft.pk).phone == "13900000000"


def test_an_extension_ends_at_its_time(world: World, complete_draft: Application):
    close_call(world.batch)
    extension = _extend_for_applicant(world, days=1)

    with pytest.raises(ApplicationError) as error:
        application_submit(
            application=complete_draft, by=world.applicant, at=extension.until + timedelta(minutes=1)
        )

    assert str(error.value) == CLOSED_SUBMIT % when_text(extension.until)


def test_an_extension_for_another_applicant_does_not_open_this_draft(
    world: World, complete_draft: Application
):
    other = engineer_application(world, index=7, unit=world.unit, submit=False)
    close_call(world.batch, ago=timedelta(days=2))
    deadline_extension_grant(
        batch=world.batch,
        applicant=other.applicant,
        until=timezone.now() + timedelta(days=1),
        reason="单位证明延迟。",
        by=world.staff,
    )

    with pytest.raises(ApplicationError):
        application_submit(application=complete_draft, by=world.applicant)
    assert application_submit(application=other, by=other.applicant).state == ApplicationState.SUBMITTED


def test_a_returned_application_can_still_be_revised_and_resubmitted_after_the_close(
    world: World, complete_draft: Application
):
    # The society returns applications during its review, after the call closed; its return,
    # with its reasons, is what lets the applicant change the returned sections.
    application_submit(application=complete_draft, by=world.applicant)
    initial_review_return(
        application=complete_draft, by=world.staff, items=[RevisionInput("personal", "手机号码有误。")]
    )
    close_call(world.batch)
    returned = Application.objects.get(pk=complete_draft.pk)

    application_update(application=returned, by=world.applicant, values={"phone": "13900000000"})
    resubmitted = application_submit(application=returned, by=world.applicant)

    assert resubmitted.state == ApplicationState.RESUBMITTED


def test_an_applicant_can_still_withdraw_after_the_close(world: World, complete_draft: Application):
    # Withdrawing changes nothing the society evaluates; no one is kept in an evaluation.
    application_submit(application=complete_draft, by=world.applicant)
    close_call(world.batch)

    withdrawn = application_withdraw(application=complete_draft, by=world.applicant, reason="工作调动")

    assert withdrawn.state == ApplicationState.WITHDRAWN


def test_a_unit_admin_cannot_endorse_after_the_roster_deadline(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    deadline = pass_roster_deadline(world.batch)

    with pytest.raises(UnitError) as error:
        endorsement_decide(
            application=application, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin
        )

    assert str(error.value) == ROSTER_PASSED % when_text(deadline)
    assert Endorsement.objects.filter(application=application).count() == 0


def test_a_unit_admin_cannot_change_a_decision_after_the_roster_deadline(world: World):
    application = engineer_application(world, index=1, unit=world.unit)
    endorsement_decide(application=application, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin)
    pass_roster_deadline(world.batch)

    with pytest.raises(UnitError):
        endorsement_decide(
            application=application,
            to_decision=EndorsementDecision.DECLINED,
            by=world.unit_admin,
            reason="不是本单位职工",
        )

    assert application.unit_endorsement.decision == EndorsementDecision.ENDORSED


def test_a_units_extension_lets_its_admins_endorse_and_no_other_unit(world: World):
    ours = engineer_application(world, index=1, unit=world.unit)
    theirs = engineer_application(world, index=2, unit=world.other_unit)
    Membership.objects.create(user=world.unit_admin, organisation=world.other_unit, role=Role.UNIT_ADMIN)
    pass_roster_deadline(world.batch)
    deadline_extension_grant(
        batch=world.batch,
        unit=world.unit,
        until=timezone.now() + timedelta(days=3),
        reason="单位名单盖章流程延误。",
        by=world.staff,
    )

    endorsement = endorsement_decide(
        application=ours, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin
    )
    assert endorsement.decision == EndorsementDecision.ENDORSED
    with pytest.raises(UnitError):
        endorsement_decide(application=theirs, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin)


def test_granting_an_extension_is_audited_with_its_reason(world: World, complete_draft: Application):
    close_call(world.batch)
    extension = _extend_for_applicant(world)

    event = AuditEvent.objects.get(action="deadlines.extension_grant")
    assert (event.actor_id, event.reason) == (world.staff.pk, "申请人住院，经秘书处同意延期。")
    assert event.data["applicant"] == world.applicant.pk
    assert event.data["until"] == extension.until.isoformat()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": "  "}, "Please give a reason."),
        ({"until": "past"}, "The extension must end in the future."),
        ({"until": "before-close"}, "The extension must end after the deadline (%s)."),
        ({"by": "unit_admin"}, "Only the society's staff can extend a deadline."),
        ({"applicant": "outsider"}, "This person has no application in this batch."),
        ({"unit": True}, "Please choose either an applicant or a unit."),
    ],
)
def test_an_extension_is_refused_without_what_it_needs(
    world: World, complete_draft: Application, change: dict[str, object], message: str
):
    now = timezone.now()
    until = {
        "past": now - timedelta(minutes=1),
        "before-close": world.batch.closes_at - timedelta(days=1),
    }.get(str(change.get("until")), world.batch.closes_at + timedelta(days=1))
    with pytest.raises(DeadlineError) as error:
        deadline_extension_grant(
            batch=world.batch,
            applicant=getattr(world, str(change.get("applicant", "applicant"))),
            unit=world.unit if change.get("unit") else None,
            until=until,
            reason=str(change.get("reason", "理由")),
            by=getattr(world, str(change.get("by", "staff"))),
        )

    expected = message % when_text(world.batch.closes_at) if "%s" in message else message
    assert str(error.value) == expected
    assert DeadlineExtension.objects.count() == 0


def test_a_unit_extension_needs_a_roster_deadline_of_one_of_the_societys_units(world: World):
    world.batch.roster_deadline = None
    world.batch.save(update_fields=["roster_deadline"])

    with pytest.raises(DeadlineError) as error:
        deadline_extension_grant(
            batch=world.batch,
            unit=world.unit,
            until=timezone.now() + timedelta(days=40),
            reason="理由",
            by=world.staff,
        )

    assert str(error.value) == "This batch has no roster deadline to extend."


def test_the_review_page_offers_the_submit_button_only_within_the_applicants_deadline(
    world: World, complete_draft: Application
):
    from django.urls import reverse

    close_call(world.batch)
    url = reverse("applications:review", args=[complete_draft.uid])
    client = world.client_for(world.applicant)
    assert 'aria-describedby="closed-hint"' in client.get(url).content.decode()
    _extend_for_applicant(world)
    page = client.get(url).content.decode()
    assert 'aria-describedby="closed-hint"' not in page
    assert reverse("applications:submit", args=[complete_draft.uid]) in page
