"""CPD: the society's rule, members' activities with their evidence, and the yearly audit draw
with staff's outcome for each drawn member. Every change leaves an audit event."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.enums import CpdActivityType
from engcert.audit.domain import audit_event_append
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate
from engcert.cpd.enums import AuditOutcome
from engcert.cpd.models import MAX_ACTIVITY_HOURS, AuditDraw, AuditSelection, CpdActivity, CpdRule
from engcert.cpd.selectors import cpd_rule_get, term_from
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration
from engcert.tasks_queue import task_enqueue_with_work
from engcert.uploads.domain import CheckedUpload, upload_check, upload_store, uploads_all_or_nothing
from engcert.uploads.errors import UploadNotStored, UploadRefused
from engcert.uploads.kinds import DOCUMENTS


class CpdError(Exception):
    """A step the rules do not allow; the message is for people."""


def _require_staff(*, society: Organisation, by: User) -> None:
    if not by.has_perm("cpd.manage_cpd", society):
        raise CpdError(_("Only the society's staff may do this."))


# --- The rule ----------------------------------------------------------------------------------


def cpd_rule_update(
    *,
    society: Organisation,
    by: User,
    annual_hours: Decimal,
    audit_share_percent: Decimal,
    type_limits: dict[str, Decimal | None],
) -> CpdRule:
    _require_staff(society=society, by=by)
    limits = {
        key: str(value)
        for key, value in type_limits.items()
        if value is not None and key in CpdActivityType.values
    }
    with transaction.atomic():
        rule = CpdRule.objects.select_for_update().get(pk=cpd_rule_get(society=society).pk)
        before = {
            "annual_hours": str(rule.annual_hours),
            "audit_share_percent": str(rule.audit_share_percent),
            "type_limits": rule.type_limits,
        }
        rule.annual_hours = annual_hours
        rule.audit_share_percent = audit_share_percent
        rule.type_limits = limits
        rule.updated_by = by
        rule.save(
            update_fields=["annual_hours", "audit_share_percent", "type_limits", "updated_by", "updated_at"]
        )
        audit_event_append(
            actor=by,
            action="cpd.rule_changed",
            subject=rule,
            data={
                "before": before,
                "after": {
                    "annual_hours": str(annual_hours),
                    "audit_share_percent": str(audit_share_percent),
                    "type_limits": limits,
                },
            },
        )
    return rule


# --- Activities --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityValues:
    activity_type: str
    date: date
    hours: Decimal
    title: str
    provider: str = ""


def _require_holder(*, registration: Registration, by: User) -> None:
    if registration.holder_id != by.pk:
        raise CpdError(_("Only the member may change their own CPD record."))


def registration_start(registration: Registration) -> date:
    """The first day CPD can be logged for: the first certificate's start or the registration day."""
    registered = timezone.localdate(registration.registered_at)
    first = (
        Certificate.objects.filter(registration=registration)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    return min(registered, first) if first is not None else registered


def _check_values(*, registration: Registration, values: ActivityValues) -> None:
    if values.activity_type not in CpdActivityType.values:
        raise CpdError(_("Choose a type of activity from the list."))
    if not (Decimal("0") < values.hours <= MAX_ACTIVITY_HOURS):
        raise CpdError(
            _("Enter between 0.5 and %(max)s hours; log a longer programme in parts.")
            % {"max": MAX_ACTIVITY_HOURS}
        )
    if values.date > timezone.localdate():
        raise CpdError(_("The date cannot be in the future."))
    start = registration_start(registration)
    if values.date < start:
        raise CpdError(
            _("The date is before your registration began (%(date)s); only activities since then count.")
            % {"date": start.isoformat()}
        )
    if not values.title.strip():
        raise CpdError(_("Give the activity a title."))


class CpdEvidenceNotStored(CpdError):
    """The server could not store the evidence (a full disk); the activity was not saved either."""


def _store_evidence(activity: CpdActivity, uploaded: UploadedFile | CheckedUpload) -> None:
    """Checked by its content (engcert.uploads), stored under a random name; the original name
    is kept for display only."""
    try:
        checked = upload_check(uploaded=uploaded, kinds=DOCUMENTS)
    except UploadRefused as refusal:
        raise CpdError(str(refusal)) from refusal
    activity.evidence_name = checked.original_name or "evidence"
    activity.evidence_type = checked.content_type
    activity.evidence_size = checked.size
    try:
        upload_store(
            file=activity.evidence, stem=f"{activity.uid.hex}-{secrets.token_hex(4)}", checked=checked
        )
    except UploadNotStored as failure:
        raise CpdEvidenceNotStored(str(failure)) from failure


def _after_commit_delete(name: str, activity: CpdActivity) -> None:
    storage = activity.evidence.storage
    transaction.on_commit(lambda: storage.delete(name))


def cpd_activity_create(
    *,
    registration: Registration,
    by: User,
    values: ActivityValues,
    evidence: UploadedFile | CheckedUpload | None = None,
) -> CpdActivity:
    _require_holder(registration=registration, by=by)
    _check_values(registration=registration, values=values)
    activity = CpdActivity(
        registration=registration,
        activity_type=values.activity_type,
        date=values.date,
        hours=values.hours,
        title=values.title.strip(),
        provider=values.provider.strip(),
    )
    with uploads_all_or_nothing(), transaction.atomic():
        if evidence is not None:
            _store_evidence(activity, evidence)
        activity.save()
        audit_event_append(
            actor=by, action="cpd.activity_logged", subject=activity, data=_activity_data(activity)
        )
    return activity


def _activity_data(activity: CpdActivity) -> dict[str, Any]:
    return {
        "registration": activity.registration.member_number,
        "type": activity.activity_type,
        "date": activity.date.isoformat(),
        "hours": str(activity.hours),
        "title": activity.title,
        "provider": activity.provider,
        "evidence": activity.evidence_name,
    }


def cpd_activity_update(
    *,
    activity: CpdActivity,
    by: User,
    values: ActivityValues,
    evidence: UploadedFile | CheckedUpload | None = None,
    remove_evidence: bool = False,
) -> CpdActivity:
    _require_holder(registration=activity.registration, by=by)
    _check_values(registration=activity.registration, values=values)
    with uploads_all_or_nothing(), transaction.atomic():
        locked = CpdActivity.objects.select_for_update().select_related("registration").get(pk=activity.pk)
        audited = {
            year
            for year in (locked.date.year, values.date.year)
            if _audit_open(registration=locked.registration, year=year)
        }
        if audited and _activity_changes(locked, values):
            # What staff are auditing stays as it was; evidence may still be added or replaced,
            # which is what "more evidence asked" wants.
            raise CpdError(
                _(
                    "Your CPD of %(year)s is being audited: you may add or replace the evidence of this "
                    "activity, but not change the activity itself until the audit is over."
                )
                % {"year": min(audited)}
            )
        if audited and remove_evidence and evidence is None:
            raise CpdError(
                _(
                    "Your CPD of %(year)s is being audited; its evidence cannot be removed until the audit is over."
                )
                % {"year": min(audited)}
            )
        before = _activity_data(locked)
        old_file = locked.evidence.name if locked.evidence else ""
        locked.activity_type = values.activity_type
        locked.date = values.date
        locked.hours = values.hours
        locked.title = values.title.strip()
        locked.provider = values.provider.strip()
        if evidence is not None:
            _store_evidence(locked, evidence)
        elif remove_evidence:
            locked.evidence = ""  # type: ignore[assignment]
            locked.evidence_name = ""
            locked.evidence_type = ""
            locked.evidence_size = 0
        locked.save()
        if old_file and old_file != (locked.evidence.name if locked.evidence else ""):
            _after_commit_delete(old_file, locked)
        audit_event_append(
            actor=by,
            action="cpd.activity_changed",
            subject=locked,
            data={"before": before, "after": _activity_data(locked)},
        )
    return locked


def _audit_open(*, registration: Registration, year: int) -> bool:
    """Whether the member's CPD of that year is drawn for audit and not yet decided."""
    return AuditSelection.objects.filter(
        registration=registration,
        outcome__in=[AuditOutcome.PENDING, AuditOutcome.MORE_EVIDENCE],
        draw__year=year,
    ).exists()


def _activity_changes(activity: CpdActivity, values: ActivityValues) -> bool:
    return (
        activity.activity_type != values.activity_type
        or activity.date != values.date
        or activity.hours != values.hours
        or activity.title != values.title.strip()
        or activity.provider != values.provider.strip()
    )


def cpd_activity_delete(*, activity: CpdActivity, by: User) -> None:
    _require_holder(registration=activity.registration, by=by)
    if _audit_open(registration=activity.registration, year=activity.date.year):
        raise CpdError(
            _(
                "Your CPD of %(year)s is being audited; an activity of that year cannot be deleted until the audit is over."
            )
            % {"year": activity.date.year}
        )
    with transaction.atomic():
        data = _activity_data(activity)
        name = activity.evidence.name if activity.evidence else ""
        if name:
            _after_commit_delete(name, activity)
        audit_event_append(actor=by, action="cpd.activity_deleted", subject=activity, data=data)
        activity.delete()


# --- The audit draw ----------------------------------------------------------------------------


def draw_key(seed: str, member_number: str) -> str:
    """HMAC-SHA256 of the member number with the seed (both as UTF-8 text), in hex."""
    return hmac.new(seed.encode(), member_number.encode(), hashlib.sha256).hexdigest()


def draw_order(*, seed: str, population: list[str]) -> list[str]:
    """The population in the draw's order: by HMAC, ties (none in practice) by number."""
    return sorted(population, key=lambda number: (draw_key(seed, number), number))


def draw_size(*, share_percent: Decimal, population: int) -> int:
    """ceil(share × N), computed exactly (no floating point)."""
    return math.ceil(Decimal(share_percent) * population / Decimal(100))


def audit_population(*, society: Organisation, on: date) -> list[Registration]:
    """The members the draw is made from: the society's registered members whose current
    certificate is in force on the day (or who have no certificate yet)."""
    registrations = list(Registration.objects.filter(society=society).order_by("member_number"))
    certificates: dict[int, list[Certificate]] = {}
    for certificate in Certificate.objects.filter(registration__society=society).order_by("-term"):
        certificates.setdefault(certificate.registration_id, []).append(certificate)
    members = []
    for registration in registrations:
        term = term_from(
            registration=registration, certificates=certificates.get(registration.pk, []), today=on
        )
        if term.certificate is None or term.certificate.effective_status(on) == CertificateStatus.VALID:
            members.append(registration)
    return members


def audit_draw_make(*, society: Organisation, year: int, by: User, seed: str | None = None) -> AuditDraw:
    """Draw this year's members for audit, once per society and year."""
    _require_staff(society=society, by=by)
    today = timezone.localdate()
    if year < 2000 or year > today.year:
        raise CpdError(_("A draw can be made for this year or an earlier one."))
    rule = cpd_rule_get(society=society)
    seed = seed or secrets.token_hex(32)
    with transaction.atomic():
        if AuditDraw.objects.filter(society=society, year=year).exists():
            raise CpdError(_("The audit draw of %(year)s has already been made.") % {"year": year})
        members = audit_population(society=society, on=today)
        if not members:
            raise CpdError(_("The society has no registered member in force to draw from."))
        by_number = {m.member_number: m for m in members}
        population = sorted(by_number)
        chosen = draw_order(seed=seed, population=population)[
            : draw_size(share_percent=rule.audit_share_percent, population=len(population))
        ]
        try:
            with transaction.atomic():
                draw = AuditDraw.objects.create(
                    society=society,
                    year=year,
                    share_percent=rule.audit_share_percent,
                    seed=seed,
                    population=population,
                    drawn_by=by,
                )
        except IntegrityError as error:
            raise CpdError(_("The audit draw of %(year)s has already been made.") % {"year": year}) from error
        AuditSelection.objects.bulk_create(
            [
                AuditSelection(draw=draw, registration=by_number[number], rank=rank)
                for rank, number in enumerate(chosen, start=1)
            ]
        )
        audit_event_append(
            actor=by,
            action="cpd.audit_drawn",
            subject=draw,
            data={
                "year": year,
                "seed": seed,
                "share_percent": str(rule.audit_share_percent),
                "population": len(population),
                "chosen": chosen,
            },
        )
        ids = list(AuditSelection.objects.filter(draw=draw).order_by("rank").values_list("pk", flat=True))
        _notify_drawn(ids)
    return draw


def _notify_drawn(selection_ids: list[int]) -> None:
    from engcert.cpd.tasks import audit_notify

    for selection_id in selection_ids:
        task_enqueue_with_work(audit_notify, selection_id=selection_id, event="drawn")


@dataclass(frozen=True)
class DrawCheck:
    draw: AuditDraw
    expected: list[str]
    recorded: list[str]

    @property
    def matches(self) -> bool:
        return self.expected == self.recorded


def audit_draw_verify(*, draw: AuditDraw) -> DrawCheck:
    """Compute the draw again from its recorded seed, share and population and compare it
    with the members it recorded, in order."""
    population = [str(number) for number in draw.population]
    expected = draw_order(seed=draw.seed, population=population)[
        : draw_size(share_percent=draw.share_percent, population=len(population))
    ]
    recorded = list(
        AuditSelection.objects.filter(draw=draw)
        .order_by("rank")
        .values_list("registration__member_number", flat=True)
    )
    return DrawCheck(draw, expected, recorded)


def audit_outcome_record(
    *, selection: AuditSelection, by: User, outcome: AuditOutcome, note: str
) -> AuditSelection:
    """Staff's finding on one drawn member; the member is told by email."""
    _require_staff(society=selection.draw.society, by=by)
    if outcome == AuditOutcome.PENDING:
        raise CpdError(_("Choose what the review found."))
    note = note.strip()
    if outcome != AuditOutcome.PASSED and not note:
        raise CpdError(_("Tell the member what was found and what to do."))
    with transaction.atomic():
        locked = AuditSelection.objects.select_for_update().get(pk=selection.pk)
        if locked.outcome == outcome and locked.note == note:
            return locked
        before = locked.outcome
        locked.outcome = outcome
        locked.note = note
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save(update_fields=["outcome", "note", "decided_at", "decided_by"])
        audit_event_append(
            actor=by,
            action="cpd.audit_outcome",
            subject=locked,
            from_state=before,
            to_state=outcome,
            reason=note,
            data={"year": selection.draw.year, "member": selection.registration.member_number},
        )
        _notify_outcome(locked.pk)
    return locked


def _notify_outcome(selection_id: int) -> None:
    from engcert.cpd.tasks import audit_notify

    task_enqueue_with_work(audit_notify, selection_id=selection_id, event="outcome")
