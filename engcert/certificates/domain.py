"""Issuing certificates, one member at a time or a batch in a background run, and the
society's certificate policy.

Issuing happens in three steps, so that a crash at any moment leaves something the next attempt
finishes rather than repeats:

1. In one transaction (the society's policy row locked, so numbers and status-list positions
   are handed out one after the other): the certificate row, with its number, validity, the
   name, grade and field as they will be printed, and the signed QR payload. From now on the
   (registration, term) pair has its certificate: a second attempt finds it.
2. Outside any transaction (it takes a while): the PDF is rendered, signed and stored through
   Django's storage under a name fixed by the certificate number, replacing what a crashed
   attempt may have left there.
3. In one transaction, the row locked: `issued_at` and the PDF are recorded, the application
   becomes "certificate issued", an audit event is appended and the member is emailed after
   commit. A certificate already issued (another worker finished first) is left as it is.
"""

from __future__ import annotations

import calendar
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.applications.pdf import MissingGlyphError
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.certificates.enums import CertificateSource, CertificateStatus, IssuanceStatus
from engcert.certificates.keys import SigningMaterialError, signing_material_for
from engcert.certificates.models import Certificate, CertificatePolicy, IssuanceRun
from engcert.certificates.numbering import (
    NumberFormatError,
    NumberParts,
    number_format_problems,
    number_render,
)
from engcert.certificates.payload import certificate_claims, payload_sign
from engcert.certificates.pdf import certificate_pdf, certificate_texts, glyph_problems
from engcert.certificates.signing import pdf_sign
from engcert.jobs import job_is_stale, job_task_enqueue
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration
from engcert.tasks_queue import task_enqueue_with_work
from engcert.uploads.domain import CheckedUpload, upload_check, upload_store, uploads_all_or_nothing
from engcert.uploads.errors import UploadNotStored, UploadRefused
from engcert.uploads.kinds import IMAGES

logger = logging.getLogger(__name__)

# A new random part is drawn this many times before a number is given up on; with at least
# 32**8 possibilities per format and year, a second draw is already rare.
NUMBER_ATTEMPTS = 8
# A running issuance whose last sign of life is older than this may be resumed by staff.
PDF_FOLDER = "certificates/pdf"


class CertificateError(Exception):
    """Issuing is not possible now; the message is for people (staff read it in the run)."""


# --- Policy --------------------------------------------------------------------------------


def certificate_policy_get(society: Organisation) -> CertificatePolicy:
    """The society's policy; made with the defaults (the head from the society's record) when missing."""
    policy, _created = CertificatePolicy.objects.get_or_create(
        society=society,
        defaults={"head_name": society.head_name, "head_title": society.head_title},
    )
    return policy


@dataclass(frozen=True)
class PolicyValues:
    number_format: str
    validity_years: int
    head_name: str
    head_name_en: str
    head_title: str
    head_title_en: str
    renewal_opens_months: int
    reminder_days: str


POLICY_FIELDS = (
    "number_format",
    "validity_years",
    "head_name",
    "head_name_en",
    "head_title",
    "head_title_en",
    "renewal_opens_months",
    "reminder_days",
)


SIGNATURE_MAX_BYTES = 1024 * 1024


def _signature_store(policy: CertificatePolicy, uploaded: UploadedFile | CheckedUpload) -> None:
    """The head's signature, checked and drawn again (engcert.uploads), under a fresh name."""
    try:
        checked = upload_check(uploaded=uploaded, kinds=IMAGES, max_bytes=SIGNATURE_MAX_BYTES)
        upload_store(file=policy.signature_image, stem=f"signature-{secrets.token_hex(8)}", checked=checked)
    except (UploadRefused, UploadNotStored) as problem:
        raise CertificateError(str(problem)) from problem


