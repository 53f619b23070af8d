"""The checks every change to a panel or an interview runs again: composition of the panel,
conflicts of interest, examiners' terms and available days, double bookings, the daily cap,
the room, and the days the candidate cannot come. Each problem is a sentence for people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.examiners.domain.conflicts import Conflict, conflicts_for
from engcert.examiners.enums import InterviewStatus
from engcert.examiners.models import (
    CandidateUnavailability,
    EvaluationPolicy,
    Examiner,
    ExaminerAvailability,
    Interview,
    Room,
)
from engcert.examiners.selectors import LIVE_SEAT_VALUES


def interviews_holding_time() -> QuerySet[Interview]:
    """Scheduled interviews that still hold their room and panel (a withdrawn candidate's do not)."""
    return Interview.objects.filter(
        status=InterviewStatus.SCHEDULED, application__state=ApplicationState.INTERVIEW_SCHEDULED
    )


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day, time.max))


def qualifies(examiner: Examiner, application: Application) -> bool:
    """The examiner holds the candidate's discipline or its parent field (disciplines prefetched or not)."""
    discipline = application.discipline
    if discipline is None:
        return False
    wanted = {discipline.pk, discipline.parent_id} - {None}
    return any(d.pk in wanted for d in examiner.disciplines.all())


def composition_problems(
    *, application: Application, examiners: Sequence[Examiner], policy: EvaluationPolicy
) -> list[str]:
    """What keeps these examiners from being a complete panel for this candidate."""
    problems = []
    if len(examiners) < policy.min_panel_size:
        problems.append(
            _("The panel has %(count)d of the %(needed)d examiners it needs.")
            % {"count": len(examiners), "needed": policy.min_panel_size}
        )
    if not any(qualifies(e, application) for e in examiners):
        problems.append(
            _("Nobody on the panel examines the candidate's field (%(field)s).")
            % {"field": application.discipline.path_name if application.discipline else "—"}
        )
    inactive = [str(e.user) for e in examiners if not e.is_active]
    if inactive:
        problems.append(_("No longer active examiners: %(names)s.") % {"names": ", ".join(inactive)})
    return problems


def examiner_problems(
    *,
    examiner: Examiner,
    application: Application,
    policy: EvaluationPolicy,
    interview_times: tuple[datetime, datetime] | None = None,
    exclude: Iterable[int] = (),
    conflicts: list[Conflict] | None = None,
    today: date | None = None,
) -> list[str]:
    """Why this examiner may not sit on this candidate's panel (at this interview time, if any)."""
    name = str(examiner.user)
    problems = []
    if examiner.society_id != application.batch.society_id:
        problems.append(_("%(name)s is not in this society's examiner pool.") % {"name": name})
        return problems
    if not examiner.is_active:
        problems.append(_("%(name)s is no longer an active examiner.") % {"name": name})
    found = conflicts if conflicts is not None else conflicts_for(examiner=examiner, application=application)
    for conflict in found:
        problems.append(
            _("Conflict of interest (%(reason)s): %(detail)s")
            % {"reason": conflict.label, "detail": conflict.detail}
        )
    if interview_times is None:
        day = today or timezone.localdate()
        if examiner.term_ends < day:
            problems.append(
                _("%(name)s's term ended on %(end)s.") % {"name": name, "end": examiner.term_ends}
            )
        return problems
    day = local_day(interview_times[0])
    if not examiner.term_starts <= day <= examiner.term_ends:
        problems.append(
            _("%(name)s is appointed from %(start)s to %(end)s, which does not include %(day)s.")
            % {"name": name, "start": examiner.term_starts, "end": examiner.term_ends, "day": day}
        )
    starts_at, ends_at = interview_times
    if not ExaminerAvailability.objects.filter(examiner=examiner, date=day).exists():
        problems.append(_("%(name)s is not available on %(day)s.") % {"name": name, "day": day})
    theirs = (
        interviews_holding_time()
        .filter(
            application__panel__seats__examiner=examiner,
            application__panel__seats__status__in=LIVE_SEAT_VALUES,
        )
        .exclude(pk__in=list(exclude))
        .exclude(application=application)
    )
    if theirs.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        problems.append(_("%(name)s sits on another interview at that time.") % {"name": name})
    first, last = day_bounds(day)
    that_day = theirs.filter(starts_at__gte=first, starts_at__lte=last).count()
    if that_day >= policy.max_interviews_per_day:
        problems.append(
            _("%(name)s already has %(count)d interviews on %(day)s (at most %(most)d a day).")
            % {"name": name, "count": that_day, "day": day, "most": policy.max_interviews_per_day}
        )
    return problems


def slot_problems(
    *,
    application: Application,
    room: Room,
    starts_at: datetime,
    ends_at: datetime,
    policy: EvaluationPolicy,
    exclude: Iterable[int] = (),
) -> list[str]:
    """Why the candidate cannot be interviewed in this room at this time."""
    problems = []
    exclude = list(exclude)
    day = local_day(starts_at)
    if ends_at <= starts_at:
        problems.append(_("The interview must end after it starts."))
    if room.society_id != application.batch.society_id:
        problems.append(_("The room belongs to another society."))
    if not room.is_active:
        problems.append(_("%(room)s is no longer in use.") % {"room": room.name})
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if (
        local_start.time() < policy.day_starts_at
        or local_end.time() > policy.day_ends_at
        or local_end.date() != day
    ):
        problems.append(
            _("Interviews take place between %(start)s and %(end)s.")
            % {"start": policy.day_starts_at.strftime("%H:%M"), "end": policy.day_ends_at.strftime("%H:%M")}
        )
    if starts_at <= timezone.now():
        problems.append(_("The interview must be in the future."))
    if CandidateUnavailability.objects.filter(application=application, date=day).exists():
        problems.append(_("The candidate said they cannot attend on %(day)s.") % {"day": day})
    taken = (
        interviews_holding_time()
        .filter(room=room, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk__in=exclude)
        .exclude(application=application)
    )
    if taken.exists():
        problems.append(_("%(room)s holds another interview at that time.") % {"room": room.name})
    return problems
