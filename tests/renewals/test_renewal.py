"""Re-registration: when a member may apply, what they give, the society's review with one
transition table, the next certificate term, audit events and emails."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engcert.audit.models import AuditEvent
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate
from engcert.cpd.years import add_years
from engcert.registration.models import Registration
from engcert.renewals.domain import (
    Declaration,
    RenewalError,
    renewal_eligibility,
    renewal_submit,
    renewal_transition,
)
from engcert.renewals.enums import RenewalState
from engcert.renewals.models import Renewal
from tests.conftest import World
from tests.cpd.members import activity_add, member_create, member_user

RETURN_REASON = "请更新工作单位证明，职务与单位人事记录不一致。"


def _compliant(registration: Registration) -> None:
    """40 hours in every registration year of the current certificate that has begun."""
    certificate = registration.certificates.get(term=1)
    today = timezone.localdate()
    number = 0
    while (start := add_years(certificate.valid_from, number)) <= today:
        activity_add(registration, on=min(start + timedelta(days=1), today), hours="40")
        number += 1


def _member(world: World, *, ends_in_days: int, compliant: bool = True) -> Registration:
    today = timezone.localdate()
    valid_from = add_years(today + timedelta(days=ends_in_days + 1), -5)
    registration = member_create(
        society=world.society, holder=world.applicant, name="王伟", valid_from=valid_from, unit=world.unit
    )
    if compliant:
        _compliant(registration)
    return registration


def _form(registration: Registration, **overrides: str) -> dict[str, str]:
    prefix = f"r{registration.pk}-"
    data = {
        "unit_name": "山东电力建设第三工程有限公司",
        "position": "海外事业部 总工程师",
        "phone": "13800138000",
        "email": "wangwei@example.com",
        "pledge_agreed": "on",
        "typed_name": "王伟",
    }
    data.update(overrides)
    return {"registration": str(registration.pk), **{prefix + k: v for k, v in data.items()}}


def _declaration(**overrides: object) -> Declaration:
    values: dict[str, object] = {
        "unit_name": "山东电力建设第三工程有限公司",
        "position": "总工程师",
        "phone": "13800138000",
        "email": "wangwei@example.com",
        "typed_name": "王伟",
        "pledge_agreed": True,
    }
    values.update(overrides)
    return Declaration(**values)  # type: ignore[arg-type]


def test_member_applies_with_declaration_and_pledge(world: World, django_capture_on_commit_callbacks):
    registration = _member(world, ends_in_days=100)
    client = world.client_for(world.applicant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("renewals:mine"), _form(registration))

    assert response.status_code == 302
    renewal = Renewal.objects.get()
    assert (renewal.state, renewal.certificate, renewal.position, renewal.pledge_typed_name) == (
        RenewalState.SUBMITTED,
        registration.certificates.get(term=1),
        "海外事业部 总工程师",
        "王伟",
    )
    assert [year["counted"] for year in renewal.cpd_summary] == ["40.0"] * 5
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["applicant@example.com"], "We have received your re-registration")
    ]
    assert (
        AuditEvent.objects.filter(action="renewal.submitted").get().data["pledge_version"]
        == renewal.pledge.version
    )


def test_the_window_opens_six_months_before_expiry(world: World):
    registration = _member(world, ends_in_days=200)

    eligibility = renewal_eligibility(registration=registration)

    until = registration.certificates.get().valid_until
    opens = date(until.year - (1 if until.month <= 6 else 0), (until.month - 7) % 12 + 1, 1)
    assert eligibility.opens_on is not None and eligibility.opens_on.replace(day=1) == opens
    assert eligibility.problems == [
        f"Re-registration opens on {eligibility.opens_on.isoformat()}, 6 months before your certificate ends."
    ]
    page = world.client_for(world.applicant).get(reverse("renewals:mine")).content.decode()
    assert "You cannot apply yet:" in page and 'name="registration"' not in page


def test_without_cpd_for_every_year_the_member_cannot_apply(world: World):
    registration = _member(world, ends_in_days=60, compliant=False)
    activity_add(registration, on=timezone.localdate(), hours="39")

    page = world.client_for(world.applicant).get(reverse("renewals:mine")).content.decode()
    with pytest.raises(RenewalError, match="Your CPD does not yet meet"):
        renewal_submit(registration=registration, by=world.applicant, declaration=_declaration())

    assert "39 of 40 hours this year" in page
    assert Renewal.objects.count() == 0


def test_a_wrongly_typed_name_or_missing_pledge_is_explained_beside_the_field(world: World):
    registration = _member(world, ends_in_days=100)

    response = world.client_for(world.applicant).post(
        reverse("renewals:mine"), _form(registration, typed_name="王 五", pledge_agreed="", phone="12ab")
    )

    assert response.status_code == 400
    form = response.context["sections"][0].form
    assert form.errors == {
        "typed_name": ["Type your name exactly as registered: 王伟."],
        "pledge_agreed": ["Agree to the integrity pledge to apply."],
        "phone": ["Enter a phone number of 7 to 15 digits, e.g. 13800138000."],
    }
    assert Renewal.objects.count() == 0


def test_staff_approve_and_the_next_term_starts_the_day_after(
    world: World, django_capture_on_commit_callbacks
):
    registration = _member(world, ends_in_days=100)
    renewal = renewal_submit(registration=registration, by=world.applicant, declaration=_declaration())
    old = registration.certificates.get(term=1)
    mail.outbox.clear()
    url = reverse("renewals:staff_detail", args=[world.society.code, renewal.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.staff).post(url, {"decision": "approved", "reason": ""})

    assert response.status_code == 302
    renewal.refresh_from_db()
    new = Certificate.objects.get(registration=registration, term=2)
    assert (renewal.state, renewal.new_certificate, renewal.decided_by) == (
        RenewalState.APPROVED,
        new,
        world.staff,
    )
    assert (new.valid_from, new.valid_until, new.status) == (
        old.valid_until + timedelta(days=1),
        add_years(old.valid_until + timedelta(days=1), 5) - timedelta(days=1),
        CertificateStatus.VALID,
    )
    approved = [m for m in mail.outbox if m.subject == "Your re-registration is approved"]
    assert len(approved) == 1 and new.number in approved[0].body
    assert AuditEvent.objects.filter(action="renewal.approved").get().data["new_certificate"] == new.number


def test_an_expired_certificate_renews_from_today(world: World):
    registration = _member(world, ends_in_days=-20)
    registration.certificates.update(status=CertificateStatus.EXPIRED)
    renewal = renewal_submit(registration=registration, by=world.applicant, declaration=_declaration())

    renewal_transition(renewal=renewal, to_state=RenewalState.APPROVED, by=world.staff)

    assert Certificate.objects.get(registration=registration, term=2).valid_from == timezone.localdate()


def test_returned_renewal_is_changed_and_sent_again(world: World, django_capture_on_commit_callbacks):
    registration = _member(world, ends_in_days=100)
    renewal = renewal_submit(registration=registration, by=world.applicant, declaration=_declaration())
    mail.outbox.clear()
    staff = world.client_for(world.staff)
    url = reverse("renewals:staff_detail", args=[world.society.code, renewal.pk])

    refused = staff.post(url, {"decision": "returned", "reason": " "})
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"decision": "returned", "reason": RETURN_REASON})
    member = world.client_for(world.applicant)
    page = member.get(reverse("renewals:mine")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("renewals:mine"), _form(registration, position="海外事业部 副总经理"))

    assert refused.context["form"].errors == {"reason": ["Give the member a reason."]}
    assert RETURN_REASON in page
    renewal.refresh_from_db()
    assert (renewal.state, renewal.position, Renewal.objects.count()) == (
        RenewalState.SUBMITTED,
        "海外事业部 副总经理",
        1,
    )
    assert [m.subject for m in mail.outbox] == [
        "Your re-registration needs changes",
        "We have received your re-registration",
    ]
    assert RETURN_REASON in mail.outbox[0].body
    assert list(
        AuditEvent.objects.filter(subject_type="renewals.renewal")
        .order_by("position")
        .values_list("action", flat=True)
    ) == ["renewal.submitted", "renewal.returned", "renewal.submitted"]


def test_rejected_renewal_cannot_be_moved_again(world: World):
    registration = _member(world, ends_in_days=100)
    renewal = renewal_submit(registration=registration, by=world.applicant, declaration=_declaration())
    renewal_transition(
        renewal=renewal, to_state=RenewalState.REJECTED, by=world.staff, reason="持续职业发展证明材料不实。"
    )

    with pytest.raises(RenewalError, match="it cannot be changed that way now"):
        renewal_transition(renewal=renewal, to_state=RenewalState.APPROVED, by=world.staff)

    assert Certificate.objects.filter(registration=registration).count() == 1


def test_the_member_cannot_decide_and_staff_cannot_resubmit(world: World):
    registration = _member(world, ends_in_days=100)
    renewal = renewal_submit(registration=registration, by=world.applicant, declaration=_declaration())

    with pytest.raises(RenewalError, match=r"You may not make this step\."):
        renewal_transition(renewal=renewal, to_state=RenewalState.APPROVED, by=world.applicant)
    renewal_transition(renewal=renewal, to_state=RenewalState.RETURNED, by=world.staff, reason=RETURN_REASON)
    with pytest.raises(RenewalError, match=r"You may not make this step\."):
        renewal_transition(renewal=renewal, to_state=RenewalState.SUBMITTED, by=world.staff)


def test_applying_twice_makes_one_renewal(world: World):
    registration = _member(world, ends_in_days=100)
    renewal_submit(registration=registration, by=world.applicant, declaration=_declaration())

    with pytest.raises(RenewalError, match=r"You have already applied to renew this certificate\."):
        renewal_submit(registration=registration, by=world.applicant, declaration=_declaration())

    assert Renewal.objects.count() == 1


def test_someone_without_a_registration_is_told_plainly(world: World):
    page = world.client_for(world.outsider).get(reverse("renewals:mine")).content.decode()

    assert "You are not a registered member yet." in page


def test_another_member_cannot_apply_for_someone_elses_registration(world: World):
    registration = _member(world, ends_in_days=100)
    member_create(
        society=world.society,
        holder=world.other_applicant,
        name="李娜",
        valid_from=timezone.localdate() - timedelta(days=9),
    )

    response = world.client_for(world.other_applicant).post(reverse("renewals:mine"), _form(registration))

    assert response.status_code == 404
    assert Renewal.objects.count() == 0


@pytest.mark.parametrize("who", ["applicant", "outsider", "unit_admin", "examiner", "other_society_staff"])
def test_only_the_societys_staff_reach_its_renewals(world: World, who: str, other_society_staff):
    registration = _member(world, ends_in_days=100)
    renewal = renewal_submit(registration=registration, by=world.applicant, declaration=_declaration())
    user = other_society_staff if who == "other_society_staff" else getattr(world, who)
    client = world.client_for(user)
    code = world.society.code

    codes = [
        client.get(reverse("renewals:staff_list", args=[code])).status_code,
        client.get(reverse("renewals:staff_detail", args=[code, renewal.pk])).status_code,
        client.post(
            reverse("renewals:staff_detail", args=[code, renewal.pk]), {"decision": "approved"}
        ).status_code,
    ]

    assert codes == [404, 404, 404]
    renewal.refresh_from_db()
    assert renewal.state == RenewalState.SUBMITTED


def test_the_staff_list_takes_the_same_queries_for_one_renewal_as_for_three(world: World):
    client = world.client_for(world.staff)
    url = reverse("renewals:staff_list", args=[world.society.code])
    renewal_submit(
        registration=_member(world, ends_in_days=100), by=world.applicant, declaration=_declaration()
    )
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in range(2):
        holder = member_user(f"r{index}@example.com", f"续{index}")
        valid_from = add_years(timezone.localdate() + timedelta(days=50), -5)
        registration = member_create(
            society=world.society, holder=holder, name=f"续{index}", valid_from=valid_from
        )
        _compliant(registration)
        renewal_submit(
            registration=registration, by=holder, declaration=_declaration(typed_name=f"续{index}")
        )
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)

    assert len(response.context["renewals"]) == 3
    assert len(three) == len(one)