def certificate_policy_update(
    *,
    society: Organisation,
    values: PolicyValues,
    by: User,
    signature_image: UploadedFile | CheckedUpload | None = None,
    remove_signature: bool = False,
) -> CertificatePolicy:
    """Change how the society's certificates are numbered, how long they are valid and who signs
    them; certificates already issued keep what they say."""
    if not by.has_perm("certificates.manage_certificates", society):
        raise CertificateError(_("Only the society's staff may change its certificate policy."))
    problems = number_format_problems(values.number_format)
    if problems:
        raise NumberFormatError(problems)
    with uploads_all_or_nothing(), transaction.atomic():
        policy = CertificatePolicy.objects.select_for_update().get(pk=certificate_policy_get(society).pk)
        before = {name: getattr(policy, name) for name in POLICY_FIELDS}
        before["signature_image"] = policy.signature_image.name
        for name in POLICY_FIELDS:
            value = getattr(values, name)
            setattr(policy, name, value.strip() if isinstance(value, str) else value)
        old_signature = policy.signature_image.name
        if signature_image:
            _signature_store(policy, signature_image)
        elif remove_signature:
            policy.signature_image = None  # type: ignore[assignment]
        after = {name: getattr(policy, name) for name in POLICY_FIELDS}
        after["signature_image"] = policy.signature_image.name or ""
        before["signature_image"] = before["signature_image"] or ""
        if after == before:
            return policy
        policy.updated_by = by
        policy.save()
        audit_event_append(
            actor=by,
            action="certificates.policy_changed",
            subject=policy,
            data={
                "society": society.code,
                "changed": {
                    name: [before[name], after[name]] for name in after if before[name] != after[name]
                },
            },
        )
        if old_signature and old_signature != policy.signature_image.name:
            storage = policy.signature_image.storage
            transaction.on_commit(lambda: storage.delete(old_signature))
    return policy


# --- One certificate -----------------------------------------------------------------------


def add_years(start: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    year = start.year + years
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return start.replace(year=year, day=day)


def validity_end(*, valid_from: date, years: int) -> date:
    """A certificate valid from 2026-03-01 for 5 years is valid until 2031-02-28 inclusive."""
    return add_years(valid_from, years) - timedelta(days=1)


def _require_issuer(*, society: Organisation, by: User | None) -> None:
    # None is the system (the task started by the alliance's registration).
    if by is not None and not by.has_perm("certificates.manage_certificates", society):
        raise CertificateError(_("Only the society's staff may issue its certificates."))


def _new_number(*, policy: CertificatePolicy, registration: Registration, year: int) -> str:
    parts = NumberParts(society=registration.society.code, year=year, grade=registration.grade.code)
    for _attempt in range(NUMBER_ATTEMPTS):
        number = number_render(policy.number_format, parts)
        if not Certificate.objects.filter(number=number).exists():
            return number
    raise CertificateError(
        _("No free certificate number was found with the format %(format)s; please lengthen its random part.")
        % {"format": policy.number_format}
    )


def _create_row(
    *, registration: Registration, term: int, valid_from: date, run: IssuanceRun | None
) -> Certificate:
    """Step 1: the row, numbered, with its frozen texts and QR payload (see the module's notes)."""
    society = registration.society
    with transaction.atomic():
        # The policy row is the society's issuing lock: numbers and status indexes in turn.
        policy = CertificatePolicy.objects.select_for_update().get(pk=certificate_policy_get(society).pk)
        existing = Certificate.objects.filter(registration=registration, term=term).first()
        if existing is not None:
            return existing
        problems = number_format_problems(policy.number_format)
        if problems:
            raise CertificateError(
                _("The society's certificate number format cannot be used: %(problems)s")
                % {"problems": " ".join(problems)}
            )
        certificate = Certificate(
            society=society,
            registration=registration,
            term=term,
            full_name=registration.full_name,
            full_name_en=registration.full_name_en,
            grade=registration.grade,
            discipline=registration.discipline,
            valid_from=valid_from,
            valid_until=validity_end(valid_from=valid_from, years=policy.validity_years),
            status=CertificateStatus.VALID,
            source=CertificateSource.ISSUED,
            run=run,
        )
        if not certificate.full_name.strip():
            raise CertificateError(
                _("Member %(number)s has no name on record; a certificate cannot be issued without one.")
                % {"number": registration.member_number}
            )
        certificate.number = _new_number(policy=policy, registration=registration, year=valid_from.year)
        # Check every character before anything is numbered for good.
        glyphs = glyph_problems(certificate_texts(certificate=certificate, policy=policy))
        if glyphs:
            raise CertificateError(str(MissingGlyphError(glyphs)))
        top = Certificate.objects.filter(society=society).aggregate(top=Max("status_index"))["top"]
        certificate.status_index = 0 if top is None else top + 1
        material = signing_material_for(society.code, society.name)
        certificate.key_id = material.key_id
        certificate.qr_token = payload_sign(claims=certificate_claims(certificate), material=material)
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            # Another process issued this term a moment ago (the unique constraint caught it).
            found = Certificate.objects.filter(registration=registration, term=term).first()
            if found is None:
                raise
            return found
    return certificate


def _pdf_name(certificate: Certificate) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in certificate.number)
    return f"{PDF_FOLDER}/{certificate.valid_from.year}/{safe}.pdf"


