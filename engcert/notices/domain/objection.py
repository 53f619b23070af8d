"""Objections from the public: filing one, the staff's investigation notes and their decision."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.notices.domain.errors import NoticeError
from engcert.notices.domain.notice import notice_close_if_done, notice_is_running
from engcert.notices.enums import ObjectionOutcome, ObjectionStatus
from engcert.notices.models import NoticeEntry, Objection
from engcert.uploads.domain import CheckedUpload, upload_check, upload_store, uploads_all_or_nothing
from engcert.uploads.errors import UploadNotStored, UploadRefused
from engcert.uploads.kinds import DOCUMENTS

STATEMENT_MAX_CHARS = 3000
NAME_MAX_CHARS = 100
DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# Letters and digits that cannot be mistaken for one another when read aloud or copied.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def evidence_max_bytes() -> int:
    return int(getattr(settings, "ENGCERT_MAX_OBJECTION_EVIDENCE_BYTES", DEFAULT_EVIDENCE_MAX_BYTES))


def evidence_too_big_message(size: int | None = None) -> str:
    limit = evidence_max_bytes() // 1048576
    if size is None:
        return _("The evidence file is larger than %(limit)s MB; please send a smaller file.") % {
            "limit": limit
        }
    return _("The evidence file is %(size)s MB; it may be at most %(limit)s MB.") % {
        "size": round(size / 1048576, 1),
        "limit": limit,
    }


def evidence_check(uploaded: UploadedFile | CheckedUpload) -> CheckedUpload:
    """An evidence file checked by its content (engcert.uploads), within the objections' own limit."""
    try:
        return upload_check(uploaded=uploaded, kinds=DOCUMENTS, max_bytes=evidence_max_bytes())
    except UploadRefused as refusal:
        raise NoticeError(str(refusal), field="evidence") from refusal


def _reference() -> str:
    code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"GS-{code[:4]}-{code[4:]}"


def _objection_save(
    *,
    entry: NoticeEntry,
    name: str,
    phone: str,
    email: str,
    statement: str,
    evidence: CheckedUpload | None,
    now: datetime,
) -> Objection:
    # Read under the lock the transition will take, so a candidate leaving the notice meanwhile is seen.
    application = Application.objects.select_for_update().get(pk=entry.application_id)
    entry.application = application
    if application.state not in (S.PUBLIC_NOTICE, S.OBJECTION):
        raise NoticeError(_("This candidate is no longer on the notice."))
    objection = Objection(
        entry=entry,
        reference=_reference(),
        objector_name=name[:NAME_MAX_CHARS],
        objector_phone=phone[:40],
        objector_email=email[:254],
        statement=statement,
        received_at=now,
    )
    if evidence is not None:
        objection.evidence_name = evidence.original_name or "evidence"
        objection.evidence_content_type = evidence.content_type
        objection.evidence_size = evidence.size
        # Through the configured storage; the stored name is random, the original kept for display.
        upload_store(file=objection.evidence, stem=secrets.token_hex(16), checked=evidence)
    objection.save()
    return objection


def objection_file(
    *,
    entry: NoticeEntry,
    name: str,
    phone: str,
    email: str,
    statement: str,
    evidence: UploadedFile | CheckedUpload | None = None,
    now: datetime | None = None,
) -> Objection:
    """File an objection from the public about one listed candidate, during the notice's period.
    The candidate moves to "objection under investigation" (by the system)."""
    now = now or timezone.now()
    name, phone, email, statement = name.strip(), phone.strip(), email.strip(), statement.strip()
    if not name:
        raise NoticeError(_("Please give your name."), field="name")
    if not phone and not email:
        raise NoticeError(
            _("Please give a telephone number or an email address, so the society can reach you."),
            field="phone",
        )
    if not statement:
        raise NoticeError(_("Please write what your objection is."), field="statement")
    if len(statement) > STATEMENT_MAX_CHARS:
        raise NoticeError(
            _("Please keep the statement within %(max)s characters.") % {"max": STATEMENT_MAX_CHARS},
            field="statement",
        )
    notice = entry.notice
    if not notice_is_running(notice, now=now):
        raise NoticeError(_("This notice is not open for objections: its period is over or has not begun."))
    checked = evidence_check(evidence) if evidence is not None else None
    try:
        # The evidence file is stored with the objection's rows, or not kept at all.
        with uploads_all_or_nothing(), transaction.atomic():
            objection = _objection_save(
                entry=entry,
                name=name,
                phone=phone,
                email=email,
                statement=statement,
                evidence=checked,
                now=now,
            )
            application = entry.application
            if application.state == S.PUBLIC_NOTICE:
                application_transition(
                    application=application,
                    to_state=S.OBJECTION,
                    by=None,
                    data={"notice": notice.pk, "objection": objection.reference},
                    expected_state=S.PUBLIC_NOTICE,
                )
            audit_event_append(
                actor=None,
                action="notices.objection_received",
                subject=objection,
                application=application,
                data={
                    "reference": objection.reference,
                    "notice": notice.pk,
                    "evidence_sha256": checked.sha256 if checked is not None else "",
                    "evidence_size": objection.evidence_size,
                },
            )
    except TransitionError as error:
        raise NoticeError(_("This candidate is no longer on the notice.")) from error
    except UploadNotStored as failure:
        raise NoticeError(str(failure), field="evidence") from failure
    return objection


