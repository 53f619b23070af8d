"""The yearly audit draw: recorded, reproducible by anyone, once per society and year; staff's
outcome for each drawn member, who is told by email."""

from __future__ import annotations

import hashlib
import hmac
import io
import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from engcert.audit.models import AuditEvent
from engcert.certificates.enums import CertificateStatus
from engcert.cpd.domain import CpdError, audit_draw_make
from engcert.cpd.enums import AuditOutcome
from engcert.cpd.models import AuditDraw, AuditSelection
from engcert.cpd.selectors import cpd_rule_get
from tests.conftest import World
from tests.cpd.members import activity_add, member_create, member_user

SEED = "9f2c4b1e7a35d8c06b1f2e3d4c5b6a7980f1e2d3c4b5a6978812345abcdef012"


def _members(world: World, count: int) -> list:
    today = timezone.localdate()
    return [
        member_create(
            society=world.society,
            holder=member_user(f"a{index}@example.com", f"受审{index}"),
            name=f"受审{index}",
            valid_from=today - timedelta(days=200),
        )
        for index in range(count)
    ]


def _independent_draw(seed: str, numbers: list[str], share: Decimal) -> list[str]:
    keyed = sorted(numbers, key=lambda n: hmac.new(seed.encode(), n.encode(), hashlib.sha256).hexdigest())
    return keyed[: math.ceil(share * len(numbers) / 100)]


def test_the_draw_takes_the_share_rounded_up_in_hmac_order(world: World):
    members = _members(world, 41)
    # Not in force on the day: never drawn.
    revoked = member_create(
        society=world.society,
        holder=None,
        name="吊销",
        valid_from=timezone.localdate() - timedelta(days=50),
        status=CertificateStatus.REVOKED,
    )

    draw = audit_draw_make(society=world.society, year=timezone.localdate().year, by=world.staff, seed=SEED)

    numbers = sorted(m.member_number for m in members)
    expected = _independent_draw(SEED, numbers, Decimal("5"))
    assert len(expected) == 3  # ceil(5 % × 41) = ceil(2.05)
    assert draw.population == numbers and revoked.member_number not in draw.population
    assert (
        list(draw.selections.order_by("rank").values_list("registration__member_number", flat=True))
        == expected
    )
    assert AuditEvent.objects.filter(action="cpd.audit_drawn").get().data["chosen"] == expected


def test_each_drawn_member_is_told_by_email(world: World, django_capture_on_commit_callbacks):
    _members(world, 3)
    rule = cpd_rule_get(society=world.society)
    rule.audit_share_percent = Decimal("50")
    rule.save()

    with django_capture_on_commit_callbacks(execute=True):
        draw = audit_draw_make(
            society=world.society, year=timezone.localdate().year, by=world.staff, seed=SEED
        )

    drawn = [s.registration.holder.email for s in draw.selections.order_by("rank")]
    assert len(drawn) == 2
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([email], f"Your CPD has been drawn for the {draw.year} audit") for email in drawn
    ]


def test_a_second_draw_for_the_same_year_is_refused(world: World):
    _members(world, 3)
    year = timezone.localdate().year
    audit_draw_make(society=world.society, year=year, by=world.staff)

    with pytest.raises(CpdError, match=f"The audit draw of {year} has already been made."):
        audit_draw_make(society=world.society, year=year, by=world.staff)
    response = world.client_for(world.staff).post(
        reverse("cpd:staff_audits", args=[world.society.code]), {"year": year}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"year": [f"The audit draw of {year} has already been made."]}
    assert AuditDraw.objects.count() == 1


def test_staff_draw_on_the_page_and_see_the_seed_and_how_to_rerun_it(world: World):
    _members(world, 4)
    client = world.client_for(world.staff)
    year = timezone.localdate().year

    response = client.post(reverse("cpd:staff_audits", args=[world.society.code]), {"year": year})

    draw = AuditDraw.objects.get()
    assert response["Location"] == reverse("cpd:staff_audit", args=[world.society.code, draw.pk])
    page = client.get(response["Location"]).content.decode()
    assert draw.seed in page
    assert f"python manage.py cpd_audit_draw --verify {draw.pk} --show" in page
    assert "Re-computed just now: the same members, in the same order" in page


def test_the_verify_command_recomputes_the_draw_and_catches_a_changed_record(world: World):
    _members(world, 30)
    draw = audit_draw_make(society=world.society, year=timezone.localdate().year, by=world.staff, seed=SEED)
    out = io.StringIO()

    call_command("cpd_audit_draw", verify=draw.pk, stdout=out)

    assert (
        out.getvalue().splitlines()[-1]
        == "OK: the recorded members are exactly the re-computed draw, in order."
    )
    # Someone swaps a drawn member for another in the database.
    selection = draw.selections.get(rank=1)
    other = next(
        r
        for r in draw.population
        if r not in set(draw.selections.values_list("registration__member_number", flat=True))
    )
    from engcert.registration.models import Registration

    selection.registration = Registration.objects.get(member_number=other)
    selection.save()
    with pytest.raises(CommandError, match="MISMATCH"):
        call_command("cpd_audit_draw", verify=draw.pk, stdout=io.StringIO())


