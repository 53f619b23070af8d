"""Panels by hand: adding, removing and replacing examiners, the chair, and filling open seats.

Every change runs the checks again (``checks.py``): an examiner in conflict with the candidate,
inactive, outside their term, or — once the interview is scheduled — not free at its time is
refused with the reason. Seat statuses: ASSIGNED and CONFIRMED seats are live and count towards
the panel; a seat on which the examiner declared a conflict (CONFLICT, set by the examiner's
declaration) and a REMOVED seat stay as history and do not count, so the panel shows as short
on the batch's panels page until staff fill it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.examiners.domain.checks import composition_problems, examiner_problems, qualifies
from engcert.examiners.domain.conflicts import Conflict, conflicts_for_many
from engcert.examiners.enums import SeatStatus
from engcert.examiners.models import EvaluationPolicy, Examiner, Panel, PanelSeat
from engcert.examiners.selectors import (
    LIVE_SEAT_VALUES,
    evaluation_policy_get,
    interview_scheduled_for,
    live_seats,
)

# A panel may change until the interview has been held.
PANEL_OPEN_STATES = frozenset({ApplicationState.REVIEW_PASSED, ApplicationState.INTERVIEW_SCHEDULED})


class PanelError(Exception):
    """A panel change that is refused; the message says why, for people."""


def _assert_open(application: Application) -> None:
    if application.state not in PANEL_OPEN_STATES:
        raise PanelError(
            _("The panel of an application that is “%(state)s” can no longer change.")
            % {"state": application.get_state_display()}
        )


def _lock_panel(application: Application, by: User | None) -> Panel:
    panel, _created = Panel.objects.get_or_create(application=application, defaults={"created_by": by})
    return Panel.objects.select_for_update().get(pk=panel.pk)


def panel_seat_add(
    *,
    application: Application,
    examiner: Examiner,
    by: User | None,
    is_chair: bool = False,
    by_scheduler: bool = False,
    conflicts: list[Conflict] | None = None,
) -> PanelSeat:
    """Seat an examiner on the candidate's panel, after every check passes.

    ``by_scheduler``: the seat comes from a confirmed automatic schedule; ``by`` (who confirmed)
    is the audit's actor and the seat records no person as having chosen the examiner.
    ``conflicts``: this pair's conflicts, when already read for many pairs at once.
    """
    _assert_open(application)
    policy = evaluation_policy_get(society=application.batch.society)
    with transaction.atomic():
        panel = _lock_panel(application, by)
        if panel.seats.filter(examiner=examiner, status__in=LIVE_SEAT_VALUES).exists():
            raise PanelError(_("%(name)s is already on this panel.") % {"name": examiner.user})
        interview = interview_scheduled_for(application=application)
        times = (interview.starts_at, interview.ends_at) if interview else None
        problems = examiner_problems(
            examiner=examiner,
            application=application,
            policy=policy,
            interview_times=times,
            exclude=[interview.pk] if interview else [],
            conflicts=conflicts,
        )
        if problems:
            raise PanelError(" ".join(problems))
        if is_chair:
            panel.seats.filter(is_chair=True).update(is_chair=False)
        seat = PanelSeat.objects.create(
            panel=panel, examiner=examiner, is_chair=is_chair, assigned_by=None if by_scheduler else by
        )
        audit_event_append(
            actor=by,
            action="panel.seat_add",
            subject=seat,
            application=application,
            data={"examiner": examiner.pk, "chair": is_chair, "scheduler": by_scheduler},
        )
    return seat


def panel_seat_remove(*, seat: PanelSeat, by: User, reason: str) -> PanelSeat:
    """Take an examiner off a panel, with the reason; the seat stays as history."""
    reason = reason.strip()
    if not reason:
        raise PanelError(_("Please give a reason for taking the examiner off the panel."))
    with transaction.atomic():
        locked = PanelSeat.objects.select_for_update().select_related("panel__application").get(pk=seat.pk)
        application = locked.panel.application
        _assert_open(application)
        if locked.status not in LIVE_SEAT_VALUES:
            raise PanelError(_("This examiner is no longer on the panel."))
        from_status = locked.status
        locked.status = SeatStatus.REMOVED
        locked.removed_reason = reason[:300]
        locked.save(update_fields=["status", "removed_reason"])
        audit_event_append(
            actor=by,
            action="panel.seat_remove",
            subject=locked,
            application=application,
            from_state=from_status,
            to_state=SeatStatus.REMOVED,
            reason=reason,
            data={"examiner": locked.examiner_id, "chair": locked.is_chair},
        )
    seat.status, seat.removed_reason = locked.status, locked.removed_reason
    return locked


def panel_seat_replace(*, seat: PanelSeat, examiner: Examiner, by: User, reason: str) -> PanelSeat:
    """Remove one examiner and seat another in one step; the chair passes to the newcomer."""
    with transaction.atomic():
        removed = panel_seat_remove(seat=seat, by=by, reason=reason)
        return panel_seat_add(
            application=removed.panel.application, examiner=examiner, by=by, is_chair=removed.is_chair
        )


def panel_chair_set(*, seat: PanelSeat, by: User) -> PanelSeat:
    with transaction.atomic():
        locked = PanelSeat.objects.select_for_update().select_related("panel__application").get(pk=seat.pk)
        _assert_open(locked.panel.application)
        if locked.status not in LIVE_SEAT_VALUES:
            raise PanelError(_("This examiner is no longer on the panel."))
        PanelSeat.objects.filter(panel=locked.panel, is_chair=True).exclude(pk=locked.pk).update(
            is_chair=False
        )
        locked.is_chair = True
        locked.save(update_fields=["is_chair"])
        audit_event_append(
            actor=by,
            action="panel.chair_set",
            subject=locked,
            application=locked.panel.application,
            data={"examiner": locked.examiner_id},
        )
    return locked


def panel_problems(*, application: Application) -> list[str]:
    """What keeps the candidate's panel from being complete now (empty when it is)."""
    policy = evaluation_policy_get(society=application.batch.society)
    examiners = [seat.examiner for seat in live_seats(application=application)]
    return composition_problems(application=application, examiners=examiners, policy=policy)


