"""What the panels on other apps' pages show: each claim with its referee, its confirmation
status and, for staff, the answer, the flags and the earlier asks. A fixed number of queries
whatever the number of claims."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from engcert.applications.models import Application
from engcert.referees.domain.claims import ClaimSource, claim_sources
from engcert.referees.domain.flags import Flag, people_to_avoid, referee_flags
from engcert.referees.enums import REPLACEABLE, ClaimStatus, RequestState
from engcert.referees.models import RefereeClaim, RefereeRequest
from engcert.referees.selectors import referee_claim_status, referee_claims_of


@dataclass
class ClaimRow:
    source: ClaimSource
    status: ClaimStatus
    latest: RefereeClaim | None
    changed: bool  # edited since the referee was asked: the next submission asks again
    history: list[tuple[RefereeClaim, ClaimStatus]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def replaceable(self) -> bool:
        return self.latest is not None and not self.changed and self.status in REPLACEABLE

    @property
    def highlighted(self) -> bool:
        return self.status == ClaimStatus.DISPUTED


def claim_rows(*, application: Application, with_flags: bool) -> list[ClaimRow]:
    now = timezone.now()
    by_key: dict[tuple[str, int], list[RefereeClaim]] = {}
    for claim in referee_claims_of(application=application):
        if claim.source_id is not None:
            by_key.setdefault((claim.kind, claim.source_id), []).append(claim)
    avoid = people_to_avoid(application=application) if with_flags else None
    rows = []
    for source in claim_sources(application=application):
        asks = by_key.get(source.key, [])
        latest = asks[-1] if asks else None
        changed = latest is not None and latest.fingerprint != source.fingerprint
        earlier = asks if changed else asks[:-1]
        rows.append(
            ClaimRow(
                source=source,
                status=ClaimStatus.NOT_ASKED if changed else referee_claim_status(latest, now=now),
                latest=None if changed else latest,
                changed=changed,
                history=[(claim, referee_claim_status(claim, now=now)) for claim in reversed(earlier)],
                flags=referee_flags(referee=source.referee, avoid=avoid) if avoid is not None else [],
            )
        )
    return rows


def open_requests(rows: list[ClaimRow]) -> list[RefereeRequest]:
    """The links still out (or bounced) for the claims shown, once each, for staff to act on."""
    seen: dict[int, RefereeRequest] = {}
    for row in rows:
        if row.latest is not None and row.latest.request.state in (RequestState.SENT, RequestState.PENDING):
            seen.setdefault(row.latest.request_id, row.latest.request)
    return list(seen.values())
