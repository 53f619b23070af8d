"""Approved candidates ready for a notice, the holiday calendar, and a notice published on them."""

from __future__ import annotations

from datetime import date, datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.core.cache import cache

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.notices.domain.calendar import BEIJING
from engcert.notices.domain.notice import notice_publish
from engcert.notices.models import CalendarDay, Notice
from tests.conftest import World
from tests.evaluation_helpers import advance, candidate_interviewed

# A notice of five working days from Monday 2026-11-30 runs to Friday 2026-12-04 (no holiday).
START = date(2026, 11, 30)
DURING = datetime(2026, 12, 2, 10, 0, tzinfo=BEIJING)
AFTER = datetime(2026, 12, 5, 0, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _calendar(db: None) -> None:
    """The State Council's holidays, as the data migration loads them (a transactional test's
    flush removes them)."""
    if not CalendarDay.objects.exists():
        import_module("engcert.notices.migrations.0002_load_public_holidays_2025_2027").load(apps, None)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def approved(world: World, index: int) -> Application:
    application = candidate_interviewed(world, index=index)
    return advance(world, application, to=S.APPROVED)


def published(world: World, count: int = 1, *, starts_on: date = START) -> Notice:
    for index in range(1, count + 1):
        approved(world, index)
    return notice_publish(
        batch=world.batch, starts_on=starts_on, by=world.staff, now=datetime(2026, 11, 25, tzinfo=BEIJING)
    )


def running_notice(world: World, count: int = 1) -> Notice:
    """A notice that runs now (it starts today), for the pages, which read the clock."""
    from django.utils import timezone

    for index in range(1, count + 1):
        approved(world, index)
    return notice_publish(batch=world.batch, starts_on=timezone.localdate(), by=world.staff)


def objection_post(**overrides: object) -> dict[str, object]:
    """What a person sends from the objection form, a minute after opening it."""
    import time

    from engcert.notices.forms import form_token_issue

    data: dict[str, object] = {
        "name": "张明",
        "phone": "13912345678",
        "email": "",
        "statement": "该候选人申请表中所列的500千伏变电站项目并非其负责，项目负责人另有其人。",
        "website": "",
        "shown": form_token_issue(at=time.time() - 60),
    }
    data.update(overrides)
    return data
