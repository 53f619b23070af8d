"""Who may manage a society's examiner pool, panels and interview schedule, and who may tell
the society the days they cannot come to an interview."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.applications.enums import ApplicationState
from engcert.applications.rules import is_applicant
from engcert.batches.rules import is_staff_of_society


@predicate
def is_waiting_for_interview(user: Any, application: Any) -> bool:
    return application is not None and application.state == ApplicationState.REVIEW_PASSED


# The object is the society: its active staff manage the pool, rooms, policy, panels and schedule.
add_perm("examiners.manage_pool", is_staff_of_society)
# The object is the application: its applicant, while it waits for an interview slot.
add_perm("examiners.record_unavailability", is_applicant & is_waiting_for_interview)
