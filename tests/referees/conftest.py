"""A submitted application whose claims name two referees: 李建国 confirms the project and the
later position, 陈静 the first position. Emails go to Django's outbox; the links are read there."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail

from engcert.applications.domain.application import application_submit
from engcert.applications.models import Application, Project, WorkEntry
from engcert.referees.models import RefereeRequest
from tests.conftest import World

LINK = re.compile(r"https?://[^\s]+/referee/([0-9a-f-]{36})/([A-Za-z0-9_\-]+)/")

REFEREE_A = {
    "referee_name": "李建国",
    "referee_position": "总工程师",
    "referee_organisation": "山东电力建设第三工程有限公司",
    "referee_email": "li.jianguo@example.com",
    "referee_phone": "13900000001",
}
REFEREE_B = {
    "referee_name": "陈静",
    "referee_position": "项目经理",
    "referee_organisation": "中国电力工程顾问集团",
    "referee_email": "chen.jing@example.com",
    "referee_phone": "13900000002",
}


def name_referees(application: Application) -> None:
    """The project and the later position name 李建国; the first position names 陈静."""
    first, second = application.work_entries.order_by("start_date")
    for row, referee in ((application.projects.get(), REFEREE_A), (second, REFEREE_A), (first, REFEREE_B)):
        for name, value in referee.items():
            setattr(row, name, value)
        row.save()


@dataclass(frozen=True)
class Sent:
    to: str
    uid: str
    token: str
    subject: str
    body: str

    @property
    def path(self) -> str:
        return f"/referee/{self.uid}/{self.token}/"


def links_sent(since: int = 0) -> list[Sent]:
    """The referee emails in the outbox from position ``since``, with their link."""
    found = []
    for message in mail.outbox[since:]:
        match = LINK.search(str(message.body))
        if match:
            found.append(
                Sent(message.to[0], match.group(1), match.group(2), message.subject, str(message.body))
            )
    return found


def link_for(email: str, since: int = 0) -> Sent:
    return [sent for sent in links_sent(since) if sent.to == email][-1]


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Callable[[Application], Application]:
    def run(application: Application) -> Application:
        with django_capture_on_commit_callbacks(execute=True):
            application_submit(application=application, by=application.applicant)
        application.refresh_from_db()
        return application

    return run


@pytest.fixture
def submitted(
    world: World, complete_draft: Application, submit: Callable[[Application], Application]
) -> Application:
    name_referees(complete_draft)
    mail.outbox.clear()
    return submit(complete_draft)


def request_of(application: Application, email: str) -> RefereeRequest:
    return (
        RefereeRequest.objects.filter(application=application, email=email)
        .order_by("-created_at", "-pk")
        .first()
    )  # type: ignore[return-value]


def project_of(application: Application) -> Project:
    return application.projects.get()


def work_of(application: Application) -> tuple[WorkEntry, WorkEntry]:
    first, second = application.work_entries.order_by("start_date")
    return first, second


@pytest.fixture(autouse=True)
def _fresh_visit_counts() -> None:
    """Every test starts with no visits counted against its address."""
    from django.core.cache import cache

    cache.clear()