def _render_and_store(certificate: Certificate) -> str:
    """Step 2: the signed PDF in storage; returns its name."""
    policy = certificate_policy_get(certificate.society)
    try:
        unsigned = certificate_pdf(certificate=certificate, policy=policy)
    except MissingGlyphError as error:
        raise CertificateError(str(error)) from error
    material = signing_material_for(certificate.society.code, certificate.society.name)
    signed = pdf_sign(
        pdf=unsigned,
        material=material,
        society_name=certificate.society.name,
        reason=f"工程会员证书 Certificate {certificate.number}",
    )
    storage = certificate.pdf.storage
    name = _pdf_name(certificate)
    # What an interrupted attempt left under this name was never recorded as issued.
    if storage.exists(name):
        storage.delete(name)
    stored: str = storage.save(name, ContentFile(signed))
    return stored


def _finish(*, certificate: Certificate, pdf_name: str, by: User | None) -> Certificate:
    """Step 3: record the certificate as issued, move the application, audit, tell the member."""
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.issued_at is not None:
            if locked.pdf.name != pdf_name:
                transaction.on_commit(lambda: locked.pdf.storage.delete(pdf_name))
            return locked
        locked.pdf.name = pdf_name
        locked.issued_at = timezone.now()
        locked.save(update_fields=["pdf", "issued_at"])
        application_id = certificate.registration.application_id
        application = (
            Application.objects.filter(pk=application_id).select_related("batch").first()
            if application_id is not None
            else None
        )
        if application is not None and application.state == ApplicationState.REGISTERED:
            try:
                application_transition(
                    application=application,
                    to_state=ApplicationState.CERTIFICATE_ISSUED,
                    by=by,
                    expected_state=ApplicationState.REGISTERED,
                    data={"certificate": locked.number},
                )
            except TransitionError as error:
                raise CertificateError(str(error)) from error
        audit_event_append(
            actor=by,
            action="certificates.issued",
            subject=locked,
            application=application,
            data={
                "number": locked.number,
                "member_number": certificate.registration.member_number,
                "term": locked.term,
                "valid_from": locked.valid_from.isoformat(),
                "valid_until": locked.valid_until.isoformat(),
                "key_id": locked.key_id,
                "run": locked.run_id,
            },
        )
        certificate_id = locked.pk
        _notify_ready(certificate_id)
    return locked


def _notify_ready(certificate_id: int) -> None:
    from engcert.certificates.tasks import certificate_notify_ready

    task_enqueue_with_work(certificate_notify_ready, certificate_id=certificate_id)


def _issue_term(
    *, registration: Registration, term: int, by: User | None, valid_from: date, run: IssuanceRun | None
) -> Certificate:
    _require_issuer(society=registration.society, by=by)
    certificate = _create_row(registration=registration, term=term, valid_from=valid_from, run=run)
    if certificate.issued_at is not None:
        return certificate
    certificate = Certificate.objects.select_related(
        "society", "registration", "grade", "discipline__parent"
    ).get(pk=certificate.pk)
    try:
        pdf_name = _render_and_store(certificate)
    except SigningMaterialError as error:
        raise CertificateError(str(error)) from error
    return _finish(certificate=certificate, pdf_name=pdf_name, by=by)


