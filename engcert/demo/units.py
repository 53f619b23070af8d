"""Demo of units: each demo unit administrator has given their word on some of their
engineers' applications, unit A has invited engineers to apply, and staff have invited a
second administrator for unit B, so that the separation between units can be tried at once."""

from __future__ import annotations

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.organisations.enums import Role
from engcert.organisations.models import Organisation
from engcert.units.domain import endorsement_decide, engineers_invite, unit_admin_invite, unit_profile_save
from engcert.units.enums import ENDORSABLE_STATES, EndorsementDecision
from engcert.units.selectors import open_batches

DECLINE_REASON = "申请人已于今年调离本单位，单位无法核实其近两年的工程实践经历。"


def _admin_of(unit: Organisation) -> User:
    return User.objects.get(
        memberships__organisation=unit, memberships__role=Role.UNIT_ADMIN, memberships__is_active=True
    )


def _in_review(unit: Organisation, email: str) -> Application | None:
    return Application.objects.filter(unit=unit, applicant__email=email, state__in=ENDORSABLE_STATES).first()


def units_demo_load(
    *, society: Organisation, unit_a: Organisation, unit_b: Organisation, staff: User
) -> None:
    admin_a, admin_b = _admin_of(unit_a), _admin_of(unit_b)
    unit_profile_save(
        unit=unit_a,
        by=admin_a,
        values={
            "credit_code": "91370000163084471K",
            "head_name": "赵建军",
            "head_title": "总经理",
            "address": "山东省济南市高新区舜华路2000号",
            "postcode": "250101",
            "contact_name": "孙丽",
            "contact_phone": "0531-88880000",
            "contact_email": "unit-a@demo.engcert",
        },
    )
    # Unit A endorses the resubmitted file and leaves the newly submitted one for the visitor.
    resubmitted = _in_review(unit_a, "resubmitted@demo.engcert")
    if resubmitted is not None:
        endorsement_decide(application=resubmitted, to_decision=EndorsementDecision.ENDORSED, by=admin_a)
    # Unit B declines the file returned for revision, with its reason for the initial review.
    returned = _in_review(unit_b, "returned@demo.engcert")
    if returned is not None:
        endorsement_decide(
            application=returned, to_decision=EndorsementDecision.DECLINED, by=admin_b, reason=DECLINE_REASON
        )
    batch: Batch | None = open_batches(unit=unit_a).first()
    if batch is not None:
        engineers_invite(
            unit=unit_a,
            batch=batch,
            people=[("chen.jing@demo.engcert", "陈静"), ("submitted@demo.engcert", "")],
            by=admin_a,
        )
    unit_admin_invite(unit=unit_b, email="unit-b2@demo.engcert", by=staff)
