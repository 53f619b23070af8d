"""Staff investigate an objection and record its outcome: upheld stops the candidate, dismissed lets them go on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.notices.domain.errors import NoticeError
from engcert.notices.domain.notice import notice_periods_close
from engcert.notices.domain.objection import objection_decide, objection_file, objection_notes_save
from engcert.notices.enums import NoticeStatus, ObjectionOutcome, ObjectionStatus
from engcert.notices.models import Notice, NoticeEntry, Objection
from tests.conftest import World
from tests.notices.conftest import AFTER, DURING, published

REASON = "经核实，您申请表中所列的500千伏变电站项目并非由您负责，不符合申请级别对责任经验的要求。"


def _object(entry: NoticeEntry, name: str = "张明", at: datetime = DURING) -> Objection:
    return objection_file(
        entry=entry, name=name, phone="13912345678", email="", statement="项目负责人另有其人。", now=at
    )


def test_an_upheld_objection_makes_the_candidate_not_approved_and_emails_them_the_reason(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    notice = published(world)
    entry = notice.entries.get()
    objection = _object(entry)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        objection_decide(
            objection=objection,
            outcome=ObjectionOutcome.UPHELD,
            reason_for_candidate=REASON,
            note="",
            by=world.staff,
            now=DURING,
        )
    application = Application.objects.get()
    assert application.state == S.NOT_APPROVED
    assert Objection.objects.get().status == ObjectionStatus.UPHELD
    assert [message.to for message in mail.outbox] == [[application.applicant.email]]
    assert REASON in mail.outbox[0].body
    # The objector stays unnamed to the candidate.
    assert "张明" not in mail.outbox[0].body and "13912345678" not in mail.outbox[0].body
    event = AuditEvent.objects.get(action="application.transition", to_state=S.NOT_APPROVED)
    assert (event.actor, event.reason) == (world.staff, REASON)


def test_upholding_needs_a_reason_for_the_candidate(world: World) -> None:
    notice = published(world)
    objection = _object(notice.entries.get())
    with pytest.raises(NoticeError, match="reason the candidate will read"):
        objection_decide(objection=objection, outcome=ObjectionOutcome.UPHELD, by=world.staff, now=DURING)
    assert Application.objects.get().state == S.OBJECTION


def test_a_dismissed_objection_returns_the_candidate_to_the_running_notice(world: World) -> None:
    notice = published(world)
    objection = _object(notice.entries.get())
    objection_decide(
        objection=objection,
        outcome=ObjectionOutcome.DISMISSED,
        note="经向单位核实，项目由申请人负责。",
        by=world.staff,
        now=DURING,
    )
    assert Application.objects.get().state == S.PUBLIC_NOTICE
    assert Objection.objects.get().status == ObjectionStatus.DISMISSED


def test_a_dismissed_objection_after_the_period_lets_the_candidate_pass_and_closes_the_notice(
    world: World,
) -> None:
    notice = published(world)
    objection = _object(notice.entries.get())
    notice_periods_close(now=AFTER)
    assert Application.objects.get().state == S.OBJECTION
    objection_decide(
        objection=objection,
        outcome=ObjectionOutcome.DISMISSED,
        note="经向单位核实，项目由申请人负责。",
        by=world.staff,
        now=AFTER,
    )
    assert Application.objects.get().state == S.NOTICE_PASSED
    notice.refresh_from_db()
    assert (notice.status, notice.closed_at) == (NoticeStatus.CLOSED, AFTER)


def test_the_candidate_stays_under_investigation_while_another_objection_about_them_is_open(
    world: World,
) -> None:
    notice = published(world)
    entry = notice.entries.get()
    first, second = _object(entry), _object(entry, name="李华")
    objection_decide(
        objection=first, outcome=ObjectionOutcome.DISMISSED, note="不属实。", by=world.staff, now=DURING
    )
    assert Application.objects.get().state == S.OBJECTION
    objection_decide(
        objection=second, outcome=ObjectionOutcome.DISMISSED, note="不属实。", by=world.staff, now=DURING
    )
    assert Application.objects.get().state == S.PUBLIC_NOTICE


def test_an_objection_is_decided_once(world: World) -> None:
    notice = published(world)
    objection = _object(notice.entries.get())
    objection_decide(
        objection=objection, outcome=ObjectionOutcome.DISMISSED, note="不属实。", by=world.staff, now=DURING
    )
    with pytest.raises(NoticeError, match="already decided"):
        objection_decide(
            objection=objection,
            outcome=ObjectionOutcome.UPHELD,
            reason_for_candidate=REASON,
            by=world.staff,
            now=DURING,
        )
    assert Application.objects.get().state == S.PUBLIC_NOTICE


def test_only_the_societys_staff_decide(world: World) -> None:
    notice = published(world)
    objection = _object(notice.entries.get())
    with pytest.raises(NoticeError, match="not allowed"):
        objection_decide(
            objection=objection,
            outcome=ObjectionOutcome.DISMISSED,
            note="不属实。",
            by=world.committee,
            now=DURING,
        )
    assert Objection.objects.get().status == ObjectionStatus.OPEN


def test_investigation_notes_are_saved_and_audited(world: World) -> None:
    notice = published(world)
    objection = _object(notice.entries.get())
    objection_notes_save(objection=objection, notes="已致电申报单位人事部门。", by=world.staff)
    assert Objection.objects.get().investigation_notes == "已致电申报单位人事部门。"
    assert AuditEvent.objects.filter(action="notices.objection_notes", actor=world.staff).count() == 1


def _staff_page(world: World, objection: Objection) -> str:
    return reverse("notices:staff_objection", kwargs={"society": world.society.code, "uid": objection.uid})


def test_staff_read_the_objectors_contact_and_dismiss_on_the_page(world: World) -> None:
    notice = published(world)
    objection = _object(notice.entries.get())
    client = world.client_for(world.staff)
    page = client.get(_staff_page(world, objection))
    html = page.content.decode()
    assert "张明" in html and "13912345678" in html and "项目负责人另有其人。" in html
    assert AuditEvent.objects.filter(action="notices.objection_view", actor=world.staff).count() == 1
    Notice.objects.filter(pk=notice.pk).update(ends_at=AFTER.replace(year=2099))  # the period still runs
    response = client.post(
        _staff_page(world, objection), {"action": "decide", "outcome": "dismissed", "note": "经核实不属实。"}
    )
    assert response.status_code == 302
    assert Application.objects.get().state == S.PUBLIC_NOTICE


def test_upholding_on_the_page_without_a_reason_shows_the_error_beside_the_field(world: World) -> None:
    notice = published(world)
    objection = _object(notice.entries.get())
    response = world.client_for(world.staff).post(
        _staff_page(world, objection),
        {"action": "decide", "outcome": "upheld", "note": "属实。", "reason_for_candidate": ""},
    )
    assert response.status_code == 400
    assert response.context["decision_form"].errors == {
        "reason_for_candidate": ["Please write the reason the candidate will read."]
    }
    assert Application.objects.get().state == S.OBJECTION


def test_dismissing_on_the_page_without_a_note_shows_the_error_beside_the_field(world: World) -> None:
    notice = published(world)
    objection = _object(notice.entries.get())
    response = world.client_for(world.staff).post(
        _staff_page(world, objection), {"action": "decide", "outcome": "dismissed", "note": " "}
    )
    assert response.context["decision_form"].errors == {
        "note": ["Please write why the objection is dismissed."]
    }
    assert Objection.objects.get().status == ObjectionStatus.OPEN


def test_an_upheld_candidate_leaves_the_public_page(world: World) -> None:
    from django.test import Client

    notice = published(world)
    objection = _object(notice.entries.get())
    objection_decide(
        objection=objection,
        outcome=ObjectionOutcome.UPHELD,
        reason_for_candidate=REASON,
        by=world.staff,
        now=DURING,
    )
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=datetime(2026, 11, 1, tzinfo=DURING.tzinfo),
        ends_at=datetime(2099, 1, 1, tzinfo=DURING.tzinfo),
    )
    response = Client().get(reverse("notices:public_detail", kwargs={"uid": notice.uid}))
    assert response.context["rows"] == []
