"""Background work: telling the candidate about their interview, solving and confirming schedules."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from engcert.examiners.domain.ics import interview_ics
from engcert.examiners.models import Interview
from engcert.examiners.selectors import LIVE_SEAT_VALUES
from engcert.tasks_queue import rerunnable


@rerunnable
@task()
def interview_notify_candidate(*, interview_id: int, moved: bool) -> None:
    """The time, the place or the link, the panel's size (never the examiners' names) and a calendar file."""
    interview = Interview.objects.select_related("application__applicant", "application__batch", "room").get(
        pk=interview_id
    )
    application = interview.application
    person = application.applicant
    panel_size = application.panel.seats.filter(status__in=LIVE_SEAT_VALUES).count()
    sequence = Interview.objects.filter(application=application, created_at__lt=interview.created_at).count()
    with translation.override(person.language):
        context = {
            "application": application,
            "interview": interview,
            "room": interview.room,
            "starts": timezone.localtime(interview.starts_at),
            "ends": timezone.localtime(interview.ends_at),
            "panel_size": panel_size,
            "moved": moved,
            "url": f"{settings.SITE_URL}/applications/{application.uid}/",
        }
        subject = render_to_string("examiners/email/interview_subject.txt", context).strip()
        body = render_to_string("examiners/email/interview_body.txt", context)
        calendar = interview_ics(interview=interview, panel_size=panel_size, sequence=sequence)
    message = EmailMultiAlternatives(subject, body, None, [application.email or person.email])
    message.attach("interview.ics", calendar, "text/calendar; charset=utf-8; method=PUBLISH")
    message.send()
    Interview.objects.filter(pk=interview.pk).update(notified_at=timezone.now())


@task()
def schedule_run_solve(*, run_id: int) -> None:
    from engcert.examiners.domain.schedule_runs import schedule_run_execute

    schedule_run_execute(run_id=run_id)


@task()
def schedule_run_confirm_task(*, run_id: int, user_id: int) -> None:
    from engcert.accounts.models import User
    from engcert.examiners.domain.schedule_runs import schedule_run_confirm
    from engcert.examiners.enums import ScheduleRunStatus
    from engcert.examiners.models import ScheduleRun

    run = ScheduleRun.objects.get(pk=run_id)
    if run.status == ScheduleRunStatus.CONFIRMING:
        schedule_run_confirm(run=run, by=User.objects.get(pk=user_id), claimed=True)
