"""Public notice (公示) of approved candidates, the working-day calendar and objections from the public."""

from __future__ import annotations
