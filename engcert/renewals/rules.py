"""Who may review a society's re-registrations."""

from __future__ import annotations

from rules.permissions import add_perm

from engcert.batches.rules import is_staff_of_society

# The object is the society.
add_perm("renewals.review_renewals", is_staff_of_society)
