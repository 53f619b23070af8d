"""Reads of referee confirmation that several places need: the policy, the latest ask of each
claim, and each claim's status."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from engcert.applications.models import Application
from engcert.organisations.models import Organisation
from engcert.referees.domain.claims import ClaimKey
from engcert.referees.enums import ClaimStatus, RequestState, Verdict
from engcert.referees.models import RefereeClaim, RefereePolicy


def referee_policy_get(*, society: Organisation) -> RefereePolicy:
    """The society's policy, made with the defaults (links valid 30 days, reminders after 7 and
    14 days) on first use."""
    policy, _created = RefereePolicy.objects.get_or_create(society=society)
    return policy


def referee_claims_of(*, application: Application) -> list[RefereeClaim]:
    """Every claim ever put to a referee for this application, oldest first, with its request."""
    return list(
        RefereeClaim.objects.filter(request__application=application)
        .select_related("request")
        .order_by("request__created_at", "request_id", "pk")
    )


def referee_claims_latest(claims: list[RefereeClaim]) -> dict[ClaimKey, RefereeClaim]:
    """The latest ask of each claim still in the application (an ask about a deleted row has no key)."""
    latest: dict[ClaimKey, RefereeClaim] = {}
    for claim in claims:
        if claim.source_id is not None:
            latest[(claim.kind, claim.source_id)] = claim
    return latest


VERDICT_STATUS = {
    Verdict.CONFIRMED: ClaimStatus.CONFIRMED,
    Verdict.DISPUTED: ClaimStatus.DISPUTED,
    Verdict.COMMENTED: ClaimStatus.COMMENTED,
}


def referee_claim_status(claim: RefereeClaim | None, *, now: datetime | None = None) -> ClaimStatus:
    if claim is None:
        return ClaimStatus.NOT_ASKED
    if claim.replaced_at is not None:
        return ClaimStatus.REPLACED
    request = claim.request
    if request.state == RequestState.ANSWERED and claim.verdict:
        return VERDICT_STATUS[Verdict(claim.verdict)]
    if request.state == RequestState.UNDELIVERABLE:
        return ClaimStatus.UNDELIVERABLE
    if request.state == RequestState.WITHDRAWN:
        # Withdrawn because it was asked again: nothing is awaited from this link any more.
        return ClaimStatus.NOT_ASKED
    if request.is_expired(now or timezone.now()):
        return ClaimStatus.EXPIRED
    return ClaimStatus.AWAITING
