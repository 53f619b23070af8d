"""Who may review: the active staff of the application's society, nobody else."""

from __future__ import annotations

from rules.permissions import add_perm

from engcert.batches.rules import is_staff_of_society

# The object is the society; the application is then looked up within it.
add_perm("review.review_initial", is_staff_of_society)
