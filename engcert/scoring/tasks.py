"""Background work of the examiners' side: telling staff of a declared conflict, reminding of sheets."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from engcert.accounts.models import User
from engcert.examiners.models import PanelSeat
from engcert.examiners.selectors import evaluation_policy_for
from engcert.organisations.enums import Role
from engcert.scoring.domain.reminders import sheet_reminders_send
from engcert.scoring.selectors import LIVE_SEAT_VALUES
from engcert.tasks_queue import rerunnable


@rerunnable
@task()
def seat_conflict_notify(*, seat_id: int) -> None:
    """Tell the society's staff that an examiner gave up a seat over a conflict of interest."""
    seat = PanelSeat.objects.select_related(
        "examiner__user", "panel__application__batch__society__evaluation_policy"
    ).get(pk=seat_id)
    application = seat.panel.application
    society = application.batch.society
    policy = evaluation_policy_for(society=society)
    live = PanelSeat.objects.filter(panel=seat.panel, status__in=LIVE_SEAT_VALUES).count()
    staff = User.objects.filter(
        memberships__organisation=society,
        memberships__role=Role.STAFF,
        memberships__is_active=True,
        is_active=True,
    ).distinct()
    for person in staff:
        with translation.override(person.language):
            context = {
                "person": person,
                "seat": seat,
                "examiner": seat.examiner.user,
                "application": application,
                "live": live,
                "required": policy.min_panel_size,
                "short_by": max(0, policy.min_panel_size - live),
                "url": f"{settings.SITE_URL}/staff/{society.code}/applications/{application.uid}/scores/",
            }
            subject = render_to_string("scoring/email/conflict_subject.txt", context).strip()
            body = render_to_string("scoring/email/conflict_body.txt", context)
        send_mail(subject, body, None, [person.email])


@task()
def score_sheet_reminders_send() -> int:
    """Hourly (cron runs `manage.py send_score_sheet_reminders`): remind of overdue and nearly due sheets."""
    return sheet_reminders_send(now=timezone.now())
