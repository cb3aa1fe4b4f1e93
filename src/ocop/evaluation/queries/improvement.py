""" "What to improve to reach the next star": a pure function over the engine's result and the
scorecard spec (no database). The semantics are documented in docs/developer/scoring.md
("Self-assessment: what to improve").

For the next certified level above the predicted stars (3★ below 3★, then 4★, then 5★; none
at 5★ or after a knock-out):

- `missing_points`: how far the total is below that band's lower bound (0 when it is reached);
- `requirements`: every minimum-star requirement of the certified levels up to that level which
  the current points do not meet, one per criterion (the highest points it must reach), with the
  label of the option that meets it;
- `gains`: the criteria with the most room to grow (maximum − current), with the next better
  option and what it adds, at most `top` of them;
- `then_requirements`: the requirements of the level after that one which would also bind (not
  already listed), so that a producer aiming higher sees them early.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from ocop.criteria.engine.scoring import CouncilResult, requirements
from ocop.criteria.engine.types import CriterionSpec, Policy, ScorecardSpec

TOP_GAINS = 8
ZERO = Decimal(0)


@dataclass(frozen=True)
class RequirementGap:
    """A minimum-star requirement not met: `criterion` needs `required` points (the option
    `option`, marked for `level` stars) and has `current`."""

    criterion: str
    title: str
    level: int
    required: Decimal
    current: Decimal
    option: str
    answered: bool

    @property
    def shortfall(self) -> Decimal:
        return self.required - self.current


@dataclass(frozen=True)
class Gain:
    """Room to grow on a criterion: from `current` to `max_points`; the next better option is
    `next_option` (`next_points`), which adds `gain`."""

    criterion: str
    title: str
    current: Decimal
    max_points: Decimal
    next_option: str
    next_points: Decimal
    answered: bool

    @property
    def room(self) -> Decimal:
        return self.max_points - self.current

    @property
    def gain(self) -> Decimal:
        return self.next_points - self.current


@dataclass(frozen=True)
class Improvement:
    predicted: int  # the stars predicted now
    band: int  # the band of the total (before the requirements)
    target: int  # the next certified level
    threshold: Decimal  # the lower bound of the target's band
    total: Decimal
    missing_points: Decimal  # threshold − total, or 0
    requirements: tuple[RequirementGap, ...]
    gains: tuple[Gain, ...]
    then: int | None  # the level after the target, if certified
    then_requirements: tuple[RequirementGap, ...]

    @property
    def reachable_by_points(self) -> bool:
        """True when only requirements stand between the product and the target."""
        return self.missing_points == ZERO


def _threshold(policy: Policy, level: int) -> Decimal | None:
    lowers = [band.lower for band in policy.bands if band.stars == level]
    return min(lowers) if lowers else None


def _option_for(criterion: CriterionSpec, points: Decimal, level: int) -> str:
    """The label of the option a requirement asks for: the marked one, else any with those
    points."""
    for option in criterion.options:
        if option.min_star_marker == level and option.points == points:
            return option.label
    for option in criterion.options:
        if option.points == points:
            return option.label
    return _("Yes") if criterion.binary else ""


def _gaps(
    spec: ScorecardSpec,
    policy: Policy,
    points: dict[str, Decimal],
    levels: Collection[int],
    unanswered: Collection[str],
) -> dict[str, RequirementGap]:
    """Per criterion, the highest unmet requirement among `levels` (scorecard order)."""
    by_code = {criterion.code: criterion for criterion in spec.criteria}
    found: dict[str, RequirementGap] = {}
    for level in sorted(levels):
        if level not in policy.certified_levels:
            continue
        for requirement in requirements(spec, level):
            current = points.get(requirement.criterion, ZERO)
            if current >= requirement.points:
                continue
            known = found.get(requirement.criterion)
            if known is not None and known.required >= requirement.points:
                continue
            criterion = by_code[requirement.criterion]
            marker = max(
                (
                    o.min_star_marker
                    for o in criterion.options
                    if o.min_star_marker is not None
                    and o.min_star_marker <= level
                    and o.points == requirement.points
                ),
                default=level,
            )
            found[requirement.criterion] = RequirementGap(
                criterion=criterion.code,
                title=criterion.title,
                level=marker,
                required=requirement.points,
                current=current,
                option=_option_for(criterion, requirement.points, marker),
                answered=criterion.code not in unanswered,
            )
    order = {criterion.code: index for index, criterion in enumerate(spec.criteria)}
    return dict(sorted(found.items(), key=lambda item: order[item[0]]))


def _next_option(criterion: CriterionSpec, current: Decimal) -> tuple[str, Decimal] | None:
    if criterion.binary or not criterion.options:
        return (_("Yes"), criterion.max_points) if current < criterion.max_points else None
    better = [option for option in criterion.options if option.points > current]
    if not better:
        return None
    best = min(better, key=lambda option: option.points)
    return best.label, best.points


def improvement_for(
    spec: ScorecardSpec,
    policy: Policy,
    result: CouncilResult,
    *,
    not_asked: Collection[str] = (),
    unanswered: Collection[str] = (),
    top: int = TOP_GAINS,
) -> Improvement | None:
    """What to improve to reach the next star level (see the module docstring), or None when
    there is no level above (5★) or the result is a knock-out.

    `not_asked` are criteria left out of the sheet on purpose (5.2 without a product story):
    they are not offered as gains. `unanswered` marks criteria not answered yet.
    """
    if result.knocked_out is not None:
        return None
    certified = sorted(policy.certified_levels)
    target = next((level for level in certified if level > result.stars), None)
    if target is None:
        return None
    threshold = _threshold(policy, target)
    if threshold is None:
        return None
    points = result.criterion_means()
    total = result.mean_total
    levels_to_target = [level for level in certified if level <= target]
    gaps = _gaps(spec, policy, points, levels_to_target, unanswered)
    then = next((level for level in certified if level > target), None)
    then_gaps: list[RequirementGap] = []
    if then is not None:
        for code, gap in _gaps(spec, policy, points, [*levels_to_target, then], unanswered).items():
            listed = gaps.get(code)
            if listed is None or listed.required < gap.required:
                then_gaps.append(gap)
    gains: list[tuple[Decimal, int, Gain]] = []
    for index, criterion in enumerate(spec.criteria):
        if criterion.code in not_asked:
            continue
        current = points.get(criterion.code, ZERO)
        upgrade = _next_option(criterion, current)
        if upgrade is None or criterion.max_points <= current:
            continue
        gain = Gain(
            criterion=criterion.code,
            title=criterion.title,
            current=current,
            max_points=criterion.max_points,
            next_option=upgrade[0],
            next_points=upgrade[1],
            answered=criterion.code not in unanswered,
        )
        gains.append((-gain.room, index, gain))
    gains.sort(key=lambda item: (item[0], item[1]))
    return Improvement(
        predicted=result.stars,
        band=result.band_stars,
        target=target,
        threshold=threshold,
        total=total,
        missing_points=max(threshold - total, ZERO),
        requirements=tuple(gaps.values()),
        gains=tuple(gain for _room, _index, gain in gains[:top]),
        then=then,
        then_requirements=tuple(then_gaps),
    )


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _gap_dict(gap: RequirementGap) -> dict[str, object]:
    return {
        "criterion": gap.criterion,
        "title": gap.title,
        "level": gap.level,
        "required": _num(gap.required),
        "current": _num(gap.current),
        "option": gap.option,
        "answered": gap.answered,
    }


def improvement_to_dict(improvement: Improvement | None) -> dict[str, object] | None:
    """The JSON form (points as numbers, as the engine's result_to_dict)."""
    if improvement is None:
        return None
    return {
        "predicted": improvement.predicted,
        "band": improvement.band,
        "target": improvement.target,
        "threshold": _num(improvement.threshold),
        "total": _num(improvement.total),
        "missing_points": _num(improvement.missing_points),
        "requirements": [_gap_dict(gap) for gap in improvement.requirements],
        "gains": [
            {
                "criterion": gain.criterion,
                "title": gain.title,
                "current": _num(gain.current),
                "max_points": _num(gain.max_points),
                "next_option": gain.next_option,
                "next_points": _num(gain.next_points),
                "gain": _num(gain.gain),
                "answered": gain.answered,
            }
            for gain in improvement.gains
        ],
        "then": improvement.then,
        "then_requirements": [_gap_dict(gap) for gap in improvement.then_requirements],
    }
