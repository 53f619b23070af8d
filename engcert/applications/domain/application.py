"""Starting, editing, signing, submitting and withdrawing an application."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.domain.completeness import Problem, application_problems
from engcert.applications.domain.eligibility import application_eligibility
from engcert.applications.domain.snapshot import APPLICATION_FIELDS, application_snapshot_take
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import (
    EDITABLE_BY_APPLICANT,
    INACTIVE,
    ApplicationState,
    AttachmentKind,
)
from engcert.applications.models import (
    Application,
    ApplicationSnapshot,
    Attachment,
    Education,
    InternationalTitle,
    PledgeSignature,
    PledgeText,
)
from engcert.applications.rules import any_section_open
from engcert.applications.sections import SECTION_BY_KEY
from engcert.audit.domain import audit_event_append
from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.deadlines.domain.checks import DeadlinePassed, application_deadline_assert_open
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from engcert.privacy.crypto import blind_index
from engcert.privacy.identity_documents import normalise_document_number
from engcert.tasks_queue import task_enqueue_with_work
from engcert.uploads.domain import CheckedUpload, upload_check, upload_store, uploads_all_or_nothing
from engcert.uploads.errors import UploadNotStored, UploadRefused
from engcert.uploads.kinds import DOCUMENTS


class ApplicationError(Exception):
    """A request the rules do not allow; the message is for the person who made it."""


class SubmissionBlocked(ApplicationError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_("The application is not complete yet."))
        self.problems = problems


def application_active_get(*, batch: Batch, applicant: User) -> Application | None:
    return (
        Application.objects.filter(batch=batch, applicant=applicant).exclude(state__in=list(INACTIVE)).first()
    )


def application_create(*, batch: Batch, applicant: User, at: datetime | None = None) -> Application:
    """Start an application, or return the one this person already has in the batch."""
    if not batch.is_open(at):
        raise ApplicationError(_("This call is not open for applications."))
    existing = application_active_get(batch=batch, applicant=applicant)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                batch=batch,
                applicant=applicant,
                framework_version=batch.framework_version,
                full_name=applicant.full_name,
                email=applicant.email,
            )
            prefix = batch.society.short_name or batch.society.code
            application.number = f"{prefix}-{batch.code}-{application.pk:06d}".upper()
            application.save(update_fields=["number"])
            Membership.objects.get_or_create(user=applicant, organisation=batch.society, role=Role.APPLICANT)
            audit_event_append(
                actor=applicant,
                action="application.create",
                subject=application,
                application=application,
                to_state=ApplicationState.DRAFT,
            )
    except IntegrityError:
        # A second request raced this one; the application it made is the one to use.
        existing = application_active_get(batch=batch, applicant=applicant)
        if existing is None:
            raise
        return existing
    return application


def _section_titles(keys: Iterable[str]) -> str:
    titles = [str(SECTION_BY_KEY[key].title) for key in keys if key in SECTION_BY_KEY]
    return _(", ").join(titles)


def application_assert_editable(
    *, application: Application, by: User, sections: Collection[str] = ()
) -> None:
    """Refuse a change the applicant may not make now.

    `sections` are the sections of the form the change touches (any one of them open is enough,
    as a file may be changed from its own section or from the attachments). A draft is open
    everywhere; an application returned for revision only in the sections the review named.
    Without `sections` only the person and the state are checked.
    """
    if application.applicant_id != by.pk:
        raise ApplicationError(_("Only the applicant can change this application."))
    if application.state not in EDITABLE_BY_APPLICANT:
        raise ApplicationError(_("A submitted application can no longer be changed."))
    # A draft closes with the call (or the applicant's extension). A returned application does
    # not: the society returned it, with its reasons, during a review that follows the close.
    if application.state == ApplicationState.DRAFT:
        try:
            application_deadline_assert_open(batch=application.batch, applicant_id=application.applicant_id)
        except DeadlinePassed as error:
            raise ApplicationError(str(error)) from error
    if sections and not any_section_open(application, sections):
        raise ApplicationError(
            _(
                "“%(section)s” was not returned for revision and stays as you submitted it. "
                "The society asked for changes in: %(open)s."
            )
            % {
                "section": _section_titles(list(sections)[:1]),
                "open": _section_titles(application.revision_sections),
            }
        )


# The section of the form each of the application's own fields belongs to. The explanation of
# eligibility answers for the grade, the education and the work history together, so a return
# of any of them lets the applicant explain again.
FIELD_SECTIONS: dict[str, tuple[str, ...]] = {
    **{name: (section,) for section, names in APPLICATION_FIELDS.items() for name in names},
    "eligibility_explanation": ("application", "education", "work"),
}


def _sections_of(field_names: Iterable[str]) -> list[tuple[str, ...]]:
    return sorted({FIELD_SECTIONS.get(name, ()) for name in field_names})


# Fields that only the life-cycle functions write: a draft save must never move the state,
# the owner or the record of submission past the transition function and its audit event.
LIFE_CYCLE_FIELDS = frozenset(
    {
        "id",
        "pk",
        "uid",
        "number",
        "batch",
        "batch_id",
        "applicant",
        "applicant_id",
        "framework_version",
        "framework_version_id",
        "state",
        "revision_sections",
        "assessment_path",
        "eligibility_unmet",
        "created_at",
        "updated_at",
        "submitted_at",
        "state_changed_at",
        "id_number_index",
    }
)


def application_update(*, application: Application, by: User, values: dict[str, Any]) -> Application:
    """Save some of the application's own fields as a draft; nothing is required yet."""
    application_assert_editable(application=application, by=by)
    for sections in _sections_of(values):
        application_assert_editable(application=application, by=by, sections=sections)
    protected = sorted(LIFE_CYCLE_FIELDS.intersection(values))
    if protected:
        raise ValueError(f"application_update cannot change {', '.join(protected)}")
    fields = list(values)
    for name, value in values.items():
        setattr(application, name, value)
    if "id_number" in values or "id_type" in values:
        number = normalise_document_number(application.id_type, application.id_number or "")
        application.id_number = number
        application.id_number_index = blind_index(number) if number else ""
        fields += ["id_number", "id_number_index"]
    application.save(update_fields=sorted({*fields, "updated_at"}))
    return application