def test_staff_record_an_outcome_and_the_member_is_told(world: World, django_capture_on_commit_callbacks):
    (member,) = _members(world, 1)
    activity_add(member, on=timezone.localdate(), hours="12")
    draw = audit_draw_make(society=world.society, year=timezone.localdate().year, by=world.staff)
    selection = draw.selections.get()
    mail.outbox.clear()
    client = world.client_for(world.staff)
    url = reverse("cpd:staff_audit_member", args=[world.society.code, selection.pk])

    page = client.get(url).content.decode()
    refused = client.post(url, {"outcome": AuditOutcome.MORE_EVIDENCE, "note": ""})
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"outcome": AuditOutcome.MORE_EVIDENCE, "note": "请补充培训结业证书。"})

    assert "12 of 40 hours" in page
    assert refused.context["form"].errors == {"note": ["Tell the member what was found and what to do."]}
    assert done.status_code == 302
    selection.refresh_from_db()
    assert (selection.outcome, selection.note, selection.decided_by) == (
        AuditOutcome.MORE_EVIDENCE,
        "请补充培训结业证书。",
        world.staff,
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([member.holder.email], f"The {draw.year} audit of your CPD: More evidence asked")
    ]
    assert "请补充培训结业证书。" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="cpd.audit_outcome").get().to_state == AuditOutcome.MORE_EVIDENCE
    member_page = world.client_for(member.holder).get(reverse("cpd:mine")).content.decode()
    assert "请补充培训结业证书。" in member_page


def test_a_member_under_audit_cannot_delete_that_years_activities(world: World):
    (member,) = _members(world, 1)
    activity = activity_add(member, on=timezone.localdate(), hours="12")
    audit_draw_make(society=world.society, year=timezone.localdate().year, by=world.staff)

    client = world.client_for(member.holder)
    client.post(reverse("cpd:delete", args=[activity.uid]))

    assert member.cpd_activities.count() == 1


@pytest.mark.parametrize("who", ["applicant", "outsider", "other_society_staff"])
def test_outsiders_cannot_reach_a_draw_or_record_an_outcome(world: World, who: str, other_society_staff):
    _members(world, 1)
    draw = audit_draw_make(society=world.society, year=timezone.localdate().year, by=world.staff)
    selection = draw.selections.get()
    user = other_society_staff if who == "other_society_staff" else getattr(world, who)
    client = world.client_for(user)
    code = world.society.code

    codes = [
        client.get(reverse("cpd:staff_audit", args=[code, draw.pk])).status_code,
        client.get(reverse("cpd:staff_audit_member", args=[code, selection.pk])).status_code,
        client.post(
            reverse("cpd:staff_audit_member", args=[code, selection.pk]), {"outcome": "passed", "note": ""}
        ).status_code,
        client.post(reverse("cpd:staff_audits", args=[code]), {"year": draw.year - 1}).status_code,
    ]

    assert codes == [404, 404, 404, 404]
    assert AuditSelection.objects.get().outcome == AuditOutcome.PENDING
    assert AuditDraw.objects.count() == 1


def _values_of(activity, **changes):
    from engcert.cpd.domain import ActivityValues

    fields = {
        "activity_type": activity.activity_type,
        "date": activity.date,
        "hours": activity.hours,
        "title": activity.title,
        "provider": activity.provider,
    }
    return ActivityValues(**{**fields, **changes})


def test_a_member_under_audit_cannot_change_hours_of_that_year_but_may_add_evidence(world: World):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from engcert.cpd.domain import cpd_activity_update

    (member,) = _members(world, 1)
    activity = activity_add(member, on=timezone.localdate(), hours="12")
    audit_draw_make(society=world.society, year=timezone.localdate().year, by=world.staff)

    with pytest.raises(CpdError, match="you may add or replace the evidence"):
        cpd_activity_update(
            activity=activity, by=member.holder, values=_values_of(activity, hours=Decimal("40"))
        )
    with pytest.raises(CpdError, match="evidence cannot be removed"):
        cpd_activity_update(
            activity=activity, by=member.holder, values=_values_of(activity), remove_evidence=True
        )
    from engcert.demo.builders import TINY_PDF

    pdf = SimpleUploadedFile("结业证书.pdf", TINY_PDF, "application/pdf")
    cpd_activity_update(activity=activity, by=member.holder, values=_values_of(activity), evidence=pdf)

    activity.refresh_from_db()
    assert (activity.hours, activity.evidence_name) == (Decimal("12"), "结业证书.pdf")


def test_an_activity_cannot_be_moved_into_a_year_under_audit(world: World):
    from engcert.cpd.domain import cpd_activity_update

    (member,) = _members(world, 1)
    today = timezone.localdate()
    last_year = today.replace(year=today.year - 1, day=min(today.day, 28))
    activity = activity_add(member, on=last_year, hours="6")
    audit_draw_make(society=world.society, year=today.year, by=world.staff)

    with pytest.raises(CpdError, match="being audited"):
        cpd_activity_update(activity=activity, by=member.holder, values=_values_of(activity, date=today))
    activity.refresh_from_db()
    assert activity.date == last_year
