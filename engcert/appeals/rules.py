"""Who may handle a society's appeals: its staff (the object is the society)."""

from __future__ import annotations

from rules.permissions import add_perm

from engcert.batches.rules import is_staff_of_society

add_perm("appeals.manage_appeals", is_staff_of_society)
