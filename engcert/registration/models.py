"""The alliance's verification (核实) of a society's results and the national registration of members."""

from __future__ import annotations
