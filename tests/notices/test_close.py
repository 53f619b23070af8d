"""At the end of the period a scheduled job lets the candidates pass; objections hold theirs."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.notices.domain.notice import CloseReport, notice_periods_close
from engcert.notices.domain.objection import objection_file
from engcert.notices.enums import NoticeStatus
from engcert.notices.models import Notice
from engcert.notices.tasks import notice_periods_close_task
from tests.conftest import World
from tests.notices.conftest import AFTER, DURING, published


def _states() -> list[str]:
    return list(Application.objects.order_by("notice_entries__position").values_list("state", flat=True))


def test_an_open_objection_stops_its_candidate_at_the_period_end_while_the_others_pass(world: World) -> None:
    notice = published(world, count=3)
    held = notice.entries.get(position=2)
    objection_file(
        entry=held, name="张明", phone="13912345678", email="", statement="项目负责人另有其人。", now=DURING
    )
    report = notice_periods_close(now=AFTER)
    assert report == CloseReport(notices=1, passed=2, held=1, closed=0)
    assert _states() == [S.NOTICE_PASSED, S.OBJECTION, S.NOTICE_PASSED]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN
    passed = AuditEvent.objects.filter(action="application.transition", to_state=S.NOTICE_PASSED)
    assert [event.actor for event in passed] == [None, None]


def test_nothing_moves_before_the_period_ends(world: World) -> None:
    published(world, count=2)
    assert notice_periods_close(now=DURING) == CloseReport(notices=0, passed=0, held=0, closed=0)
    assert _states() == [S.PUBLIC_NOTICE, S.PUBLIC_NOTICE]


def test_closing_again_changes_nothing_more(world: World) -> None:
    published(world, count=2)
    assert notice_periods_close(now=AFTER) == CloseReport(notices=1, passed=2, held=0, closed=1)
    assert notice_periods_close(now=AFTER) == CloseReport(notices=0, passed=0, held=0, closed=0)
    assert AuditEvent.objects.filter(action="notices.close").count() == 1
    assert Notice.objects.get().status == NoticeStatus.CLOSED


def test_the_management_command_closes_ended_notices_and_says_what_it_did(world: World) -> None:
    notice = published(world, count=1)
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=notice.starts_at.replace(year=2025), ends_at=notice.ends_at.replace(year=2025)
    )
    out = StringIO()
    call_command("close_public_notices", stdout=out)
    assert out.getvalue().strip() == (
        "notices due: 1, candidates passed: 1, waiting on an objection: 0, notices closed: 1"
    )
    call_command("close_public_notices", stdout=out)
    assert _states() == [S.NOTICE_PASSED]


def test_the_task_does_the_same_work(world: World) -> None:
    notice = published(world, count=1)
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=notice.starts_at.replace(year=2025), ends_at=notice.ends_at.replace(year=2025)
    )
    result = notice_periods_close_task.enqueue()
    assert result.return_value == {"notices": 1, "passed": 1, "held": 0, "closed": 1}
    assert _states() == [S.NOTICE_PASSED]
