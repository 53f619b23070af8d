"""Scheduling an interview by hand, moving it, and recording that the candidate did not come.

A moved interview is cancelled and a new one made, so the history stays. Every change runs the
checks again (``checks.py``) for the whole panel; the candidate is told by email, with a
calendar file, after the change is committed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState, AssessmentPath
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.examiners.domain.checks import composition_problems, examiner_problems, slot_problems
from engcert.examiners.domain.conflicts import Conflict
from engcert.examiners.enums import InterviewStatus
from engcert.examiners.models import EvaluationPolicy, Interview, Room, ScheduleRun
from engcert.examiners.selectors import evaluation_policy_get, live_seats
from engcert.tasks_queue import task_enqueue_with_work

ConflictMap = dict[tuple[int, int], list[Conflict]]


class InterviewError(Exception):
    """A refused interview change; ``problems`` lists every reason, each a sentence for people."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def interview_minutes(*, application: Application, policy: EvaluationPolicy) -> int:
    if application.assessment_path == AssessmentPath.SIMPLIFIED:
        return policy.simplified_interview_minutes
    return policy.interview_minutes


def interview_times(
    *, application: Application, policy: EvaluationPolicy, day: date, start: time
) -> tuple[datetime, datetime]:
    starts_at = timezone.make_aware(datetime.combine(day, start))
    return starts_at, starts_at + timedelta(minutes=interview_minutes(application=application, policy=policy))


def interview_problems(
    *,
    application: Application,
    room: Room,
    starts_at: datetime,
    ends_at: datetime,
    policy: EvaluationPolicy,
    exclude: list[int],
    conflicts: ConflictMap | None = None,
) -> list[str]:
    """Every reason the candidate's current panel cannot interview them in this room at this time.

    ``conflicts``: the pairs' conflicts already read for many candidates at once (``conflicts_for_many``).
    """
    examiners = [seat.examiner for seat in live_seats(application=application)]
    problems = composition_problems(application=application, examiners=examiners, policy=policy)
    problems += slot_problems(
        application=application,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        policy=policy,
        exclude=exclude,
    )
    for examiner in examiners:
        problems += examiner_problems(
            examiner=examiner,
            application=application,
            policy=policy,
            interview_times=(starts_at, ends_at),
            exclude=exclude,
            conflicts=conflicts.get((application.pk, examiner.pk), []) if conflicts is not None else None,
        )
    return problems


def _notify(interview_id: int, *, moved: bool) -> None:
    from engcert.examiners.tasks import interview_notify_candidate

    task_enqueue_with_work(interview_notify_candidate, interview_id=interview_id, moved=moved)


def interview_schedule(
    *,
    application: Application,
    room: Room,
    starts_at: datetime,
    by: User,
    schedule_run: ScheduleRun | None = None,
    checked: bool = False,
    conflicts: ConflictMap | None = None,
) -> Interview:
    """Schedule the interview of a candidate whose panel is complete; the application moves to
    “interview scheduled”. ``checked``: the caller ran ``interview_problems`` under the same lock."""
    policy = evaluation_policy_get(society=application.batch.society)
    ends_at = starts_at + timedelta(minutes=interview_minutes(application=application, policy=policy))
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("batch__society").get(pk=application.pk)
        )
        if locked.state != ApplicationState.REVIEW_PASSED:
            raise InterviewError(
                [
                    _(
                        "Only a candidate who passed the initial review can be scheduled; this one is “%(state)s”."
                    )
                    % {"state": locked.get_state_display()}
                ]
            )
        if not checked:
            problems = interview_problems(
                application=locked,
                room=room,
                starts_at=starts_at,
                ends_at=ends_at,
                policy=policy,
                exclude=[],
                conflicts=conflicts,
            )
            if problems:
                raise InterviewError(problems)
        interview = Interview.objects.create(
            application=locked,
            starts_at=starts_at,
            ends_at=ends_at,
            room=room,
            created_by=by,
            schedule_run=schedule_run,
        )
        try:
            application_transition(
                application=locked,
                to_state=ApplicationState.INTERVIEW_SCHEDULED,
                by=by,
                data={"interview": interview.pk},
            )
        except TransitionError as error:
            raise InterviewError([str(error)]) from error
        audit_event_append(
            actor=by,
            action="interview.schedule",
            subject=interview,
            application=locked,
            data={
                "room": room.pk,
                "starts_at": starts_at.isoformat(),
                "run": schedule_run.pk if schedule_run else None,
            },
        )
        _notify(interview.pk, moved=False)
    application.state = locked.state
    application.state_changed_at = locked.state_changed_at
    return interview


