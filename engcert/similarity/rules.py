"""Who may see flagged pairs and the texts of both applicants: the society's active staff only.
Examiners, committee members and units never see who else wrote a similar text."""

from __future__ import annotations

from rules.permissions import add_perm

from engcert.batches.rules import is_staff_of_society

# The object is the society; pairs are then looked up within it.
add_perm("similarity.review_pairs", is_staff_of_society)