def certificate_issue(
    *,
    registration: Registration,
    by: User | None,
    valid_from: date | None = None,
    run: IssuanceRun | None = None,
) -> Certificate:
    """The member's first certificate, issued (or finished, after an interrupted attempt) once:
    calling again returns the same certificate. ``by`` None is the system."""
    existing = Certificate.objects.filter(registration=registration, term=1).first()
    if existing is not None and existing.issued_at is not None:
        return existing
    start = (
        existing.valid_from
        if existing is not None
        else valid_from or timezone.localdate(registration.registered_at)
    )
    return _issue_term(registration=registration, term=1, by=by, valid_from=start, run=run)


def certificate_issue_next_term(
    *, registration: Registration, by: User | None, valid_from: date
) -> Certificate:
    """The certificate of the registration's next term (re-registration). Issued once per
    re-registration: while the latest certificate is unfinished it is finished, and a call with
    the valid-from date of the latest certificate returns that certificate."""
    latest = Certificate.objects.filter(registration=registration).order_by("-term").first()
    if latest is None:
        return certificate_issue(registration=registration, by=by, valid_from=valid_from)
    if latest.issued_at is None:
        return _issue_term(
            registration=registration, term=latest.term, by=by, valid_from=latest.valid_from, run=None
        )
    if latest.valid_from == valid_from:
        return latest
    return _issue_term(
        registration=registration, term=latest.term + 1, by=by, valid_from=valid_from, run=None
    )


# --- Issuing a batch -----------------------------------------------------------------------


def registrations_waiting(*, batch: Batch) -> QuerySet[Registration]:
    """The batch's registered members whose application is registered and who have no issued
    certificate yet (a certificate row left unfinished by a crash counts as not issued)."""
    issued = Certificate.objects.filter(registration=OuterRef("pk"), issued_at__isnull=False)
    return (
        Registration.objects.filter(
            application__batch=batch, application__state=ApplicationState.REGISTERED, society=batch.society
        )
        .exclude(Exists(issued))
        .order_by("member_number", "pk")
    )


def issuance_run_is_stale(run: IssuanceRun, *, now: Any = None) -> bool:
    """A run that says it is working but has shown no sign of life for a while: its worker died."""
    return job_is_stale(run, busy=(IssuanceStatus.RUNNING, IssuanceStatus.QUEUED), now=now)


def issuance_run_active(*, batch: Batch) -> IssuanceRun | None:
    """The batch's run that is queued or working and alive, if any."""
    for run in IssuanceRun.objects.filter(
        batch=batch, status__in=(IssuanceStatus.QUEUED, IssuanceStatus.RUNNING)
    ).order_by("-pk"):
        if not issuance_run_is_stale(run):
            return run
    return None


def _enqueue(run_id: int) -> None:
    from engcert.certificates.tasks import issuance_run_task

    job_task_enqueue(issuance_run_task, model=IssuanceRun, pk=run_id, run_id=run_id)


def issuance_run_start(*, batch: Batch, by: User) -> IssuanceRun:
    """Issue the certificates of the batch's waiting members in the background."""
    society = batch.society
    if not by.has_perm("certificates.manage_certificates", society):
        raise CertificateError(_("Only the society's staff may issue its certificates."))
    with transaction.atomic():
        Batch.objects.select_for_update().get(pk=batch.pk)
        active = issuance_run_active(batch=batch)
        if active is not None:
            return active
        waiting = registrations_waiting(batch=batch).count()
        if waiting == 0:
            raise CertificateError(_("Every registered member of this batch already has a certificate."))
        run = IssuanceRun.objects.create(society=society, batch=batch, total=waiting, requested_by=by)
        audit_event_append(
            actor=by,
            action="certificates.issuance_started",
            subject=run,
            data={"batch": batch.code, "waiting": waiting},
        )
        run_id = run.pk
        _enqueue(run_id)
    return run


