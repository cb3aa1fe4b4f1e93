"""Objects of the criteria app for the authorisation matrix (see tests/security/world.py).

The world fixture imports the real criteria of QĐ 26/2026 (`qd26-2026`); the pages and the API
read its scorecard 6 (the one the scoring tests use)."""

from __future__ import annotations

from typing import Any

from ocop.criteria.models import CriteriaSet, Scorecard

CRITERIA_SET = "qd26-2026"
SCORECARD = 6


def build(world: Any) -> None:
    criteria_set = CriteriaSet.objects.get(code=CRITERIA_SET)
    world.objects["criteria_set"] = criteria_set
    world.objects["criteria_scorecard"] = Scorecard.objects.get(
        criteria_set=criteria_set, number=SCORECARD
    )
