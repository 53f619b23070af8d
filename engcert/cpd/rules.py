"""Who may manage a society's CPD rule, compliance list and audit."""

from __future__ import annotations

from rules.permissions import add_perm

from engcert.batches.rules import is_staff_of_society

# The object is the society.
add_perm("cpd.manage_cpd", is_staff_of_society)