def pledge_current(*, application: Application) -> PledgeText | None:
    society_pledge = PledgeText.objects.filter(
        society=application.batch.society, effective_from__lte=timezone.now()
    ).first()
    return (
        society_pledge
        or PledgeText.objects.filter(society__isnull=True, effective_from__lte=timezone.now()).first()
    )


def _normalised_name(name: str) -> str:
    return "".join(name.split()).casefold()


def application_pledge_sign(
    *,
    application: Application,
    by: User,
    typed_name: str,
    consents: bool,
    ip_address: str | None,
    user_agent: str = "",
) -> PledgeSignature:
    application_assert_editable(application=application, by=by, sections=("pledge",))
    pledge = pledge_current(application=application)
    if pledge is None:
        raise ApplicationError(_("No integrity pledge is in force; please contact the society."))
    if not application.full_name:
        raise ApplicationError(_("Fill in your full name under personal data first."))
    if _normalised_name(typed_name) != _normalised_name(application.full_name):
        raise ApplicationError(_("Type your full name exactly as in your personal data."))
    if not consents:
        raise ApplicationError(
            _("The society and the alliance can only evaluate you with your consent to verification.")
        )
    with transaction.atomic():
        PledgeSignature.objects.filter(application=application).delete()
        signature = PledgeSignature.objects.create(
            application=application,
            pledge=pledge,
            typed_name=typed_name.strip(),
            consents_to_verification=True,
            signed_at=timezone.now(),
            ip_address=ip_address,
            user_agent=user_agent[:300],
        )
        audit_event_append(
            actor=by,
            action="application.pledge_signed",
            subject=application,
            application=application,
            data={"pledge_version": pledge.version, "ip": ip_address},
        )
    return signature


def application_submit(*, application: Application, by: User, at: datetime | None = None) -> Application:
    """Submit (or resubmit) exactly once; a repeated request returns the submitted application."""
    at = at or timezone.now()
    with transaction.atomic():
        # Lock only the application row: PostgreSQL refuses FOR UPDATE on the nullable side of
        # the outer join that the optional grade brings in.
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related(
                "batch",
                "grade",
                "discipline__parent",
                "unit",
                "framework_version",
                "pledge_signature__pledge",
            )
            # The number the snapshot of this submission will take, read with the lock.
            .annotate(
                last_snapshot=Subquery(
                    ApplicationSnapshot.objects.filter(application=OuterRef("pk"))
                    .order_by("-sequence")
                    .values("sequence")[:1]
                )
            )
            .get(pk=application.pk)
        )
        if locked.applicant_id != by.pk:
            raise ApplicationError(_("Only the applicant can submit this application."))
        # Everything the checks read, in one query per relation.
        prefetch_related_objects(
            [locked],
            "education",
            "work_entries",
            "projects",
            "statements__projects",
            "international_titles",
            "framework_version__areas",
            # What the snapshot reads besides.
            "achievements",
            "cpd_records",
            "attachments",
        )
        target = {
            ApplicationState.DRAFT: ApplicationState.SUBMITTED,
            ApplicationState.RETURNED: ApplicationState.RESUBMITTED,
        }.get(ApplicationState(locked.state))
        if target is None:
            if locked.state in (ApplicationState.SUBMITTED, ApplicationState.RESUBMITTED):
                return locked
            raise ApplicationError(_("This application cannot be submitted in its present state."))
        if target == ApplicationState.SUBMITTED and at < locked.batch.opens_at:
            raise ApplicationError(
                _("The call opens at %(time)s; submissions are accepted from then on.")
                % {"time": timezone.localtime(locked.batch.opens_at).strftime("%Y-%m-%d %H:%M")}
            )
        if target == ApplicationState.SUBMITTED:
            try:
                application_deadline_assert_open(
                    batch=locked.batch, applicant_id=locked.applicant_id, at=at, action="submit"
                )
            except DeadlinePassed as error:
                raise ApplicationError(str(error)) from error
            if locked.batch.status != BatchStatus.PUBLISHED:
                raise ApplicationError(_("This call is not open for submissions."))
        problems = application_problems(application=locked)
        eligibility = application_eligibility(application=locked)
        if not eligibility.met and not locked.eligibility_explanation.strip():
            problems.append(
                Problem(
                    "review",
                    "eligibility_explanation",
                    _(
                        "Your record does not appear to meet the grade's requirements; explain why you apply anyway."
                    ),
                )
            )
        if problems:
            raise SubmissionBlocked(problems)
        # A resubmission closes the revision: nothing stays open for editing.
        updates: dict[str, Any] = {"submitted_at": at, "eligibility_unmet": eligibility.unmet}
        if locked.revision_sections:
            updates["revision_sections"] = []
        try:
            application_transition(
                application=locked,
                to_state=target,
                by=by,
                data={"eligibility_unmet": eligibility.unmet},
                extra_updates=updates,
            )
        except TransitionError as error:
            raise ApplicationError(str(error)) from error
        application_snapshot_take(
            application=locked,
            by=by,
            state=target,
            sequence=(getattr(locked, "last_snapshot", None) or 0) + 1,
        )
        _after_submit(locked.pk)
    return locked