def _assert_staff(objection: Objection, by: User) -> None:
    society = objection.entry.notice.batch.society
    if not by.has_perm("notices.manage_notices", society):
        raise NoticeError(_("You are not allowed to make this change."))


def objection_notes_save(*, objection: Objection, notes: str, by: User) -> Objection:
    """Record the staff's investigation notes (replacing the previous version, which the audit keeps)."""
    _assert_staff(objection, by)
    with transaction.atomic():
        before = objection.investigation_notes
        objection.investigation_notes = notes.strip()
        objection.save(update_fields=["investigation_notes"])
        audit_event_append(
            actor=by,
            action="notices.objection_notes",
            subject=objection,
            application=objection.entry.application,
            data={"before": before, "after": objection.investigation_notes},
        )
    return objection


def objection_decide(
    *,
    objection: Objection,
    outcome: ObjectionOutcome,
    by: User,
    note: str = "",
    reason_for_candidate: str = "",
    now: datetime | None = None,
) -> Objection:
    """Record the outcome of an investigation.

    Upheld: the candidate is not approved, and ``reason_for_candidate`` (required) is what the
    candidate's email says. Dismissed: ``note`` (required) says why; when no other objection about
    the candidate is open, the candidate returns to the notice while its period runs, or passes it
    once the period is over."""
    now = now or timezone.now()
    _assert_staff(objection, by)
    note, reason_for_candidate = note.strip(), reason_for_candidate.strip()
    if outcome == ObjectionOutcome.UPHELD and not reason_for_candidate:
        raise NoticeError(_("Please write the reason the candidate will read."), field="reason_for_candidate")
    if outcome == ObjectionOutcome.DISMISSED and not note:
        raise NoticeError(_("Please write why the objection is dismissed."), field="note")
    entry = objection.entry
    notice = entry.notice
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status != ObjectionStatus.OPEN:
            raise NoticeError(
                _("This objection was already decided: “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        locked.status = (
            ObjectionStatus.UPHELD if outcome == ObjectionOutcome.UPHELD else ObjectionStatus.DISMISSED
        )
        locked.decision_note = note
        locked.reason_for_candidate = reason_for_candidate if outcome == ObjectionOutcome.UPHELD else ""
        locked.decided_by = by
        locked.decided_at = now
        locked.save(
            update_fields=["status", "decision_note", "reason_for_candidate", "decided_by", "decided_at"]
        )
        audit_event_append(
            actor=by,
            action="notices.objection_decide",
            subject=locked,
            application=entry.application,
            reason=note or reason_for_candidate,
            data={"outcome": str(outcome), "reference": locked.reference},
        )
        application = entry.application
        application.refresh_from_db(fields=["state"])
        try:
            if outcome == ObjectionOutcome.UPHELD:
                if application.state == S.OBJECTION:
                    application_transition(
                        application=application,
                        to_state=S.NOT_APPROVED,
                        by=by,
                        reason=reason_for_candidate,
                        data={"objection": locked.reference},
                    )
            elif (
                application.state == S.OBJECTION
                and not entry.objections.filter(status=ObjectionStatus.OPEN).exists()
            ):
                to_state = S.PUBLIC_NOTICE if now < notice.ends_at else S.NOTICE_PASSED
                application_transition(
                    application=application,
                    to_state=to_state,
                    by=by,
                    expected_state=S.OBJECTION,
                    data={"objection": locked.reference},
                )
        except TransitionError as error:
            raise NoticeError(str(error)) from error
        notice_close_if_done(notice=notice, now=now)
    objection.refresh_from_db()
    return objection