def panel_reopen_after_conflict(*, seat: PanelSeat) -> list[str]:
    """Record that a seat given up over a declared conflict is open again, and say what the panel lacks.

    Call it after the examiner's declaration set the seat to CONFLICT (the declaration itself
    tells staff). The seat no longer counts; the batch's panels page lists the panel as short
    and offers to fill the open seats; the same examiner is never proposed again for this file
    (``ConflictReason.DECLARED_FOR_FILE``).
    """
    locked = PanelSeat.objects.select_related("panel__application__batch__society").get(pk=seat.pk)
    if locked.status != SeatStatus.CONFLICT:
        raise PanelError(_("Only a seat on which a conflict was declared reopens."))
    application = locked.panel.application
    problems = panel_problems(application=application)
    audit_event_append(
        actor=None,
        action="panel.seat_reopened",
        subject=locked,
        application=application,
        data={"examiner": locked.examiner_id, "problems": problems},
    )
    return problems


@dataclass
class FillReport:
    filled: dict[int, list[str]] = field(default_factory=dict)  # application id → examiners seated
    short: dict[int, list[str]] = field(default_factory=dict)  # application id → what is still missing


def panel_fill_open_seats(*, batch: Batch, by: User, application_ids: list[int] | None = None) -> FillReport:
    """Fill every short panel of the batch from the pool, the least loaded eligible examiner first.

    An examiner staff took off a panel is not proposed for it again. An examiner of the
    candidate's field comes first when the panel has none; every seat goes
    through ``panel_seat_add``, so the same checks as by hand apply (conflicts, term, days,
    double bookings, the daily cap).
    """
    society = batch.society
    policy = evaluation_policy_get(society=society)
    applications = list(
        Application.objects.filter(batch=batch, state__in=PANEL_OPEN_STATES)
        .filter(**({"pk__in": application_ids} if application_ids is not None else {}))
        .select_related("batch__society", "discipline")
        .order_by("number", "pk")
    )
    pool = list(
        Examiner.objects.filter(society=society, is_active=True, term_ends__gte=timezone.localdate())
        .select_related("user")
        .prefetch_related("disciplines")
    )
    conflicts = conflicts_for_many(examiners=pool, applications=applications)
    load = dict.fromkeys((e.pk for e in pool), 0)
    load.update(
        PanelSeat.objects.filter(examiner__in=pool, status__in=LIVE_SEAT_VALUES)
        .values_list("examiner")
        .annotate(n=Count("pk"))
        .values_list("examiner", "n")
    )
    report = FillReport()
    for application in applications:
        seated = [seat.examiner for seat in live_seats(application=application)]
        missing = composition_problems(application=application, examiners=seated, policy=policy)
        if not missing:
            continue
        names = _fill_one(application, seated, pool, conflicts, load, policy, by)
        if names:
            report.filled[application.pk] = names
        still = composition_problems(application=application, examiners=seated, policy=policy)
        if still:
            report.short[application.pk] = still
    return report


def _fill_one(
    application: Application,
    seated: list[Examiner],
    pool: list[Examiner],
    conflicts: dict[tuple[int, int], Any],
    load: dict[int, int],
    policy: EvaluationPolicy,
    by: User,
) -> list[str]:
    """Seat examiners on one short panel; returns the names seated (``seated`` grows in place)."""
    names: list[str] = []

    # Someone staff took off this panel is not put back on it by the machine (staff still may).
    taken_off = set(
        PanelSeat.objects.filter(panel__application=application, status=SeatStatus.REMOVED).values_list(
            "examiner_id", flat=True
        )
    )

    def seat(examiner: Examiner) -> bool:
        if examiner in seated or examiner.pk in taken_off or (application.pk, examiner.pk) in conflicts:
            return False
        chair = qualifies(examiner, application) and not any(
            s.is_chair for s in live_seats(application=application)
        )
        try:
            panel_seat_add(application=application, examiner=examiner, by=by, is_chair=chair)
        except PanelError:
            return False
        seated.append(examiner)
        load[examiner.pk] += 1
        names.append(str(examiner.user))
        return True

    # First an examiner of the candidate's field, if the panel has none; then anyone free.
    if not any(qualifies(e, application) for e in seated):
        for examiner in sorted(pool, key=lambda e: (load[e.pk], e.pk)):
            if qualifies(examiner, application) and seat(examiner):
                break
    for examiner in sorted(pool, key=lambda e: (load[e.pk], e.pk)):
        if len(seated) >= policy.min_panel_size:
            break
        seat(examiner)
    return names
