"""The society's CPD pages: the compliance list and its spreadsheet, the rule, and who reaches them."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from engcert.applications.enums import CpdActivityType
from engcert.audit.models import AuditEvent
from engcert.certificates.enums import CertificateStatus
from engcert.cpd.models import CpdRule
from engcert.cpd.selectors import cpd_rule_get
from tests.conftest import World
from tests.cpd.members import activity_add, member_create, member_user


def _members(world: World, count: int) -> list:
    today = timezone.localdate()
    made = []
    for index in range(count):
        registration = member_create(
            society=world.society,
            holder=member_user(f"m{index}@example.com", f"成员{index}"),
            name=f"成员{index}",
            valid_from=today - timedelta(days=100 + index),
            unit=world.unit,
        )
        activity_add(registration, on=today - timedelta(days=5), hours=str(20 + 15 * index))
        made.append(registration)
    return made


def test_compliance_list_shows_each_members_hours_and_whether_they_comply(world: World):
    first, second, third = _members(world, 3)

    response = world.client_for(world.staff).get(reverse("cpd:staff_compliance", args=[world.society.code]))

    rows = response.context["rows"]
    assert [(r.registration, r.year.counted, r.year.compliant) for r in rows] == [
        (first, Decimal("20.0"), False),
        (second, Decimal("35.0"), False),
        (third, Decimal("50.0"), True),
    ]
    page = response.content.decode()
    assert "20 of 40" in page and "50 of 40" in page


def test_compliance_list_filters_by_compliance_and_name(world: World):
    first, second, third = _members(world, 3)
    client = world.client_for(world.staff)
    url = reverse("cpd:staff_compliance", args=[world.society.code])

    compliant = [r.registration for r in client.get(url, {"compliant": "yes"}).context["rows"]]
    not_yet = [r.registration for r in client.get(url, {"compliant": "no"}).context["rows"]]
    by_name = [r.registration for r in client.get(url, {"q": "成员1"}).context["rows"]]

    assert (compliant, not_yet, by_name) == ([third], [first, second], [second])


def test_limits_per_activity_type_cap_the_hours_counted(world: World):
    (registration,) = _members(world, 1)  # 20 training hours
    activity_add(registration, on=timezone.localdate(), hours="30", kind=CpdActivityType.PUBLISHING)
    rule = cpd_rule_get(society=world.society)
    rule.type_limits = {CpdActivityType.PUBLISHING: "10"}
    rule.save()

    rows = (
        world.client_for(world.staff)
        .get(reverse("cpd:staff_compliance", args=[world.society.code]))
        .context["rows"]
    )

    assert [(r.year.logged, r.year.counted, r.year.compliant) for r in rows] == [
        (Decimal("50.0"), Decimal("30.0"), False)
    ]


def test_revoked_and_expired_members_are_not_in_the_compliance_list(world: World):
    kept, revoked, expired, suspended = _members(world, 4)
    revoked.certificates.update(status=CertificateStatus.REVOKED)
    expired.certificates.update(valid_until=timezone.localdate() - timedelta(days=1))
    suspended.certificates.update(status=CertificateStatus.SUSPENDED)

    rows = (
        world.client_for(world.staff)
        .get(reverse("cpd:staff_compliance", args=[world.society.code]))
        .context["rows"]
    )

    assert [r.registration for r in rows] == [kept, suspended]


def test_the_spreadsheet_holds_the_filtered_list(world: World):
    first, second, _third = _members(world, 3)
    first.full_name = "=HYPERLINK(1)"
    first.save()

    response = world.client_for(world.staff).get(
        reverse("cpd:staff_compliance_xlsx", args=[world.society.code]), {"compliant": "no"}
    )

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == [
        "Member number",
        "Name",
        "Name in English or pinyin",
        "Unit",
        "Registration year from",
        "Registration year to",
        "Hours counted",
        "Hours needed",
        "Compliant",
    ]
    assert [(v[0], v[1], v[6], v[7], v[8]) for v in values[1:]] == [
        (first.member_number, "'=HYPERLINK(1)", 20, 40, "no"),
        (second.member_number, "成员1", 35, 40, "no"),
    ]


def test_the_compliance_list_takes_the_same_queries_for_one_member_as_for_three(world: World):
    client = world.client_for(world.staff)
    url = reverse("cpd:staff_compliance", args=[world.society.code])
    _members(world, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in range(1, 3):
        registration = member_create(
            society=world.society,
            holder=member_user(f"x{index}@example.com", f"另{index}"),
            name=f"另{index}",
            valid_from=timezone.localdate() - timedelta(days=10),
            unit=world.other_unit,
        )
        activity_add(registration, on=timezone.localdate(), hours="3")
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)

    assert len(response.context["rows"]) == 3
    assert len(three) == len(one)


def test_staff_change_the_rule_and_it_is_audited(world: World):
    url = reverse("cpd:staff_rule", args=[world.society.code])
    data = {"annual_hours": "36", "audit_share_percent": "10", "limit_publishing": "15", "limit_other": ""}

    response = world.client_for(world.staff).post(url, data)

    assert response.status_code == 302
    rule = CpdRule.objects.get(society=world.society)
    assert (rule.annual_hours, rule.audit_share_percent, rule.type_limits) == (
        Decimal("36.0"),
        Decimal("10.00"),
        {"publishing": "15"},
    )
    assert AuditEvent.objects.filter(action="cpd.rule_changed").get().data["after"] == {
        "annual_hours": "36",
        "audit_share_percent": "10",
        "type_limits": {"publishing": "15"},
    }


def test_a_rule_with_no_hours_is_refused_beside_the_field(world: World):
    response = world.client_for(world.staff).post(
        reverse("cpd:staff_rule", args=[world.society.code]),
        {"annual_hours": "0", "audit_share_percent": "5"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "annual_hours": ["Ensure this value is greater than or equal to 1."]
    }
    assert cpd_rule_get(society=world.society).annual_hours == Decimal("40")


@pytest.mark.parametrize(
    "who", ["applicant", "outsider", "unit_admin", "examiner", "reviewer", "other_society_staff"]
)
def test_only_the_societys_staff_reach_its_cpd_pages(world: World, who: str, other_society_staff):
    (registration,) = _members(world, 1)
    activity = registration.cpd_activities.get()
    user = other_society_staff if who == "other_society_staff" else getattr(world, who)
    client = world.client_for(user)
    code = world.society.code
    urls = [
        reverse("cpd:staff_compliance", args=[code]),
        reverse("cpd:staff_compliance_xlsx", args=[code]),
        reverse("cpd:staff_rule", args=[code]),
        reverse("cpd:staff_audits", args=[code]),
        reverse("cpd:staff_evidence", args=[code, activity.uid]),
    ]

    codes = [client.get(url).status_code for url in urls]
    posted = client.post(
        reverse("cpd:staff_rule", args=[code]), {"annual_hours": "1", "audit_share_percent": "5"}
    )

    assert (codes, posted.status_code) == ([404] * 5, 404)
    assert cpd_rule_get(society=world.society).annual_hours == Decimal("40")


def test_a_registration_year_on_29_february_ends_on_28_february(world: World):
    from engcert.cpd.years import year_bounds

    assert year_bounds(date(2024, 2, 29), 1) == (date(2024, 2, 29), date(2025, 2, 27))
    assert year_bounds(date(2024, 2, 29), 2) == (date(2025, 2, 28), date(2026, 2, 27))
