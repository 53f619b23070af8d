"""A member keeps up their CPD and re-registers; the society's staff approve.

The member (their certificate ends in about three months, every earlier registration year's
hours logged) signs in through the real pages, sees this year's hours short, logs a seminar
with its attendance certificate, sees the year met, applies to re-register with the updated
declaration and the pledge; staff open the application, see the hours and the evidence,
approve it, and the member sees their next certificate's number and validity.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from engcert.accounts.models import User
from engcert.certificates.models import Certificate
from engcert.cpd.years import add_years
from engcert.demo.builders import TINY_PDF
from engcert.renewals.enums import RenewalState
from engcert.renewals.models import Renewal
from tests.browser.journey import LANGUAGE, Person, t
from tests.conftest import World
from tests.cpd.members import activity_add, member_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

PDF = TINY_PDF  # a PDF the upload checks can read whole


def test_a_member_logs_cpd_and_re_registers_and_staff_approve(
    browser, live_server, shots, world: World, tmp_path
):
    today = timezone.localdate()
    valid_from = add_years(today + timedelta(days=91), -5)
    registration = member_create(
        society=world.society, holder=world.applicant, name="王伟", valid_from=valid_from, unit=world.unit
    )
    for year in range(4):
        activity_add(registration, on=add_years(valid_from, year) + timedelta(days=3), hours="40")
    activity_add(registration, on=today - timedelta(days=2), hours="30", title="特高压直流输电技术培训班")
    User.objects.update(language=LANGUAGE)
    evidence = tmp_path / "参会证明.pdf"
    evidence.write_bytes(PDF)

    member = Person(browser, live_server.url, shots, "member")
    member.sign_in(world.applicant, second_factor=False)
    member.go("/me/cpd/")
    member.shot("cpd-short")
    assert t("%(counted)s of %(required)s hours") % {"counted": "30", "required": "40"} in member.main()

    member.click(member.page.get_by_role("link", name=t("Log an activity")).first)
    page = member.page
    page.select_option("select[name=activity_type]", "seminar")
    page.fill("input[name=title]", "中国电机工程学会年会")
    page.fill("input[name=provider]", "中国电机工程学会")
    page.fill("input[name=date]", (today - timedelta(days=1)).isoformat())
    page.fill("input[name=hours]", "10")
    page.set_input_files("input[name=evidence]", str(evidence))
    member.click(page.get_by_role("button", name=t("Add to my CPD record")))
    member.shot("cpd-met")
    assert (
        registration.cpd_activities.filter(title="中国电机工程学会年会", evidence_name="参会证明.pdf").count()
        == 1
    )
    assert page.locator(".cpd-year .status").first.inner_text() == t("Met")

    member.go("/me/renewal/")
    prefix = f"r{registration.pk}-"
    page.fill(f"input[name={prefix}position]", "海外事业部 总工程师")
    page.fill(f"input[name={prefix}phone]", "13800138000")
    page.check(f"input[name={prefix}pledge_agreed]")
    page.fill(f"input[name={prefix}typed_name]", "王伟")
    member.shot("renewal-form")
    member.click(page.get_by_role("button", name=t("Send my re-registration")))
    member.shot("renewal-sent")
    renewal = Renewal.objects.get(registration=registration)
    assert renewal.state == RenewalState.SUBMITTED

    staff = Person(browser, live_server.url, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{world.society.code}/renewals/")
    staff.shot("renewals")
    staff.click(staff.page.get_by_role("link", name="王伟"))
    assert "参会证明.pdf" in staff.main()
    staff.page.check("input[name=decision][value=approved]")
    staff.click(staff.page.get_by_role("button", name=t("Record the decision and tell the member")))
    staff.shot("approved")

    renewal.refresh_from_db()
    new = Certificate.objects.get(registration=registration, term=2)
    assert (renewal.state, renewal.new_certificate) == (RenewalState.APPROVED, new)
    assert new.valid_from == registration.certificates.get(term=1).valid_until + timedelta(days=1)
    member.go("/me/renewal/")
    member.shot("renewal-approved")
    assert new.number in member.main()
    assert [m.subject for m in mail.outbox if m.to == [world.applicant.email]][-1] == t(
        "Your re-registration is approved"
    )
    member.context.close()
    staff.context.close()
