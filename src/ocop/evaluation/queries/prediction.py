"""A self-assessment's prediction: the engine on one sheet that may still be incomplete.

Pure (no database): the caller gives the scorecard spec and the policy
(`ocop.criteria.queries.specs.load_scorecard_spec` / `policy_for`). The sheet is completed with
0 for every criterion not answered yet, checked by the engine (`score_sheet`, which raises
`ScoringError` naming the criterion for points that are not an option, an unknown criterion …)
and combined as a one-member council (`combine_sheets`), so that the bands and the minimum-star
requirements are read exactly as for a council.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ocop.criteria.engine.scoring import CouncilResult, combine_sheets, score_sheet
from ocop.criteria.engine.types import CriterionSpec, Policy, ScorecardSpec

SELF_MEMBER = "self"  # the one "member" of a self-assessment's sheet


@dataclass(frozen=True)
class Prediction:
    result: CouncilResult
    selections: dict[str, Decimal]  # the answers kept: checked, in scorecard order
    unanswered: tuple[str, ...]  # criteria asked but not answered yet (they count 0)
    not_asked: tuple[str, ...]  # conditional criteria left out (no product story): 0 points

    @property
    def points(self) -> dict[str, Decimal]:
        """Points per criterion code (0 for those not answered or not asked)."""
        return dict(self.result.members[0].points)


def exact(value: Any) -> Any:
    """Numbers as exact Decimals (2.5 → Decimal('2.5')); anything else is left for the engine
    to report against its criterion (a bool, a string)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


def asked(criterion: CriterionSpec, *, has_story: bool) -> bool:
    """Conditional criteria (5.2 "Chỉ áp dụng khi có câu chuyện sản phẩm", the only condition in
    the current data) are asked only when the product has a story."""
    return has_story or not criterion.conditional


def not_asked_codes(spec: ScorecardSpec, *, has_story: bool) -> tuple[str, ...]:
    return tuple(c.code for c in spec.criteria if not asked(c, has_story=has_story))


def predict(
    spec: ScorecardSpec,
    policy: Policy,
    selections: Mapping[str, Any],
    *,
    has_story: bool,
) -> Prediction:
    """Score a (possibly partial) self-assessment sheet. Raises ScoringError."""
    skipped = set(not_asked_codes(spec, has_story=has_story))
    given = {str(code): exact(value) for code, value in selections.items() if code not in skipped}
    complete = dict(given)
    unanswered: list[str] = []
    for criterion in spec.criteria:
        if criterion.code in skipped or criterion.code in given:
            continue
        unanswered.append(criterion.code)
        if not criterion.conditional:  # the engine lets a conditional one out (0 points)
            complete[criterion.code] = Decimal(0)
    sheet = score_sheet(spec, complete, member=SELF_MEMBER)
    result = combine_sheets(spec, policy, [sheet])
    kept = {c.code: sheet.points[c.code] for c in spec.criteria if c.code in given}
    return Prediction(
        result=result,
        selections=kept,
        unanswered=tuple(unanswered),
        not_asked=tuple(c.code for c in spec.criteria if c.code in skipped),
    )


def json_points(value: Decimal) -> int | float:
    """Points as a JSON number: an integer when whole (as the engine's result_to_dict)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def json_selections(selections: Iterable[tuple[str, Decimal]]) -> dict[str, int | float]:
    return {code: json_points(value) for code, value in selections}
