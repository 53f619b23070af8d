"""Competency statements and project descriptions in electrical engineering, written for these
tests: different people writing about similar work, so they share vocabulary but not content.

None of them is a near-duplicate of another; the tests assert that every pair stays below the
default threshold, and copy them with small edits to check that a copy is caught.
"""

from __future__ import annotations

# Written once, in engcert/demo/similarity.py: the demo shows staff a copied pair among them too.
from engcert.demo.similarity import STATEMENTS

CORPUS: list[str] = STATEMENTS
