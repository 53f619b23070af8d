"""Staff publish a notice of a batch's approved candidates; the end is counted in working days."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from engcert.applications.enums import ApplicationState as S
from engcert.audit.models import AuditEvent
from engcert.notices.domain.errors import NoticeError
from engcert.notices.domain.notice import notice_policy_update, notice_publish
from engcert.notices.models import Notice, NoticeEntry
from tests.conftest import World
from tests.notices.conftest import approved


def test_publishing_moves_every_approved_candidate_into_the_notice_and_computes_the_end(world: World) -> None:
    first, second = approved(world, 1), approved(world, 2)
    notice = notice_publish(batch=world.batch, starts_on=date(2026, 9, 30), by=world.staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (S.PUBLIC_NOTICE, S.PUBLIC_NOTICE)
    assert (notice.working_days, notice.last_day) == (5, date(2026, 10, 12))
    assert list(notice.entries.order_by("position").values_list("application_id", "position")) == [
        (first.pk, 1),
        (second.pk, 2),
    ]
    assert AuditEvent.objects.filter(action="notices.publish", subject_id=str(notice.pk)).count() == 1


@pytest.mark.parametrize("days", [0, -3])
def test_a_notice_of_zero_or_negative_working_days_is_refused_and_nothing_moves(
    world: World, days: int
) -> None:
    candidate = approved(world, 1)
    with pytest.raises(NoticeError, match="at least one working day"):
        notice_publish(batch=world.batch, starts_on=date(2026, 11, 30), working_days=days, by=world.staff)
    candidate.refresh_from_db()
    assert candidate.state == S.APPROVED
    assert Notice.objects.count() == 0


def test_the_policy_sets_the_length_of_the_next_notice(world: World) -> None:
    approved(world, 1)
    notice_policy_update(
        society=world.society, working_days=7, contact="学会办公室 010-12345678", by=world.staff
    )
    notice = notice_publish(batch=world.batch, starts_on=date(2026, 11, 30), by=world.staff)
    assert (notice.working_days, notice.last_day, notice.contact) == (
        7,
        date(2026, 12, 8),
        "学会办公室 010-12345678",
    )


def test_staff_publish_the_chosen_candidates_on_the_page_and_read_the_end(world: World) -> None:
    chosen, left = approved(world, 1), approved(world, 2)
    client = world.client_for(world.staff)
    url = reverse("notices:staff_publish", kwargs={"society": world.society.code, "batch": world.batch.pk})
    page = client.get(url)
    assert page.status_code == 200
    # Every approved candidate is ticked unless staff untick some.
    assert sorted(page.context["form"].fields["candidates"].initial) == sorted([chosen.pk, left.pk])
    today = timezone.localdate()
    response = client.post(
        url,
        {"starts_on": today.isoformat(), "working_days": "5", "contact": "", "candidates": [str(chosen.pk)]},
        follow=True,
    )
    notice = Notice.objects.get()
    assert response.redirect_chain == [
        (reverse("notices:staff_detail", kwargs={"society": world.society.code, "uid": notice.uid}), 302)
    ]
    assert f"until the end of {notice.last_day.isoformat()}" in response.content.decode()
    chosen.refresh_from_db()
    left.refresh_from_db()
    assert (chosen.state, left.state) == (S.PUBLIC_NOTICE, S.APPROVED)


def test_zero_working_days_on_the_page_gives_an_error_beside_the_field(world: World) -> None:
    candidate = approved(world, 1)
    client = world.client_for(world.staff)
    url = reverse("notices:staff_publish", kwargs={"society": world.society.code, "batch": world.batch.pk})
    response = client.post(
        url,
        {
            "starts_on": timezone.localdate().isoformat(),
            "working_days": "0",
            "candidates": [str(candidate.pk)],
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "working_days": ["A public notice lasts at least one working day."]
    }
    assert NoticeEntry.objects.count() == 0


def test_the_end_date_preview_publishes_nothing(world: World) -> None:
    candidate = approved(world, 1)
    client = world.client_for(world.staff)
    url = reverse("notices:staff_publish", kwargs={"society": world.society.code, "batch": world.batch.pk})
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "starts_on": today.isoformat(),
            "working_days": "5",
            "candidates": [str(candidate.pk)],
            "preview": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["preview_last_day"] > today
    assert Notice.objects.count() == 0


def test_a_notice_cannot_start_in_the_past_on_the_page(world: World) -> None:
    candidate = approved(world, 1)
    client = world.client_for(world.staff)
    url = reverse("notices:staff_publish", kwargs={"society": world.society.code, "batch": world.batch.pk})
    yesterday = timezone.localdate().toordinal() - 1
    response = client.post(
        url,
        {
            "starts_on": date.fromordinal(yesterday).isoformat(),
            "working_days": "5",
            "candidates": [str(candidate.pk)],
        },
    )
    assert response.context["form"].errors == {"starts_on": ["The notice cannot start in the past."]}
