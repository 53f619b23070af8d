"""Who may act on referee confirmation: the society's staff ask, mark bounces and set the policy;
the applicant replaces a referee of their own submitted application."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.applications.enums import FINAL, ApplicationState
from engcert.applications.rules import is_applicant
from engcert.batches.rules import is_staff_of_society


@predicate
def is_under_evaluation(user: Any, application: Any) -> bool:
    """Submitted, and neither decided for good nor withdrawn."""
    return application is not None and application.state not in (FINAL | {ApplicationState.DRAFT})


# The object is the society.
add_perm("referees.manage_referees", is_staff_of_society)
# The object is the application.
add_perm("referees.replace_referee", is_applicant & is_under_evaluation)
