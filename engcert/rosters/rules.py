"""Who may export, import and reconcile rosters: the society's staff (a unit administrator
exports their own unit's roster through engcert/units, which calls `roster_export`)."""

from __future__ import annotations

from rules.permissions import add_perm

from engcert.batches.rules import is_staff_of_society

add_perm("rosters.manage_rosters", is_staff_of_society)
