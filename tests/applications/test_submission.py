"""Submitting an application: complete, eligible or explained, in time, once."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from engcert.applications.domain.application import (
    ApplicationError,
    SubmissionBlocked,
    application_create,
    application_pledge_sign,
    application_submit,
    application_update,
    application_withdraw,
)
from engcert.applications.domain.timeline import Period, years
from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application, PledgeSignature, WorkEntry
from engcert.audit.models import AuditEvent
from engcert.demo import builders

pytestmark = pytest.mark.usefixtures("english")

S = ApplicationState


def transition_events(application: Application) -> list[AuditEvent]:
    return list(application.audit_events.filter(action="application.transition").order_by("position"))


def problem_keys(blocked: SubmissionBlocked) -> set[tuple[str, str]]:
    return {(p.section, p.field) for p in blocked.problems}


def test_a_complete_draft_submits_and_records_when(world, complete_draft):
    at = timezone.now()
    submitted = application_submit(application=complete_draft, by=world.applicant, at=at)

    assert submitted.state == S.SUBMITTED
    assert submitted.submitted_at == at
    assert submitted.eligibility_unmet == []
    assert [(e.actor, e.from_state, e.to_state, e.data) for e in transition_events(submitted)] == [
        (world.applicant, "draft", "submitted", {"eligibility_unmet": []})
    ]


def test_a_fresh_draft_is_blocked_with_every_missing_section_and_field(world):
    application = application_create(batch=world.batch, applicant=world.applicant)
    with pytest.raises(SubmissionBlocked) as blocked:
        application_submit(application=application, by=world.applicant)

    assert problem_keys(blocked.value) == {
        ("application", "grade"),
        ("application", "discipline"),
        ("application", "unit"),
        ("personal", "gender"),
        ("personal", "birth_date"),
        ("personal", "nationality"),
        ("personal", "id_type"),
        ("personal", "id_number"),
        ("personal", "phone"),
        ("personal", "address"),
        ("education", ""),
        ("work", ""),
        ("projects", ""),
        ("competency", "area_1"),
        ("competency", "area_2"),
        ("competency", "area_3"),
        ("competency", "area_4"),
        ("competency", "area_5"),
        ("pledge", ""),
    }
    assert Application.objects.get(pk=application.pk).state == S.DRAFT
    assert transition_events(application) == []


def test_a_draft_missing_its_work_history_and_pledge_names_exactly_those_and_the_unmet_grade(
    world, complete_draft
):
    WorkEntry.objects.filter(application=complete_draft).delete()
    PledgeSignature.objects.filter(application=complete_draft).delete()

    with pytest.raises(SubmissionBlocked) as blocked:
        application_submit(application=complete_draft, by=world.applicant)

    assert problem_keys(blocked.value) == {
        ("work", ""),
        ("pledge", ""),
        ("review", "eligibility_explanation"),
    }
    assert str(blocked.value) == "The application is not complete yet."


def test_an_invalid_identity_number_blocks_submission_beside_the_field(world, complete_draft):
    application_update(
        application=complete_draft, by=world.applicant, values={"id_number": "110101198503140000"}
    )
    with pytest.raises(SubmissionBlocked) as blocked:
        application_submit(application=complete_draft, by=world.applicant)
    assert {(p.section, p.field) for p in blocked.value.problems} == {("personal", "id_number")}


def years_since(start: date) -> Decimal:
    # The arithmetic itself is tested in test_timeline; here it only fills in the message.
    return years([Period(start, timezone.localdate())])


@pytest.fixture
def spe_with_three_years(world):
    application = builders.application_complete_draft(
        batch=world.batch,
        applicant=world.applicant,
        person=builders.Person("王伟", True, date(1985, 3, 14), world.unit.name),
        unit=world.unit,
        grade_code="SPE",
        years_of_practice=3,
    )
    first = WorkEntry.objects.filter(application=application).order_by("start_date").first()
    return application, first.start_date


def test_an_spe_applicant_with_three_years_is_blocked_until_they_explain(world, spe_with_three_years):
    application, _ = spe_with_three_years
    with pytest.raises(SubmissionBlocked) as blocked:
        application_submit(application=application, by=world.applicant)

    assert [(p.section, p.field) for p in blocked.value.problems] == [("review", "eligibility_explanation")]
    assert Application.objects.get(pk=application.pk).state == S.DRAFT


def test_an_explained_spe_application_with_three_years_submits_and_records_the_unmet_requirement(
    world, spe_with_three_years
):
    application, started = spe_with_three_years
    application_update(
        application=application,
        by=world.applicant,
        values={"eligibility_explanation": "本人在海外工程中长期承担技术负责人工作，请委员会综合考虑。"},
    )
    submitted = application_submit(application=application, by=world.applicant)

    expected = [
        f"Senior Professional Engineer requires 7.0 years of professional practice; the work history shows {years_since(started)}."
    ]
    assert submitted.state == S.SUBMITTED
    assert submitted.eligibility_unmet == expected
    assert [e.data for e in transition_events(submitted)] == [{"eligibility_unmet": expected}]


@pytest.fixture
def batch_closing_soon(world):
    closes_at = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    world.batch.closes_at = closes_at
    world.batch.save(update_fields=["closes_at"])
    return world.batch


def test_a_submission_one_second_before_closing_is_accepted(world, complete_draft, batch_closing_soon):
    at = batch_closing_soon.closes_at - timedelta(seconds=1)
    submitted = application_submit(application=complete_draft, by=world.applicant, at=at)
    assert submitted.state == S.SUBMITTED
    assert submitted.submitted_at == at


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=1)], ids=["at-closing", "one-second-late"])
def test_a_submission_at_or_after_closing_is_refused_with_the_closing_time(
    world, complete_draft, batch_closing_soon, late
):
    closes = timezone.localtime(batch_closing_soon.closes_at)
    with pytest.raises(ApplicationError) as error:
        application_submit(
            application=complete_draft, by=world.applicant, at=batch_closing_soon.closes_at + late
        )

    assert str(error.value) == (
        f"The call closed at {closes:%Y-%m-%d %H:%M}; submissions are no longer accepted."
    )
    assert Application.objects.get(pk=complete_draft.pk).state == S.DRAFT
    assert transition_events(complete_draft) == []


def test_the_closing_message_shows_beijing_time(world, complete_draft):
    closes_at = timezone.now().replace(microsecond=0) + timedelta(days=1)
    closes_at = closes_at.replace(hour=9, minute=30, second=0)  # 09:30 UTC is 17:30 in Beijing
    world.batch.closes_at = closes_at
    world.batch.save(update_fields=["closes_at"])
    with pytest.raises(ApplicationError) as error:
        application_submit(
            application=complete_draft, by=world.applicant, at=closes_at + timedelta(seconds=1)
        )
    assert f"{closes_at:%Y-%m-%d} 17:30" in str(error.value)


def test_a_returned_application_can_be_resubmitted_after_the_call_closed(world, complete_draft):
    application_submit(application=complete_draft, by=world.applicant)
    application_transition(
        application=complete_draft, to_state=S.RETURNED, by=world.staff, reason="补充项目证明。"
    )
    world.batch.opens_at = timezone.now() - timedelta(days=20)
    world.batch.closes_at = timezone.now() - timedelta(days=1)
    world.batch.save(update_fields=["opens_at", "closes_at"])

    resubmitted = application_submit(application=complete_draft, by=world.applicant)

    assert resubmitted.state == S.RESUBMITTED
    assert [(e.from_state, e.to_state) for e in transition_events(resubmitted)] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "resubmitted"),
    ]


def test_only_the_applicant_can_submit(world, complete_draft):
    for someone in (world.staff, world.other_applicant, world.unit_admin):
        with pytest.raises(ApplicationError) as error:
            application_submit(application=complete_draft, by=someone)
        assert str(error.value) == "Only the applicant can submit this application."
    assert Application.objects.get(pk=complete_draft.pk).state == S.DRAFT


def test_starting_twice_in_one_batch_returns_the_same_application(world):
    first = application_create(batch=world.batch, applicant=world.applicant)
    second = application_create(batch=world.batch, applicant=world.applicant)
    assert second.pk == first.pk
    assert list(Application.objects.filter(applicant=world.applicant).values_list("pk", flat=True)) == [
        first.pk
    ]
    assert first.number == f"CSEE-2026-B4-{first.pk:06d}"


def test_the_database_refuses_a_second_active_application_in_one_batch(world):
    first = application_create(batch=world.batch, applicant=world.applicant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            batch=world.batch, applicant=world.applicant, framework_version=first.framework_version
        )


def test_after_withdrawing_a_new_application_can_be_started(world):
    first = application_create(batch=world.batch, applicant=world.applicant)
    application_withdraw(application=first, by=world.applicant, reason="")
    second = application_create(batch=world.batch, applicant=world.applicant)

    assert second.pk != first.pk
    assert dict(Application.objects.filter(applicant=world.applicant).values_list("pk", "state")) == {
        first.pk: S.WITHDRAWN,
        second.pk: S.DRAFT,
    }


def test_an_application_cannot_be_started_in_a_closed_or_unpublished_call(world):
    draft_batch = builders.batch_create(society=world.society, code="2027-b5", published=False)
    with pytest.raises(ApplicationError) as error:
        application_create(batch=draft_batch, applicant=world.applicant)
    assert str(error.value) == "This call is not open for applications."
    assert Application.objects.filter(batch=draft_batch).count() == 0


def test_submitting_twice_writes_one_transition_event_and_one_email(
    world, complete_draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = application_submit(application=complete_draft, by=world.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        second = application_submit(application=complete_draft, by=world.applicant)

    assert (first.state, second.state) == (S.SUBMITTED, S.SUBMITTED)
    assert second.submitted_at == first.submitted_at
    assert len(transition_events(complete_draft)) == 1
    assert [m.to for m in mail.outbox if m.to == [world.applicant.email]] == [[world.applicant.email]]


# Committed transactions, so the two threads see each other. No serialized_rollback: it reloads
# the content types saved when the database was created, which collide with those an earlier
# transactional test recreated after its flush (``world`` reloads the data it needs).
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_simultaneous_submissions_make_exactly_one_transition(world, complete_draft):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(application_submit(application=complete_draft, by=world.applicant).state)
        except Exception as error:  # the test reports whatever went wrong in the thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == [S.SUBMITTED, S.SUBMITTED]
    assert [(e.from_state, e.to_state) for e in transition_events(complete_draft)] == [("draft", "submitted")]
    assert [m.to for m in mail.outbox if m.to == [world.applicant.email]] == [[world.applicant.email]]


def test_a_submitted_application_is_read_only(world, complete_draft):
    application_submit(application=complete_draft, by=world.applicant)
    complete_draft.refresh_from_db()

    with pytest.raises(ApplicationError) as error:
        application_update(application=complete_draft, by=world.applicant, values={"phone": "13911112222"})
    assert str(error.value) == "A submitted application can no longer be changed."
    with pytest.raises(ApplicationError):
        application_pledge_sign(
            application=complete_draft, by=world.applicant, typed_name="王伟", consents=True, ip_address=None
        )
    assert Application.objects.get(pk=complete_draft.pk).phone == "13800000000"


def test_someone_else_cannot_edit_a_draft(world, complete_draft):
    with pytest.raises(ApplicationError) as error:
        application_update(application=complete_draft, by=world.staff, values={"phone": "13911112222"})
    assert str(error.value) == "Only the applicant can change this application."


def test_withdrawing_a_submitted_application_needs_a_reason(world, complete_draft):
    application_submit(application=complete_draft, by=world.applicant)
    with pytest.raises(ApplicationError) as error:
        application_withdraw(application=complete_draft, by=world.applicant, reason="  ")
    assert str(error.value) == "Please give a reason."

    withdrawn = application_withdraw(
        application=complete_draft, by=world.applicant, reason="工作调动，本批次无法参加面试。"
    )
    assert withdrawn.state == S.WITHDRAWN
    assert [(e.to_state, e.reason) for e in transition_events(complete_draft)][-1] == (
        "withdrawn",
        "工作调动，本批次无法参加面试。",
    )


def test_withdrawing_is_allowed_until_the_interview_and_refused_after_it(world, complete_draft):
    application_submit(application=complete_draft, by=world.applicant)
    application_transition(application=complete_draft, to_state=S.REVIEW_PASSED, by=world.staff)
    application_transition(application=complete_draft, to_state=S.INTERVIEW_SCHEDULED, by=world.staff)
    application_transition(application=complete_draft, to_state=S.INTERVIEWED, by=world.staff)

    with pytest.raises(ApplicationError) as error:
        application_withdraw(application=complete_draft, by=world.applicant, reason="临时有事。")

    assert str(error.value) == "An application that is “Interviewed” cannot become “Withdrawn”."
    assert Application.objects.get(pk=complete_draft.pk).state == S.INTERVIEWED


def test_withdrawing_with_an_interview_arranged_is_allowed_with_a_reason(world, complete_draft):
    application_submit(application=complete_draft, by=world.applicant)
    application_transition(application=complete_draft, to_state=S.REVIEW_PASSED, by=world.staff)
    application_transition(application=complete_draft, to_state=S.INTERVIEW_SCHEDULED, by=world.staff)

    application_withdraw(application=complete_draft, by=world.applicant, reason="临时有事。")

    assert Application.objects.get(pk=complete_draft.pk).state == S.WITHDRAWN


@pytest.mark.parametrize(
    "values",
    [
        {"state": S.SUBMITTED},
        {"submitted_at": None},
        {"eligibility_unmet": []},
        {"applicant": None},
        {"number": "CSEE-FAKE"},
        {"phone": "13911112222", "state": S.APPROVED},
    ],
    ids=["state", "submitted_at", "eligibility_unmet", "applicant", "number", "state-among-others"],
)
def test_a_draft_save_cannot_change_the_life_cycle_fields(world, complete_draft, values):
    with pytest.raises(ValueError, match="application_update cannot change"):
        application_update(application=complete_draft, by=world.applicant, values=values)
    stored = Application.objects.get(pk=complete_draft.pk)
    assert (stored.state, stored.phone, stored.applicant_id) == (S.DRAFT, "13800000000", world.applicant.pk)
    assert transition_events(complete_draft) == []


# Committed transactions, so the two threads see each other. No serialized_rollback: it reloads
# the content types saved when the database was created, which collide with those an earlier
# transactional test recreated after its flush (``world`` reloads the data it needs).
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL")
def test_two_simultaneous_starts_make_one_application(world):
    barrier = threading.Barrier(2)
    started: list[int | str] = []

    def start() -> None:
        try:
            barrier.wait(timeout=10)
            started.append(application_create(batch=world.batch, applicant=world.applicant).pk)
        except Exception as error:  # the test reports whatever went wrong in the thread
            started.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    only = Application.objects.get(applicant=world.applicant)
    assert started == [only.pk, only.pk]
    assert list(only.audit_events.values_list("action", flat=True)) == ["application.create"]