def _after_submit(application_id: int) -> None:
    from engcert.applications.tasks import application_after_submit

    task_enqueue_with_work(application_after_submit, application_id=application_id)


def application_withdraw(*, application: Application, by: User, reason: str) -> Application:
    try:
        result = application_transition(
            application=application, to_state=ApplicationState.WITHDRAWN, by=by, reason=reason
        )
    except TransitionError as error:
        raise ApplicationError(str(error)) from error
    return result.application


class AttachmentNotStored(ApplicationError):
    """The server could not store the file (a full disk); nothing of the upload was kept."""


def _total_limit_error(total_limit: int) -> ApplicationError:
    return ApplicationError(
        _("The attachments of one application may add up to %(limit)s MB; remove a file first.")
        % {"limit": total_limit // 1048576}
    )


def attachment_upload(
    *,
    application: Application,
    by: User,
    uploaded: UploadedFile | CheckedUpload,
    kind: AttachmentKind,
    description: str = "",
    section: str = "attachments",
) -> Attachment:
    """Store a file; `section` is the section of the form it is uploaded from. The file is
    checked by its content (engcert.uploads) and stored with its row or not at all."""
    application_assert_editable(application=application, by=by, sections=("attachments", section))
    try:
        checked = upload_check(uploaded=uploaded, kinds=DOCUMENTS)
    except UploadRefused as refusal:
        raise ApplicationError(str(refusal)) from refusal
    used = application.attachments.aggregate(total=Sum("size"))["total"] or 0
    total_limit = settings.ENGCERT_MAX_APPLICATION_UPLOAD_BYTES
    if used + checked.size > total_limit:
        raise _total_limit_error(total_limit)
    original_name = checked.original_name or "file"
    try:
        with uploads_all_or_nothing(), transaction.atomic():
            # Two uploads at once must not pass the total together: count again under the row lock.
            list(Application.objects.select_for_update().filter(pk=application.pk).values_list("pk"))
            used = application.attachments.aggregate(total=Sum("size"))["total"] or 0
            if used + checked.size > total_limit:
                raise _total_limit_error(total_limit)
            attachment = Attachment(
                application=application,
                kind=kind,
                original_name=original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                description=description[:200],
                uploaded_by=by,
            )
            # The stored name is random: the original name is kept for display only.
            upload_store(file=attachment.file, stem=attachment.uid.hex, checked=checked)
            attachment.save()
    except UploadNotStored as failure:
        raise AttachmentNotStored(str(failure)) from failure
    return attachment


def _sections_owning(attachment: Attachment) -> tuple[str, ...]:
    """The sections a file is used in besides the attachments: a degree certificate, a title's evidence."""
    owners = []
    if Education.objects.filter(certificate=attachment).exists():
        owners.append("education")
    if InternationalTitle.objects.filter(evidence=attachment).exists():
        owners.append("international")
    return tuple(owners)


def attachment_delete(*, attachment: Attachment, by: User) -> None:
    application = attachment.application
    owners = _sections_owning(attachment) if application.state == ApplicationState.RETURNED else ()
    application_assert_editable(application=application, by=by, sections=("attachments", *owners))
    storage_name = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(storage_name))
