"""The committee's deliberation (综合审议): meetings, agendas, recusals, votes and decisions."""

from __future__ import annotations