def issuance_run_resume(*, run: IssuanceRun, by: User) -> IssuanceRun:
    """Start a run again whose worker stopped (no sign of life for a while, or stopped with an
    error); it carries on with the members still waiting and issues nothing twice."""
    if not by.has_perm("certificates.manage_certificates", run.society):
        raise CertificateError(_("Only the society's staff may issue its certificates."))
    with transaction.atomic():
        locked = IssuanceRun.objects.select_for_update().get(pk=run.pk)
        resumable = locked.status == IssuanceStatus.FAILED or issuance_run_is_stale(locked)
        if not resumable:
            if locked.status == IssuanceStatus.DONE:
                raise CertificateError(_("This run has finished; start a new one for members still waiting."))
            raise CertificateError(
                _("This run is still working; it can be resumed only once it has stopped.")
            )
        locked.status = IssuanceStatus.QUEUED
        locked.heartbeat_at = timezone.now()
        locked.task_id = ""
        locked.save(update_fields=["status", "heartbeat_at", "task_id"])
        audit_event_append(
            actor=by,
            action="certificates.issuance_resumed",
            subject=locked,
            data={"done": locked.done, "total": locked.total},
        )
        run_id = locked.pk
        _enqueue(run_id)
    return locked


def _claim(run_id: int) -> bool:
    """QUEUED → RUNNING only once: a task delivered twice does the work once."""
    now = timezone.now()
    return bool(
        IssuanceRun.objects.filter(pk=run_id, status=IssuanceStatus.QUEUED).update(
            status=IssuanceStatus.RUNNING, started_at=now, heartbeat_at=now
        )
    )


def issuance_run_execute(*, run_id: int) -> IssuanceRun:
    """Issue each waiting member's certificate, counting as it goes; a member whose certificate
    cannot be issued is recorded with the reason and the others go on."""
    if not _claim(run_id):
        return IssuanceRun.objects.get(pk=run_id)
    run = IssuanceRun.objects.select_related("batch__society", "requested_by").get(pk=run_id)
    waiting = list(registrations_waiting(batch=run.batch).select_related("society", "grade", "discipline"))
    done = Certificate.objects.filter(run=run, issued_at__isnull=False).count()
    problems: list[dict[str, Any]] = []
    IssuanceRun.objects.filter(pk=run_id).update(
        total=done + len(waiting), done=done, failed=0, problems=[], heartbeat_at=timezone.now()
    )
    try:
        for registration in waiting:
            try:
                certificate_issue(registration=registration, by=run.requested_by, run=run)
            except CertificateError as error:
                problems.append(
                    {
                        "registration": registration.pk,
                        "member_number": registration.member_number,
                        "name": registration.full_name,
                        "message": str(error),
                    }
                )
            else:
                done += 1
            IssuanceRun.objects.filter(pk=run_id).update(
                done=done, failed=len(problems), problems=problems, heartbeat_at=timezone.now()
            )
    except Exception as error:  # the run must end in a state people can read, whatever broke
        logger.exception("certificate issuance run %s failed", run_id)
        problems.append({"registration": None, "member_number": "", "name": "", "message": str(error)})
        IssuanceRun.objects.filter(pk=run_id).update(
            status=IssuanceStatus.FAILED,
            problems=problems,
            failed=len(problems),
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        raise
    now = timezone.now()
    IssuanceRun.objects.filter(pk=run_id).update(
        status=IssuanceStatus.DONE, finished_at=now, heartbeat_at=now
    )
    run.refresh_from_db()
    return run


__all__ = [
    "CertificateError",
    "PolicyValues",
    "certificate_issue",
    "certificate_issue_next_term",
    "certificate_policy_get",
    "certificate_policy_update",
    "issuance_run_active",
    "issuance_run_execute",
    "issuance_run_is_stale",
    "issuance_run_resume",
    "issuance_run_start",
    "registrations_waiting",
    "validity_end",
]
