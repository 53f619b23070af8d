"""The scheduler from the database's side: build the problem, solve it (in the background for
large batches), keep the proposal, confirm it.

Confirming creates each candidate's panel seats and interview and moves the application to
“interview scheduled” through ``application_transition``, one candidate per transaction. Every
check runs again when confirming (something may have changed since the proposal; conflicts of
interest are read once, for all proposed pairs, as confirming starts), so a candidate whose slot
no longer holds is skipped with the reason and the others go ahead. A candidate
already scheduled by this run is left alone, so confirming twice schedules nobody twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.examiners.domain.checks import interviews_holding_time, local_day
from engcert.examiners.domain.conflicts import Conflict, conflicts_for_many
from engcert.examiners.domain.interviews import InterviewError, interview_minutes, interview_schedule
from engcert.examiners.domain.panels import PanelError, panel_seat_add, panel_seat_remove
from engcert.examiners.domain.pool import dates_in_range
from engcert.examiners.domain.scheduling import (
    CandidateSpec,
    ExaminerSpec,
    RoomSpec,
    ScheduleProblem,
    schedule_solve,
)
from engcert.examiners.enums import InterviewStatus, ScheduleRunStatus
from engcert.examiners.models import (
    CandidateUnavailability,
    Examiner,
    ExaminerAvailability,
    Interview,
    PanelSeat,
    Room,
    ScheduleRun,
)
from engcert.examiners.selectors import LIVE_SEAT_VALUES, evaluation_policy_get
from engcert.tasks_queue import task_enqueue_with_work

logger = logging.getLogger(__name__)

# Up to this many candidates, staff wait for the answer in the request; more go to the task worker.
INLINE_LIMIT = 60
# ... and wait this long at most.
INLINE_SECONDS = 10
DEFAULT_TIME_LIMIT = 25


class ScheduleError(Exception):
    """A scheduling request that cannot be run; the message is for people."""


@dataclass(frozen=True)
class ScheduleRequest:
    first_day: date
    last_day: date
    weekdays: tuple[int, ...]
    room_ids: tuple[int, ...]
    application_ids: tuple[int, ...] | None = None  # None: every candidate waiting
    time_limit: int = DEFAULT_TIME_LIMIT

    def as_json(self) -> dict[str, Any]:
        return {
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "weekdays": list(self.weekdays),
            "room_ids": list(self.room_ids),
            "application_ids": list(self.application_ids) if self.application_ids is not None else None,
            "time_limit": self.time_limit,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScheduleRequest:
        ids = data.get("application_ids")
        return cls(
            first_day=date.fromisoformat(data["first_day"]),
            last_day=date.fromisoformat(data["last_day"]),
            weekdays=tuple(data["weekdays"]),
            room_ids=tuple(data["room_ids"]),
            application_ids=tuple(ids) if ids is not None else None,
            time_limit=int(data.get("time_limit", DEFAULT_TIME_LIMIT)),
        )


def waiting_candidates(*, batch: Batch, application_ids: tuple[int, ...] | None = None) -> list[Application]:
    applications = Application.objects.filter(batch=batch, state=ApplicationState.REVIEW_PASSED)
    if application_ids is not None:
        applications = applications.filter(pk__in=application_ids)
    return list(
        applications.select_related("batch__society", "discipline", "discipline__parent", "unit").order_by(
            "number", "pk"
        )
    )


def candidate_label(application: Application) -> str:
    return f"{application.number or application.pk} {application.full_name}".strip()


def schedule_problem_build(*, batch: Batch, request: ScheduleRequest) -> ScheduleProblem:
    """The plain problem for ``schedule_solve``, read in a fixed number of queries."""
    society = batch.society
    policy = evaluation_policy_get(society=society)
    days = tuple(dates_in_range(first=request.first_day, last=request.last_day, weekdays=request.weekdays))
    applications = waiting_candidates(batch=batch, application_ids=request.application_ids)
    unavailable: dict[int, set[date]] = {}
    for application_id, day in CandidateUnavailability.objects.filter(
        application__in=applications, date__in=days
    ).values_list("application_id", "date"):
        unavailable.setdefault(application_id, set()).add(day)
    examiners = list(
        Examiner.objects.filter(society=society, is_active=True)
        .select_related("user")
        .prefetch_related("disciplines")
    )
    available: dict[int, set[date]] = {}
    for examiner_id, day in ExaminerAvailability.objects.filter(
        examiner__in=examiners, date__in=days
    ).values_list("examiner_id", "date"):
        available.setdefault(examiner_id, set()).add(day)
    # Days already taken: an examiner sitting on, or a room holding, an interview scheduled before.
    busy_examiner: dict[int, set[date]] = {}
    busy_room: dict[int, set[date]] = {}
    first = timezone.make_aware(datetime.combine(request.first_day, datetime.min.time()))
    last = timezone.make_aware(datetime.combine(request.last_day + timedelta(days=1), datetime.min.time()))
    holding = interviews_holding_time().filter(starts_at__gte=first, starts_at__lt=last)
    for room_id, starts_at in holding.values_list("room_id", "starts_at"):
        busy_room.setdefault(room_id, set()).add(local_day(starts_at))
    for examiner_id, starts_at in PanelSeat.objects.filter(
        status__in=LIVE_SEAT_VALUES, panel__application__interviews__in=holding
    ).values_list("examiner_id", "panel__application__interviews__starts_at"):
        busy_examiner.setdefault(examiner_id, set()).add(local_day(starts_at))
    rooms = list(
        Room.objects.filter(society=society, is_active=True, pk__in=request.room_ids).order_by("mode", "name")
    )
    conflicts = conflicts_for_many(examiners=examiners, applications=applications)
    start, end = policy.day_starts_at, policy.day_ends_at
    day_minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return ScheduleProblem(
        days=days,
        candidates=tuple(
            CandidateSpec(
                id=a.pk,
                label=candidate_label(a),
                discipline=a.discipline.path_name if a.discipline else "—",
                qualifying=_qualifying(a),
                minutes=interview_minutes(application=a, policy=policy),
                unavailable=frozenset(unavailable.get(a.pk, set())),
            )
            for a in applications
        ),
        examiners=tuple(
            ExaminerSpec(
                id=e.pk,
                label=str(e.user),
                disciplines=frozenset(d.pk for d in e.disciplines.all()),
                days=frozenset(
                    d
                    for d in available.get(e.pk, set())
                    if e.term_starts <= d <= e.term_ends and d not in busy_examiner.get(e.pk, set())
                ),
            )
            for e in examiners
        ),
        rooms=tuple(
            RoomSpec(
                id=r.pk, label=r.name, days=frozenset(d for d in days if d not in busy_room.get(r.pk, set()))
            )
            for r in rooms
        ),
        conflicts=frozenset(conflicts),
        panel_size=policy.min_panel_size,
        max_per_day=policy.max_interviews_per_day,
        day_minutes=max(0, day_minutes),
        break_minutes=policy.break_minutes,
    )


def _qualifying(application: Application) -> frozenset[int]:
    discipline = application.discipline
    if discipline is None:
        return frozenset()
    return frozenset(d for d in (discipline.pk, discipline.parent_id) if d is not None)


def schedule_run_create(
    *, batch: Batch, request: ScheduleRequest, by: User, inline: bool | None = None
) -> ScheduleRun:
    """Record the request and solve it: at once for a few candidates, in the background for more
    (``inline`` decides instead when given)."""
    if request.last_day < request.first_day:
        raise ScheduleError(_("The last day must not be before the first."))
    if request.first_day <= timezone.localdate():
        raise ScheduleError(_("Interviews can be scheduled from tomorrow on."))
    if not request.weekdays:
        raise ScheduleError(_("Please choose at least one weekday."))
    if not request.room_ids:
        raise ScheduleError(_("Please choose at least one room or online meeting."))
    count = len(waiting_candidates(batch=batch, application_ids=request.application_ids))
    run = ScheduleRun.objects.create(batch=batch, params=request.as_json(), created_by=by)
    audit_event_append(actor=by, action="schedule_run.create", subject=run, data=run.params)
    if inline if inline is not None else count <= INLINE_LIMIT:
        return schedule_run_execute(run_id=run.pk, time_limit=min(request.time_limit, INLINE_SECONDS))
    from engcert.examiners.tasks import schedule_run_solve

    run_id = run.pk
    task_enqueue_with_work(schedule_run_solve, run_id=run_id)
    return run


def _claim(run_id: int, expected: ScheduleRunStatus, then: ScheduleRunStatus) -> bool:
    """Move the run on only if it is still where expected: a task delivered twice does the work once."""
    return bool(ScheduleRun.objects.filter(pk=run_id, status=expected).update(status=then))


def schedule_run_execute(*, run_id: int, time_limit: int | None = None) -> ScheduleRun:
    """Solve a queued run (once, however often it is called) and keep the proposal or the reasons."""
    if not _claim(run_id, ScheduleRunStatus.QUEUED, ScheduleRunStatus.RUNNING):
        return ScheduleRun.objects.get(pk=run_id)
    run = ScheduleRun.objects.select_related("batch__society").get(pk=run_id)
    last_write = [0.0]

    def progress(step: str, done: int, total: int) -> None:
        if time.monotonic() - last_write[0] >= 1.0:
            last_write[0] = time.monotonic()
            ScheduleRun.objects.filter(pk=run_id).update(
                progress={"step": step, "done": done, "total": total}
            )

    try:
        request = ScheduleRequest.from_json(run.params)
        problem = schedule_problem_build(batch=run.batch, request=request)
        no_field = sorted(c.label for c in problem.candidates if not c.qualifying)
        if no_field:
            # Said first and alone: nothing else can be judged for a candidate without a field.
            run.status, run.solver_status = ScheduleRunStatus.INFEASIBLE, "NOT_SOLVED"
            run.findings = [
                {
                    "code": "no_field",
                    "params": {
                        "names": no_field[:12],
                        "more": max(0, len(no_field) - 12),
                        "count": len(no_field),
                    },
                }
            ]
        else:
            result = schedule_solve(problem, time_limit=time_limit or request.time_limit, progress=progress)
            run.solver_status = result.solver_status
            run.seconds = round(result.seconds, 2)
            run.findings = [{"code": f.code, "params": f.params} for f in result.findings]
            run.stats = {
                **result.stats,
                "candidates": len(problem.candidates),
                "examiners": sum(1 for e in problem.examiners if e.days),
                "days": len(problem.days),
                "rooms": len(problem.rooms),
                "conflicts": len(problem.conflicts),
                "loads": {str(k): v for k, v in result.loads.items()},
            }
            if result.feasible:
                run.status = ScheduleRunStatus.PROPOSED
                run.proposal = _proposal(run, result.sessions, problem)
            else:
                run.status = ScheduleRunStatus.INFEASIBLE
    except Exception as error:  # the run must end in a state people can read, whatever broke
        logger.exception("schedule run %s failed", run_id)
        run.status = ScheduleRunStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"
    run.finished_at = timezone.now()
    run.progress = {}
    run.save()
    return run


def _proposal(run: ScheduleRun, sessions: list[Any], problem: ScheduleProblem) -> list[dict[str, Any]]:
    policy = evaluation_policy_get(society=run.batch.society)
    out = []
    for s in sessions:
        day_start = timezone.make_aware(datetime.combine(s.day, policy.day_starts_at))
        out.append(
            {
                "day": s.day.isoformat(),
                "room": s.room_id,
                "examiners": list(s.examiner_ids),
                "interviews": [
                    {
                        "application": i.candidate_id,
                        "starts_at": (day_start + timedelta(minutes=i.offset_minutes)).isoformat(),
                        "ends_at": (day_start + timedelta(minutes=i.offset_minutes + i.minutes)).isoformat(),
                    }
                    for i in s.interviews
                ],
            }
        )
    return out


def schedule_run_start_confirm(*, run: ScheduleRun, by: User, inline: bool | None = None) -> ScheduleRun:
    """Confirm at once for a few candidates, in the background for more (or as ``inline`` says)."""
    count = sum(len(s["interviews"]) for s in run.proposal)
    if inline if inline is not None else count <= INLINE_LIMIT:
        return schedule_run_confirm(run=run, by=by)
    from engcert.examiners.tasks import schedule_run_confirm_task

    # Claimed here, so a second click (or a second server) queues nothing more.
    if not _claim(run.pk, ScheduleRunStatus.PROPOSED, ScheduleRunStatus.CONFIRMING):
        run.refresh_from_db()
        return run
    run.status = ScheduleRunStatus.CONFIRMING
    run_id, user_id = run.pk, by.pk
    task_enqueue_with_work(schedule_run_confirm_task, run_id=run_id, user_id=user_id)
    return run


def schedule_run_confirm(*, run: ScheduleRun, by: User, claimed: bool = False) -> ScheduleRun:
    """Create the proposal's panels and interviews, candidate by candidate; see the module's notes.

    ``claimed``: the caller already moved the run to CONFIRMING (the background task does).
    """
    if run.status == ScheduleRunStatus.CONFIRMED:
        return run
    if not claimed and not _claim(run.pk, ScheduleRunStatus.PROPOSED, ScheduleRunStatus.CONFIRMING):
        # Someone else is confirming it right now (or it holds no proposal): nothing to do twice.
        run.refresh_from_db()
        if run.status not in (ScheduleRunStatus.CONFIRMING, ScheduleRunStatus.CONFIRMED):
            raise ScheduleError(_("Only a proposed schedule can be confirmed."))
        return run
    rooms = {r.pk: r for r in Room.objects.filter(society=run.batch.society)}
    examiners = {e.pk: e for e in Examiner.objects.filter(society=run.batch.society).select_related("user")}
    # Conflicts of every proposed pair, read once (five queries) rather than pair by pair.
    proposed = [i["application"] for s in run.proposal for i in s["interviews"]]
    conflicts = conflicts_for_many(
        examiners=[examiners[e] for e in {e for s in run.proposal for e in s["examiners"]}],
        applications=list(Application.objects.filter(pk__in=proposed)),
    )
    scheduled = already = 0
    skipped: list[dict[str, Any]] = []
    total = sum(len(s["interviews"]) for s in run.proposal)
    done = 0
    for session in run.proposal:
        for item in session["interviews"]:
            done += 1
            application = (
                Application.objects.filter(pk=item["application"])
                .select_related("batch__society", "discipline")
                .first()
            )
            if application is None:
                continue
            if Interview.objects.filter(
                application=application, schedule_run=run, status=InterviewStatus.SCHEDULED
            ).exists():
                already += 1
                continue
            try:
                _confirm_one(
                    run=run,
                    application=application,
                    examiner_ids=session["examiners"],
                    examiners=examiners,
                    room=rooms[session["room"]],
                    starts_at=datetime.fromisoformat(item["starts_at"]),
                    by=by,
                    conflicts=conflicts,
                )
            except (PanelError, InterviewError) as error:
                problems = error.problems if isinstance(error, InterviewError) else [str(error)]
                skipped.append(
                    {
                        "application": application.pk,
                        "label": candidate_label(application),
                        "problems": problems,
                    }
                )
            else:
                scheduled += 1
            if done % 25 == 0:
                ScheduleRun.objects.filter(pk=run.pk).update(
                    progress={"step": "confirm", "done": done, "total": total}
                )
    run.status = ScheduleRunStatus.CONFIRMED
    run.confirmed_at = timezone.now()
    run.confirmed_by = by
    run.progress = {}
    run.confirm_report = {"scheduled": scheduled, "already": already, "skipped": skipped}
    run.save(update_fields=["status", "confirmed_at", "confirmed_by", "progress", "confirm_report"])
    audit_event_append(actor=by, action="schedule_run.confirm", subject=run, data=run.confirm_report)
    return run


def _confirm_one(
    *,
    run: ScheduleRun,
    application: Application,
    examiner_ids: list[int],
    examiners: dict[int, Examiner],
    room: Room,
    starts_at: datetime,
    by: User,
    conflicts: dict[tuple[int, int], list[Conflict]],
) -> None:
    """One candidate, all or nothing: seats as proposed (earlier seats off), the interview, the move."""
    with transaction.atomic():
        if application.state != ApplicationState.REVIEW_PASSED:
            raise PanelError(
                _("The application is now “%(state)s”, no longer waiting for an interview.")
                % {"state": application.get_state_display()}
            )
        wanted = [examiners[i] for i in examiner_ids]
        for seat in PanelSeat.objects.filter(panel__application=application, status__in=LIVE_SEAT_VALUES):
            if seat.examiner_id not in examiner_ids:
                panel_seat_remove(seat=seat, by=by, reason=_("Replaced by the confirmed interview schedule."))
        present = set(
            PanelSeat.objects.filter(panel__application=application, status__in=LIVE_SEAT_VALUES).values_list(
                "examiner_id", flat=True
            )
        )
        for position, examiner in enumerate(wanted):
            if examiner.pk not in present:
                panel_seat_add(
                    application=application,
                    examiner=examiner,
                    by=by,
                    is_chair=position == 0,
                    by_scheduler=True,
                )
        PanelSeat.objects.filter(panel__application=application, status__in=LIVE_SEAT_VALUES).update(
            is_chair=False
        )
        PanelSeat.objects.filter(
            panel__application=application, status__in=LIVE_SEAT_VALUES, examiner=wanted[0]
        ).update(is_chair=True)
        interview_schedule(
            application=application,
            room=room,
            starts_at=starts_at,
            by=by,
            schedule_run=run,
            conflicts=conflicts,
        )
