"""A person asks for their data to be erased; each society holding it carries the request out
or refuses it, and the right rows go, the kept rows lose their personal data, files leave storage."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from engcert.applications.domain.application import application_submit, application_withdraw
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application, ApplicationSnapshot, Attachment, Education
from engcert.audit.domain import audit_chain_verify
from engcert.audit.models import AuditEvent
from engcert.certificates.enums import CertificateStatus
from engcert.privacy.deletion import (
    DeletionError,
    deletion_due_on,
    deletion_request_carry_out,
    deletion_request_create,
    deletion_request_refuse,
)
from engcert.privacy.models import DeletionRequest, DeletionRequestState
from engcert.registration.models import Registration
from tests.conftest import PASSWORD, World
from tests.cpd.members import member_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _stored_files(application: Application) -> list[str]:
    return [a.file.name for a in Attachment.objects.filter(application=application)]


def test_the_answer_is_due_fifteen_working_days_after_asking() -> None:
    assert deletion_due_on(asked_on=date(2026, 11, 2)) == date(2026, 11, 23)


def test_a_request_goes_to_the_society_holding_the_application(
    world: World, complete_draft: Application
) -> None:
    (made,) = deletion_request_create(person=world.applicant, note="I changed my mind")

    assert (made.society, made.state, made.note) == (
        world.society,
        DeletionRequestState.PENDING,
        "I changed my mind",
    )
    assert made.due_on == deletion_due_on(asked_on=timezone.localdate())
    assert deletion_request_create(person=world.applicant) == [made]
    assert list(
        AuditEvent.objects.filter(action="privacy.deletion_requested").values_list("actor", "subject_id")
    ) == [(world.applicant.pk, str(made.pk))]


def test_a_never_submitted_draft_is_emptied_its_files_deleted_and_the_account_closed(
    world: World, complete_draft: Application, django_capture_on_commit_callbacks: Any
) -> None:
    files = _stored_files(complete_draft)
    assert [default_storage.exists(name) for name in files] == [True]
    (request,) = deletion_request_create(person=world.applicant)

    with django_capture_on_commit_callbacks(execute=True):
        deletion_request_carry_out(request=request, by=world.staff)

    # The audit trail names the draft, so its row stays as an empty shell.
    draft = Application.objects.get(pk=complete_draft.pk)
    assert (
        draft.full_name,
        draft.id_number,
        draft.id_number_index,
        draft.phone,
        draft.email,
        draft.birth_date,
    ) == (
        "",
        "",
        "",
        "",
        "",
        None,
    )
    assert Attachment.objects.filter(application=draft).count() == 0
    assert Education.objects.filter(application=draft).count() == 0
    assert [default_storage.exists(name) for name in files] == [False]
    person = type(world.applicant).objects.get(pk=world.applicant.pk)
    assert (person.is_active, person.email, person.full_name, person.has_usable_password()) == (
        False,
        f"erased-{person.pk}@erased.invalid",
        "",
        False,
    )
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.outcome) == (
        DeletionRequestState.CARRIED_OUT,
        world.staff,
        {
            "drafts_deleted": 0,
            "drafts_emptied": 1,
            "applications_anonymised": 0,
            "registrations_anonymised": 0,
            "files_deleted": 1,
        },
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["applicant@example.com"], "[engcert] Your personal data was erased")
    ]
    assert list(
        AuditEvent.objects.filter(action__startswith="privacy.").values_list("action", flat=True)
    ) == [
        "privacy.deletion_requested",
        "privacy.deletion_carried_out",
        "privacy.account_erased",
    ]
    assert audit_chain_verify().ok


def test_an_evaluation_in_progress_is_not_erased_and_the_person_is_told_to_withdraw_first(
    world: World, complete_draft: Application
) -> None:
    application_submit(application=complete_draft, by=world.applicant)
    (request,) = deletion_request_create(person=world.applicant)

    with pytest.raises(DeletionError) as refused:
        deletion_request_carry_out(request=request, by=world.staff)

    assert str(refused.value) == (
        f"Application {complete_draft.number} is being evaluated (Submitted): withdraw it first, "
        "or wait until it is decided."
    )
    request.refresh_from_db()
    assert request.state == DeletionRequestState.PENDING
    assert Application.objects.get(pk=complete_draft.pk).full_name == "王伟"


def test_a_refused_request_changes_nothing_and_the_person_is_told_why(
    world: World, complete_draft: Application, django_capture_on_commit_callbacks: Any
) -> None:
    application_submit(application=complete_draft, by=world.applicant)
    files = _stored_files(complete_draft)
    (request,) = deletion_request_create(person=world.applicant)
    before = Application.objects.values().get(pk=complete_draft.pk)

    with django_capture_on_commit_callbacks(execute=True):
        deletion_request_refuse(
            request=request, by=world.staff, reason="Your evaluation is in progress: withdraw first."
        )

    assert Application.objects.values().get(pk=complete_draft.pk) == before
    assert [default_storage.exists(name) for name in files] == [True]
    assert type(world.applicant).objects.get(pk=world.applicant.pk).is_active is True
    request.refresh_from_db()
    assert (request.state, request.reason) == (
        DeletionRequestState.REFUSED,
        "Your evaluation is in progress: withdraw first.",
    )
    assert [(m.subject, m.body) for m in mail.outbox] == [
        (
            "[engcert] Your request to erase your personal data was refused",
            f"{world.society.name} has refused your request to erase your personal data, for this reason: "
            "Your evaluation is in progress: withdraw first.",
        )
    ]
    with pytest.raises(DeletionError):
        deletion_request_carry_out(request=request, by=world.staff)


def test_a_withdrawn_application_is_kept_without_personal_data_or_files(
    world: World, complete_draft: Application, django_capture_on_commit_callbacks: Any
) -> None:
    application_submit(application=complete_draft, by=world.applicant)
    application_withdraw(application=complete_draft, by=world.applicant, reason="Changed jobs")
    files = _stored_files(complete_draft)
    (request,) = deletion_request_create(person=world.applicant)

    with django_capture_on_commit_callbacks(execute=True):
        deletion_request_carry_out(request=request, by=world.staff)

    kept = Application.objects.get(pk=complete_draft.pk)
    assert (kept.state, kept.number, kept.full_name) == (
        ApplicationState.WITHDRAWN,
        complete_draft.number,
        f"Erased applicant {complete_draft.number}",
    )
    assert (kept.id_number, kept.id_number_index, kept.phone, kept.email, kept.address, kept.birth_date) == (
        "",
        "",
        "",
        "",
        "",
        None,
    )
    assert [default_storage.exists(name) for name in files] == [False]
    assert list(Attachment.objects.filter(application=kept).values_list("file", "original_name")) == [
        ("", "")
    ]
    personal = [
        s.data["sections"]["personal"]["values"] for s in ApplicationSnapshot.objects.filter(application=kept)
    ]
    assert personal == [{}] * len(personal)
    assert audit_chain_verify().ok


def test_a_member_with_a_valid_certificate_cannot_be_erased(world: World) -> None:
    member_create(society=world.society, holder=world.applicant, name="王伟", valid_from=timezone.localdate())
    (request,) = deletion_request_create(person=world.applicant)

    with pytest.raises(DeletionError, match="must stay verifiable while it is valid"):
        deletion_request_carry_out(request=request, by=world.staff)

    assert Registration.objects.get(holder=world.applicant).email == "applicant@example.com"


def test_a_member_whose_certificate_expired_keeps_the_name_on_the_register_but_not_the_email(
    world: World,
) -> None:
    member_create(
        society=world.society,
        holder=world.applicant,
        name="王伟",
        valid_from=timezone.localdate() - timedelta(days=6 * 366),
        status=CertificateStatus.EXPIRED,
    )
    (request,) = deletion_request_create(person=world.applicant)

    deletion_request_carry_out(request=request, by=world.staff)

    registration = Registration.objects.get(holder=world.applicant)
    assert (registration.full_name, registration.email) == ("王伟", "")
    assert registration.certificates.get().full_name == "王伟"


def test_staff_of_another_society_cannot_answer(
    world: World, complete_draft: Application, other_society_staff: object
) -> None:
    (request,) = deletion_request_create(person=world.applicant)

    with pytest.raises(DeletionError, match=r"^Only the society's staff can answer this request\.$"):
        deletion_request_carry_out(request=request, by=other_society_staff)  # type: ignore[arg-type]
    assert DeletionRequest.objects.get().state == DeletionRequestState.PENDING


# Pages


def test_a_person_without_applications_asks_confirms_the_password_and_is_signed_out(world: World) -> None:
    client = world.client_for(world.outsider)

    asked = client.post("/account/data/erase/", {"confirm": "on", "note": ""})
    done = client.post(asked["Location"], {"password": PASSWORD})

    assert (done.status_code, done["Location"]) == (302, "/")
    outsider = type(world.outsider).objects.get(pk=world.outsider.pk)
    assert outsider.is_active is False
    assert client.get("/account/data/").status_code == 302  # the session no longer signs them in


def test_asking_without_ticking_the_box_says_so_beside_it(world: World, complete_draft: Application) -> None:
    client = world.client_for(world.applicant)
    asked = client.post("/account/data/erase/", {"note": "please"})

    page = client.post(asked["Location"], {"password": PASSWORD})

    assert page.status_code == 400
    assert page.context["form"].errors == {
        "confirm": ["Tick the box to confirm that you want your data erased."]
    }
    assert DeletionRequest.objects.count() == 0


def test_the_person_can_cancel_a_pending_request(world: World, complete_draft: Application) -> None:
    (request,) = deletion_request_create(person=world.applicant)

    world.client_for(world.applicant).post(f"/account/data/erase/{request.uid}/cancel/")

    request.refresh_from_db()
    assert request.state == DeletionRequestState.CANCELLED


def test_staff_see_pending_requests_with_their_deadline_and_carry_one_out(
    world: World, complete_draft: Application
) -> None:
    (request,) = deletion_request_create(person=world.applicant)
    client = world.client_for(world.staff)

    listing = client.get(f"/staff/{world.society.code}/deletion-requests/")
    detail = client.get(f"/staff/{world.society.code}/deletion-requests/{request.uid}/")
    done = client.post(
        f"/staff/{world.society.code}/deletion-requests/{request.uid}/", {"action": "carry_out"}
    )

    assert [(r.person, r.due_on) for r in listing.context["requests"]] == [(world.applicant, request.due_on)]
    assert detail.context["blockers"] == []
    assert done.status_code == 302
    assert DeletionRequest.objects.get().state == DeletionRequestState.CARRIED_OUT


def test_staff_refusing_without_a_reason_are_told_beside_the_field(
    world: World, complete_draft: Application
) -> None:
    (request,) = deletion_request_create(person=world.applicant)

    page = world.client_for(world.staff).post(
        f"/staff/{world.society.code}/deletion-requests/{request.uid}/", {"action": "refuse", "reason": ""}
    )

    assert page.status_code == 400
    assert page.context["refuse_form"].errors == {"reason": ["Say why the request is refused."]}
    assert DeletionRequest.objects.get().state == DeletionRequestState.PENDING


@pytest.mark.parametrize("who", ["applicant", "outsider", "examiner"])
def test_only_the_society_s_staff_see_its_requests(
    world: World, complete_draft: Application, who: str
) -> None:
    (request,) = deletion_request_create(person=world.applicant)
    client = world.client_for(getattr(world, who))

    assert client.get(f"/staff/{world.society.code}/deletion-requests/").status_code == 404
    assert client.get(f"/staff/{world.society.code}/deletion-requests/{request.uid}/").status_code == 404


def test_staff_of_another_society_do_not_see_the_request(
    world: World, complete_draft: Application, other_society_staff: object
) -> None:
    (request,) = deletion_request_create(person=world.applicant)
    client = world.client_for(other_society_staff)  # type: ignore[arg-type]
    other_code = other_society_staff.memberships.get().organisation.code  # type: ignore[attr-defined]

    assert client.get(f"/staff/{other_code}/deletion-requests/").context["requests"] == []
    assert client.get(f"/staff/{other_code}/deletion-requests/{request.uid}/").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_the_staff_list_costs_the_same_queries_for_one_request_or_three(world: World, count: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from engcert.demo import builders

    for index in range(count):
        person = builders.user_create(
            email=f"erase{index}@example.com", password=PASSWORD, full_name=f"申请人{index}"
        )
        builders.application_complete_draft(
            batch=world.batch,
            applicant=person,
            person=builders.Person(f"申请人{index}", True, date(1985, 3, 14), world.unit.name),
            unit=world.unit,
            index=index,
        )
        deletion_request_create(person=person)
    client = world.client_for(world.staff)
    client.get(f"/staff/{world.society.code}/deletion-requests/")  # sessions, permissions cached alike

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/staff/{world.society.code}/deletion-requests/")

    assert len(page.context["requests"]) == count
    assert len(queries) == QUERIES_FOR_THE_STAFF_LIST


# Session, user, society, staff membership, navigation roles and the requests with their people.
QUERIES_FOR_THE_STAFF_LIST = 6


def test_the_answer_to_the_person_is_in_the_outbox_in_the_same_commit_as_the_decision(
    world: World, complete_draft: Application, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from engcert.outbox.models import OutboxMessage

    settings.EMAIL_BACKEND = "engcert.outbox.backend.OutboxBackend"
    application_submit(application=complete_draft, by=world.applicant)
    (request,) = deletion_request_create(person=world.applicant)

    # Nothing runs after the commit here: the email must already be stored with the decision.
    with django_capture_on_commit_callbacks(execute=False):
        deletion_request_refuse(request=request, by=world.staff, reason="Withdraw first.")

    assert list(
        OutboxMessage.objects.filter(subject__contains="refused").values_list("recipients", flat=True)
    ) == [[world.applicant.email]]
