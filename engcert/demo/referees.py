"""Referee confirmations on some of the demo's submitted applications: one answered (a project
confirmed, a position disputed with a comment), others awaiting, one address undeliverable.
Prints one referee link to try."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction
from django.utils import timezone

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.organisations.models import Organisation
from engcert.referees.domain.requests import (
    SYSTEM,
    Answer,
    referee_answer_record,
    referee_request_transition,
    referee_token_issue,
    referees_ask,
)
from engcert.referees.emails import referee_link
from engcert.referees.enums import RequestState, Verdict
from engcert.referees.models import RefereeRequest

SECOND_REFEREE = {
    "referee_name": "陈静",
    "referee_position": "项目经理",
    "referee_organisation": "中国电力工程顾问集团有限公司",
    "referee_phone": "13900000002",
}
DISPUTE = "申请人2016年在该项目任助理工程师，负责部分图纸校核，并非主要设计人。"


def _sent(request: RefereeRequest) -> str:
    """Mark the request as emailed without sending anything, and return its link."""
    token = referee_token_issue(request=request)
    now = timezone.now()
    referee_request_transition(
        request=request,
        to_state=RequestState.SENT,
        actor=SYSTEM,
        by=None,
        extra_updates={"sent_at": now, "last_sent_at": now},
    )
    return referee_link(request=request, token=token)


def referees_demo_load(*, society: Organisation, stdout: TextIO | None = None) -> str:
    """Ask the referees of up to four of the society's submitted applications and leave them in
    several states. Idempotent: an application whose referees were asked already is left alone.
    Returns (and prints to ``stdout``) a link to an awaiting referee's page."""
    applications = list(
        Application.objects.filter(
            batch__society=society,
            state__in=[ApplicationState.SUBMITTED, ApplicationState.RESUBMITTED],
            referee_requests__isnull=True,
        ).order_by("submitted_at", "pk")[:4]
    )
    link = ""
    with transaction.atomic():
        for position, application in enumerate(applications):
            first = application.work_entries.order_by("start_date", "pk").first()
            if first is not None:
                # A second person, so the application shows two referees.
                for name, value in SECOND_REFEREE.items():
                    setattr(first, name, value)
                first.referee_email = f"chen.jing.{application.pk}@demo.engcert"
                first.save(update_fields=[*SECOND_REFEREE, "referee_email"])
            requests = referees_ask(application=application, by=None)
            links = {request.pk: _sent(request) for request in requests}
            main = next((r for r in requests if r.claims.count() > 1), requests[0] if requests else None)
            other = next((r for r in requests if r != main), None)
            if main is None:
                continue
            if position == 0:
                claims = list(main.claims.order_by("pk"))
                answers = {
                    claim.pk: Answer(Verdict.CONFIRMED, "")
                    if index == 0
                    else Answer(Verdict.DISPUTED, DISPUTE)
                    for index, claim in enumerate(claims)
                }
                referee_answer_record(request=main, answers=answers)
                if other is not None:
                    link = link or links[other.pk]
            elif position == 1 and other is not None:
                referee_request_transition(
                    request=other,
                    to_state=RequestState.UNDELIVERABLE,
                    actor=SYSTEM,
                    by=None,
                    reason="The mail server refused the address: 550 5.1.1 mailbox unavailable",
                    data={"smtp": "550 5.1.1 mailbox unavailable"},
                )
                link = link or links[main.pk]
            else:
                link = link or links[main.pk]
    if stdout is not None and link:
        stdout.write(f"A referee's link to try (no sign-in needed): {link}\n")
    return link