def interview_move(
    *, interview: Interview, room: Room, starts_at: datetime, by: User, reason: str
) -> Interview:
    """Move an interview: the old one is cancelled with the reason, a new one made, the candidate told."""
    reason = reason.strip()
    if not reason:
        raise InterviewError([_("Please give a reason for moving the interview.")])
    with transaction.atomic():
        old = (
            Interview.objects.select_for_update()
            .select_related("application__batch__society")
            .get(pk=interview.pk)
        )
        application = old.application
        if (
            old.status != InterviewStatus.SCHEDULED
            or application.state != ApplicationState.INTERVIEW_SCHEDULED
        ):
            raise InterviewError([_("Only a scheduled interview that has not been held can be moved.")])
        policy = evaluation_policy_get(society=application.batch.society)
        ends_at = starts_at + (old.ends_at - old.starts_at)
        problems = interview_problems(
            application=application,
            room=room,
            starts_at=starts_at,
            ends_at=ends_at,
            policy=policy,
            exclude=[old.pk],
        )
        if problems:
            raise InterviewError(problems)
        old.status = InterviewStatus.CANCELLED
        old.note = (old.note + "\n" if old.note else "") + _("Moved: %(reason)s") % {"reason": reason}
        old.save(update_fields=["status", "note"])
        new = Interview.objects.create(
            application=application,
            starts_at=starts_at,
            ends_at=ends_at,
            room=room,
            created_by=by,
            note=reason,
        )
        audit_event_append(
            actor=by,
            action="interview.move",
            subject=new,
            application=application,
            reason=reason,
            data={
                "from": {"interview": old.pk, "room": old.room_id, "starts_at": old.starts_at.isoformat()},
                "to": {"interview": new.pk, "room": room.pk, "starts_at": starts_at.isoformat()},
            },
        )
        _notify(new.pk, moved=True)
    interview.status = old.status
    return new


def interview_record_no_show(*, interview: Interview, by: User, reason: str) -> Interview:
    """The candidate did not come: the interview is marked so, and the application goes back to
    “initial review passed” with the reason, ready to be scheduled again."""
    reason = reason.strip()
    if not reason:
        raise InterviewError([_("Please say what happened.")])
    with transaction.atomic():
        locked = (
            Interview.objects.select_for_update().select_related("application__batch").get(pk=interview.pk)
        )
        if locked.status != InterviewStatus.SCHEDULED:
            raise InterviewError([_("Only a scheduled interview can be recorded as missed.")])
        if locked.starts_at > timezone.now():
            raise InterviewError([_("A missed interview can be recorded once its time has come.")])
        locked.status = InterviewStatus.NO_SHOW
        locked.note = (locked.note + "\n" if locked.note else "") + reason
        locked.save(update_fields=["status", "note"])
        try:
            application_transition(
                application=locked.application,
                to_state=ApplicationState.REVIEW_PASSED,
                by=by,
                reason=reason,
                data={"interview": locked.pk, "no_show": True},
            )
        except TransitionError as error:
            raise InterviewError([str(error)]) from error
        audit_event_append(
            actor=by,
            action="interview.no_show",
            subject=locked,
            application=locked.application,
            reason=reason,
        )
    interview.status = locked.status
    return locked
