"""Who may run a society's public notices and read the objections to them."""

from __future__ import annotations

from rules.permissions import add_perm

from engcert.batches.rules import is_staff_of_society

# The society's staff publish notices, read objections (with the objector's contact) and decide them.
add_perm("notices.manage_notices", is_staff_of_society)
