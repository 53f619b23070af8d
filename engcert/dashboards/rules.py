"""Who may read a society's dashboards: its active staff, nobody else."""

from __future__ import annotations

from rules.permissions import add_perm

from engcert.batches.rules import is_staff_of_society

# The object is the society.
add_perm("dashboards.view_dashboard", is_staff_of_society)
