"""A person's request to erase their personal data, and each society's answer.

What carrying out a request does, society by society (the README and the person's page say
the same):

* Applications never submitted (drafts): their sections and files are deleted. The row itself
  is deleted too, unless the audit trail names it (its events are hash-chained and must be kept,
  and they point at the row): then only an empty shell remains, with no personal data.
* Submitted or decided applications are evaluation records the programme must keep: they stay,
  anonymised. Contact details, birth date, nationality, address and the identity-document number
  (encrypted value emptied, blind index removed) are cleared; the name is replaced by the
  application number unless the application led to a registration, whose expired or revoked
  certificate must still verify as such under the name it was issued to.
* Every file the person uploaded (application documents, CPD evidence, appeal evidence) is
  deleted from storage; the record of it (name, size, checksum) stays with the kept record.
* A registered member holding a valid certificate of the society cannot be erased: the
  certificate and the public register must stay verifiable while it is valid. The society
  refuses, naming the reason, and the member may ask again once it has expired or ended.
* An evaluation in progress cannot be erased either: the person is asked to withdraw first.
* The audit trail is kept as it is (it is hash-chained, and the law requires the record).

When every society has carried out its part the account is deactivated: its email becomes an
unusable placeholder, the name is cleared, the password unusable, its email addresses and
authenticators deleted. The person is emailed each outcome, at the address they had.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application, ApplicationSnapshot, Attachment
from engcert.audit.domain import audit_event_append
from engcert.audit.models import AuditEvent
from engcert.organisations.models import Organisation
from engcert.privacy.models import DeletionRequest, DeletionRequestState

# PIPL article 50 asks for a prompt answer; societies commonly commit to 15 working days.
ANSWER_WORKING_DAYS = 15

S = ApplicationState
# States in which an evaluation has ended one way or another: its record may be anonymised.
ENDED = frozenset({S.REJECTED, S.NOT_APPROVED, S.WITHDRAWN, S.REGISTERED, S.CERTIFICATE_ISSUED})
PERSONAL_FIELDS_CLEARED = {
    "full_name_en": "",
    "gender": "",
    "birth_date": None,
    "nationality": "",
    "id_number": "",
    "id_number_index": "",
    "phone": "",
    "email": "",
    "address": "",
    "department_position": "",
}


class DeletionError(Exception):
    """The request cannot be carried out as asked; the message says why, for the person."""


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str


def deletion_due_on(*, asked_on: date) -> date:
    """ANSWER_WORKING_DAYS working days after the day of asking, by the holiday calendar."""
    from engcert.notices.domain.calendar import calendar_overrides, working_days_add

    overrides = calendar_overrides(start=asked_on, end=asked_on + timedelta(days=60))
    return working_days_add(asked_on, ANSWER_WORKING_DAYS, overrides)


def societies_holding_data_of(*, person: User) -> list[Organisation]:
    """Societies whose batches hold the person's applications or whose register holds them."""
    ids = set(Application.objects.filter(applicant=person).values_list("batch__society_id", flat=True))
    from engcert.registration.models import Registration

    ids |= set(Registration.objects.filter(holder=person).values_list("society_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def deletion_request_list_for_person(*, person: User) -> QuerySet[DeletionRequest]:
    return (
        DeletionRequest.objects.filter(person=person)
        .select_related("society")
        .order_by("-requested_at", "pk")
    )


def deletion_request_list_for_society(*, society: Organisation) -> QuerySet[DeletionRequest]:
    return (
        DeletionRequest.objects.filter(society=society)
        .select_related("person", "decided_by")
        .order_by(
            models.Case(models.When(state=DeletionRequestState.PENDING, then=0), default=1),
            "due_on",
            "-requested_at",
            "pk",
        )
    )


def deletion_request_create(*, person: User, note: str = "") -> list[DeletionRequest]:
    """Ask every society holding the person's data to erase it. With no society involved the
    account is erased at once. Asking again while requests are pending changes nothing."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=person.pk)
        pending = list(DeletionRequest.objects.filter(person=person, state=DeletionRequestState.PENDING))
        if pending:
            return pending
        today = timezone.localdate()
        societies: list[Organisation | None] = list(societies_holding_data_of(person=person)) or [None]
        made = []
        for society in societies:
            request = DeletionRequest.objects.create(
                person=person,
                society=society,
                note=note.strip(),
                due_on=deletion_due_on(asked_on=today),
            )
            audit_event_append(
                actor=person,
                action="privacy.deletion_requested",
                subject=request,
                to_state=DeletionRequestState.PENDING,
                reason=note.strip()[:500],
                data={"society": society.code if society else None},
            )
            made.append(request)
        if societies == [None]:
            deletion_request_carry_out(request=made[0], by=person)
            made[0].refresh_from_db()
        return made


def deletion_request_cancel(*, request: DeletionRequest, by: User) -> DeletionRequest:
    with transaction.atomic():
        locked = DeletionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != DeletionRequestState.PENDING:
            raise DeletionError(_("This request has already been answered."))
        if by.pk != locked.person_id:
            raise DeletionError(_("Only the person who asked can cancel the request."))
        _decide(locked, DeletionRequestState.CANCELLED, by=by, reason="")
    return locked


def deletion_blockers(*, request: DeletionRequest) -> list[Blocker]:
    """What stops the society from carrying the request out now."""
    blockers = []
    in_progress = (
        _applications(request).exclude(state__in=ENDED).exclude(state=S.DRAFT, submitted_at__isnull=True)
    )
    for application in in_progress.order_by("pk"):
        blockers.append(
            Blocker(
                "evaluation_in_progress",
                _(
                    "Application %(number)s is being evaluated (%(state)s): withdraw it first, or wait "
                    "until it is decided."
                )
                % {"number": application.number or application.uid, "state": application.get_state_display()},
            )
        )
    from engcert.certificates.enums import CertificateStatus
    from engcert.certificates.models import Certificate

    valid = Certificate.objects.filter(
        _registration_q(request, prefix="registration__"),
        status=CertificateStatus.VALID,
        valid_until__gte=timezone.localdate(),
    )
    for certificate in valid.order_by("pk"):
        blockers.append(
            Blocker(
                "valid_certificate",
                _(
                    "Certificate %(number)s is valid until %(until)s: the certificate and the register "
                    "entry must stay verifiable while it is valid."
                )
                % {"number": certificate.number, "until": certificate.valid_until.isoformat()},
            )
        )
    return blockers


def deletion_request_refuse(*, request: DeletionRequest, by: User, reason: str) -> DeletionRequest:
    """The society declines, saying why; nothing else changes. The person is emailed."""
    if not reason.strip():
        raise DeletionError(_("Say why the request is refused."))
    with transaction.atomic():
        locked = _pending_locked(request, by)
        _decide(locked, DeletionRequestState.REFUSED, by=by, reason=reason.strip())
        _notify(locked)
    return locked


def deletion_request_carry_out(*, request: DeletionRequest, by: User) -> DeletionRequest:
    """Erase what the society holds about the person, keeping anonymised what it must keep.

    Files are deleted from storage only once the transaction has committed."""
    with transaction.atomic():
        locked = _pending_locked(request, by)
        blockers = deletion_blockers(request=locked)
        if blockers:
            raise DeletionError(" ".join(blocker.message for blocker in blockers))
        files: list[tuple[Any, str]] = []
        outcome: dict[str, int] = {"drafts_deleted": 0, "drafts_emptied": 0, "applications_anonymised": 0}
        for application in _applications(locked).select_for_update().order_by("pk"):
            if application.submitted_at is None and application.state == S.DRAFT:
                files += _attachment_files(application)
                if AuditEvent.objects.filter(application=application).exists():
                    _draft_empty(application)
                    outcome["drafts_emptied"] += 1
                else:
                    application.delete()
                    outcome["drafts_deleted"] += 1
            else:
                files += _attachment_files(application)
                _application_anonymise(application)
                outcome["applications_anonymised"] += 1
        outcome["registrations_anonymised"], more_files = _registrations_anonymise(locked)
        files += more_files
        outcome["files_deleted"] = len(files)
        locked.outcome = outcome
        locked.save(update_fields=["outcome"])
        _decide(locked, DeletionRequestState.CARRIED_OUT, by=by, reason="", data=outcome)
        address = locked.person.email
        erase_account = (
            not DeletionRequest.objects.filter(person_id=locked.person_id)
            .exclude(state__in=(DeletionRequestState.CARRIED_OUT, DeletionRequestState.CANCELLED))
            .exists()
        )
        _notify(locked, address=address)
        if erase_account:
            account_erase(person=locked.person, by=by)

        def delete_files() -> None:
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(delete_files)
    return locked


def account_erase(*, person: User, by: User) -> None:
    """Deactivate the account and strip what identifies the person. Call inside a transaction."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from engcert.organisations.models import Membership

    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    Membership.objects.filter(user=person).update(is_active=False)
    person.email = f"erased-{person.pk}@erased.invalid"
    person.full_name = ""
    person.is_active = False
    person.set_unusable_password()
    person.save(update_fields=["email", "full_name", "is_active", "password"])
    audit_event_append(
        actor=by if by.pk != person.pk else None, action="privacy.account_erased", subject=person
    )


def _pending_locked(request: DeletionRequest, by: User) -> DeletionRequest:
    locked = (
        DeletionRequest.objects.select_for_update(of=("self",))
        .select_related("person", "society")
        .get(pk=request.pk)
    )
    if locked.state != DeletionRequestState.PENDING:
        raise DeletionError(_("This request has already been answered."))
    if locked.society is not None and not by.has_perm("batches.manage_batches", locked.society):
        raise DeletionError(_("Only the society's staff can answer this request."))
    if locked.society is None and by.pk != locked.person_id:
        raise DeletionError(_("Only the society's staff can answer this request."))
    return locked


def _decide(
    request: DeletionRequest, state: str, *, by: User, reason: str, data: dict[str, Any] | None = None
) -> None:
    previous = request.state
    request.state = state
    request.decided_at = timezone.now()
    request.decided_by = by
    request.reason = reason
    request.save(update_fields=["state", "decided_at", "decided_by", "reason"])
    audit_event_append(
        actor=by,
        action=f"privacy.deletion_{state}",
        subject=request,
        from_state=previous,
        to_state=state,
        reason=reason[:500],
        data=data or {},
    )


def _applications(request: DeletionRequest) -> QuerySet[Application]:
    queryset = Application.objects.filter(applicant_id=request.person_id)
    if request.society_id is not None:
        queryset = queryset.filter(batch__society_id=request.society_id)
    return queryset


def _registration_q(request: DeletionRequest, *, prefix: str = "") -> Q:
    mine = Q(**{f"{prefix}holder_id": request.person_id}) | Q(
        **{f"{prefix}application__applicant_id": request.person_id}
    )
    if request.society_id is not None:
        mine &= Q(**{f"{prefix}society_id": request.society_id})
    return mine


def _attachment_files(application: Application) -> list[tuple[Any, str]]:
    found = []
    for attachment in Attachment.objects.filter(application=application).exclude(file=""):
        found.append((attachment.file.storage, attachment.file.name))
    Attachment.objects.filter(application=application).update(file="")
    return found


def _draft_empty(application: Application) -> None:
    """A never-submitted draft the audit trail names: delete everything in it but the row."""
    for related in application._meta.related_objects:
        model = related.related_model
        if related.on_delete is models.CASCADE and isinstance(model, type) and model is not AuditEvent:
            model._default_manager.filter(**{related.field.name: application}).delete()
    Application.objects.filter(pk=application.pk).update(
        full_name="", eligibility_explanation="", employer="", **PERSONAL_FIELDS_CLEARED
    )


def _application_anonymise(application: Application) -> None:
    from engcert.registration.models import Registration

    values: dict[str, Any] = dict(PERSONAL_FIELDS_CLEARED)
    if not Registration.objects.filter(application=application).exists():
        values["full_name"] = _("Erased applicant %(number)s") % {
            "number": application.number or application.pk
        }
    Application.objects.filter(pk=application.pk).update(**values)
    # Kept versions of the application carry the same personal section: clear it there too.
    for snapshot in ApplicationSnapshot.objects.filter(application=application):
        data = snapshot.data
        personal = data.get("sections", {}).get("personal") if isinstance(data, dict) else None
        if isinstance(personal, dict):
            personal["values"] = {}
            ApplicationSnapshot.objects.filter(pk=snapshot.pk).update(data=data)
    from engcert.similarity.models import IndexedText

    IndexedText.objects.filter(application=application).delete()
    Attachment.objects.filter(application=application).update(original_name="")


def _registrations_anonymise(request: DeletionRequest) -> tuple[int, list[tuple[Any, str]]]:
    from engcert.appeals.models import AppealEvidence
    from engcert.cpd.models import CpdActivity
    from engcert.registration.models import Registration
    from engcert.renewals.models import Renewal

    registrations = Registration.objects.filter(_registration_q(request))
    files: list[tuple[Any, str]] = []
    for activity in CpdActivity.objects.filter(registration__in=registrations).exclude(evidence=""):
        files.append((activity.evidence.storage, activity.evidence.name))
    CpdActivity.objects.filter(registration__in=registrations).update(evidence="", evidence_name="")
    Renewal.objects.filter(registration__in=registrations).update(phone="", email="")
    evidence = AppealEvidence.objects.filter(appeal__application__in=_applications(request)).exclude(file="")
    for item in evidence:
        files.append((item.file.storage, item.file.name))
    evidence.update(file="", original_name="")
    count = registrations.update(email="")
    return count, files


def _notify(request: DeletionRequest, *, address: str | None = None) -> None:
    address = address or request.person.email
    language = request.person.language
    society = request.society.name if request.society else "engcert"
    with translation.override(language):
        if request.state == DeletionRequestState.CARRIED_OUT:
            subject = _("Your personal data was erased")
            body = _(
                "%(society)s has carried out your request to erase your personal data. Records the "
                "programme must keep were kept without your contact details, birth date or identity "
                "document; your uploaded files were deleted."
            ) % {"society": society}
        else:
            subject = _("Your request to erase your personal data was refused")
            body = _(
                "%(society)s has refused your request to erase your personal data, for this reason: %(reason)s"
            ) % {
                "society": society,
                "reason": request.reason,
            }
    # Sent inside the transaction: the outbox (the default email backend) keeps the message in
    # the same commit as the decision, so neither is ever saved without the other.
    send_mail(f"[engcert] {subject}", body, None, [address])
