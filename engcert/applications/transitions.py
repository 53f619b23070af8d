"""The one transition table of an application's life.

Each entry says which states may follow a state and who may fire the move. The evaluation
stages extend this table; the staff diagram page draws itself from it.
"""

from __future__ import annotations

from enum import StrEnum

from engcert.applications.enums import ApplicationState as S


class Actor(StrEnum):
    APPLICANT = "applicant"
    STAFF = "staff"
    EXAMINER = "examiner"
    COMMITTEE = "committee"
    ALLIANCE = "alliance"
    SYSTEM = "system"


A, ST, EX, CO, AL, SY = (
    Actor.APPLICANT,
    Actor.STAFF,
    Actor.EXAMINER,
    Actor.COMMITTEE,
    Actor.ALLIANCE,
    Actor.SYSTEM,
)

TRANSITIONS: dict[S, dict[S, frozenset[Actor]]] = {
    S.DRAFT: {S.SUBMITTED: frozenset({A}), S.WITHDRAWN: frozenset({A})},
    S.SUBMITTED: {
        S.RETURNED: frozenset({ST}),
        S.REVIEW_PASSED: frozenset({ST}),
        S.REJECTED: frozenset({ST}),
        S.WITHDRAWN: frozenset({A}),
    },
    S.RETURNED: {S.RESUBMITTED: frozenset({A}), S.WITHDRAWN: frozenset({A})},
    S.RESUBMITTED: {
        S.RETURNED: frozenset({ST}),
        S.REVIEW_PASSED: frozenset({ST}),
        S.REJECTED: frozenset({ST}),
        S.WITHDRAWN: frozenset({A}),
    },
    S.REVIEW_PASSED: {S.INTERVIEW_SCHEDULED: frozenset({ST}), S.WITHDRAWN: frozenset({A})},
    S.INTERVIEW_SCHEDULED: {
        S.INTERVIEWED: frozenset({ST, EX}),
        S.REVIEW_PASSED: frozenset({ST}),
        S.WITHDRAWN: frozenset({A}),
    },
    S.INTERVIEWED: {S.DELIBERATION: frozenset({ST})},
    S.DELIBERATION: {S.APPROVED: frozenset({ST, CO}), S.NOT_APPROVED: frozenset({ST, CO})},
    S.APPROVED: {S.PUBLIC_NOTICE: frozenset({ST})},
    # An objection from the public arrives without an account: the system moves the file.
    S.PUBLIC_NOTICE: {S.OBJECTION: frozenset({ST, SY}), S.NOTICE_PASSED: frozenset({ST, SY})},
    # A dismissed objection returns the file to the notice, or past it once the period is over.
    S.OBJECTION: {
        S.PUBLIC_NOTICE: frozenset({ST}),
        S.NOTICE_PASSED: frozenset({ST}),
        S.NOT_APPROVED: frozenset({ST}),
    },
    S.NOTICE_PASSED: {S.WITH_ALLIANCE: frozenset({ST})},
    S.WITH_ALLIANCE: {S.REGISTERED: frozenset({AL}), S.NOTICE_PASSED: frozenset({AL})},
    S.REGISTERED: {S.CERTIFICATE_ISSUED: frozenset({ST, SY})},
    # A candidate may appeal a rejection or a refusal (the appeals app checks the window).
    S.REJECTED: {S.UNDER_APPEAL: frozenset({A})},
    S.NOT_APPROVED: {S.UNDER_APPEAL: frozenset({A})},
    # The appeal's outcome, recorded by staff after the panel: the decision stands, or the file
    # goes back to a named stage — initial review, a new interview, or the committee.
    S.UNDER_APPEAL: {
        S.REJECTED: frozenset({ST}),
        S.NOT_APPROVED: frozenset({ST}),
        S.SUBMITTED: frozenset({ST}),
        S.REVIEW_PASSED: frozenset({ST}),
        S.DELIBERATION: frozenset({ST}),
    },
}

# Moves that must carry a reason (the reader of the audit trail deserves to know why).
REASON_REQUIRED: frozenset[tuple[S, S]] = frozenset(
    {
        (S.SUBMITTED, S.WITHDRAWN),
        (S.RETURNED, S.WITHDRAWN),
        (S.RESUBMITTED, S.WITHDRAWN),
        (S.REVIEW_PASSED, S.WITHDRAWN),
        (S.INTERVIEW_SCHEDULED, S.WITHDRAWN),
        (S.SUBMITTED, S.RETURNED),
        (S.RESUBMITTED, S.RETURNED),
        (S.SUBMITTED, S.REJECTED),
        (S.RESUBMITTED, S.REJECTED),
        (S.INTERVIEW_SCHEDULED, S.REVIEW_PASSED),
        (S.DELIBERATION, S.APPROVED),
        (S.DELIBERATION, S.NOT_APPROVED),
        (S.OBJECTION, S.NOT_APPROVED),
        (S.WITH_ALLIANCE, S.NOTICE_PASSED),
        (S.REJECTED, S.UNDER_APPEAL),
        (S.NOT_APPROVED, S.UNDER_APPEAL),
        (S.UNDER_APPEAL, S.REJECTED),
        (S.UNDER_APPEAL, S.NOT_APPROVED),
        (S.UNDER_APPEAL, S.SUBMITTED),
        (S.UNDER_APPEAL, S.REVIEW_PASSED),
        (S.UNDER_APPEAL, S.DELIBERATION),
    }
)


def allowed_targets(state: str) -> dict[S, frozenset[Actor]]:
    return TRANSITIONS.get(S(state), {})
