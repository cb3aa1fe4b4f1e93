"""The scoring engine: one member's sheet, then the council's result. Pure Python, no database.

    sheet = score_sheet(spec, {"1.1": 3, "1.2": 1, …}, member="m1")
    result = combine_sheets(spec, policy, [sheet, …])
    result = score_council(spec, policy, [SheetInput("m1", {...}), …])  # validates all first
    result_to_dict(result)  # the JSON object that `ocop score` prints and the API returns

The rules and their interpretation are documented in docs/developer/scoring.md. In short:

- a selection is the points awarded on a criterion: one of its options' points, or 0 when no
  option applies (0 or the maximum for a yes/no criterion); every criterion must be scored except
  conditional ones (they then score 0) and except on a sheet that records a stop rule (the
  member stopped there: the criteria left out score 0);
- the mean of the members' totals (2 decimals, half up) gives the band; the band's level is
  reached only if every minimum-star requirement of each certified level up to it is met, else
  the product drops to the highest level whose requirements are met (`capped_by` says why);
- a knock-out (dossier rule, or a criterion's stop rule recorded by a member) sets `stars` to 0
  and `knocked_out` to the rule; `band_stars` is still reported.

Every check runs before anything is returned, and all problems are reported together in one
`ScoringError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.utils.translation import gettext as _

from ocop.criteria.engine.errors import ScoringError, ScoringIssue
from ocop.criteria.engine.types import KnockoutSpec, Policy, ScorecardSpec

__all__ = [
    "REQUIREMENT_EVERY_MEMBER",
    "REQUIREMENT_MEAN",
    "CouncilResult",
    "KnockedOut",
    "Requirement",
    "ScoringError",
    "ScoringIssue",
    "SheetInput",
    "SheetResult",
    "Shortfall",
    "band_for",
    "combine_sheets",
    "requirements",
    "result_to_dict",
    "score_council",
    "score_sheet",
]

REQUIREMENT_MEAN = "mean"  # the criterion's mean points across members ≥ the requirement
REQUIREMENT_EVERY_MEMBER = "every_member"  # every member's points ≥ the requirement
REQUIREMENT_POLICIES = (REQUIREMENT_MEAN, REQUIREMENT_EVERY_MEMBER)

SCOPE_DOSSIER = "dossier"
SCOPE_CRITERION = "criterion"

ZERO = Decimal(0)
CENT = Decimal("0.01")
# Arithmetic never depends on the thread's decimal context (which a caller may have changed).
_CTX = Context(prec=28)


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetInput:
    """One member's sheet as it arrives: points per criterion code, and the stop rules recorded."""

    member: str
    selections: Mapping[str, Any]
    knockouts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SheetResult:
    member: str
    total: Decimal
    parts: dict[str, Decimal]  # part code → points, in scorecard order
    groups: dict[str, Decimal]  # group code → points, in scorecard order
    points: dict[str, Decimal]  # criterion code → points (0 for a criterion left out)
    knockouts: tuple[str, ...] = ()  # criterion-level stop rules the member recorded


@dataclass(frozen=True, slots=True)
class Requirement:
    """A minimum-star requirement: at `level`, `criterion` must reach `points`."""

    level: int
    criterion: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A requirement that kept the product below its band (an entry of `capped_by`)."""

    criterion: str
    level: int
    required: Decimal
    achieved: Decimal  # the members' mean (2 decimals), or the lowest member's points


@dataclass(frozen=True, slots=True)
class KnockedOut:
    code: str
    scope: str  # "dossier" or "criterion"
    reason: str
    members: tuple[str, ...] = ()  # who recorded a criterion-level stop rule


@dataclass(frozen=True, slots=True)
class CouncilResult:
    criteria_set: str
    scorecard: int
    mean_total: Decimal
    median_total: Decimal
    spread: Decimal
    band_stars: int
    stars: int
    capped_by: tuple[Shortfall, ...]
    flag_discussion: bool
    knocked_out: KnockedOut | None
    members: tuple[SheetResult, ...]

    def criterion_means(self) -> dict[str, Decimal]:
        """Each criterion's mean points across the members (2 decimals, half up)."""
        count = len(self.members)
        sums: dict[str, Decimal] = {}
        for sheet in self.members:
            for code, value in sheet.points.items():
                sums[code] = sums.get(code, ZERO) + value
        return {code: _mean(total, count) for code, total in sums.items()}


# --- the compiled scorecard -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    code: str
    allowed: dict[Decimal, Decimal]  # every accepted value → the canonical Decimal
    optional: bool  # conditional: may be left out (scores 0)
    group: int  # index into _Compiled.group_codes


@dataclass(frozen=True, slots=True)
class _Compiled:
    spec: ScorecardSpec
    items: tuple[_Item, ...]
    codes: frozenset[str]
    part_codes: tuple[str, ...]
    group_codes: tuple[str, ...]
    group_part: tuple[int, ...]  # group index → part index
    requirements: dict[int, tuple[Requirement, ...]]  # level → its requirements
    knockouts: dict[str, KnockoutSpec]


def _compile(spec: ScorecardSpec) -> _Compiled:
    part_codes = [p.code for p in spec.parts]
    group_codes = [g.code for g in spec.groups]
    group_parts = {g.code: g.part for g in spec.groups}
    for criterion in spec.criteria:  # hand-built specs may leave parts and groups out
        if criterion.part not in part_codes:
            part_codes.append(criterion.part)
        if criterion.group not in group_codes:
            group_codes.append(criterion.group)
            group_parts[criterion.group] = criterion.part
    group_index = {code: i for i, code in enumerate(group_codes)}
    part_index = {code: i for i, code in enumerate(part_codes)}
    items: list[_Item] = []
    for criterion in spec.criteria:
        if group_parts[criterion.group] != criterion.part:
            raise ValueError(
                f"criterion {criterion.code}: group {criterion.group} is not in part {criterion.part}"
            )
        if criterion.binary or not criterion.options:
            values = {ZERO, criterion.max_points}
        else:
            values = {ZERO} | {option.points for option in criterion.options}
        allowed = {Decimal(value): Decimal(value) for value in values}
        items.append(
            _Item(
                code=criterion.code,
                allowed=allowed,
                optional=criterion.conditional,
                group=group_index[criterion.group],
            )
        )
    codes = frozenset(item.code for item in items)
    if len(codes) != len(items):
        raise ValueError(
            f"scorecard {spec.number} of {spec.criteria_set}: duplicate criterion codes"
        )
    levels = range(1, 6)
    reqs: dict[int, list[Requirement]] = {level: [] for level in levels}
    for criterion in spec.criteria:
        marked = [o for o in criterion.options if o.min_star_marker is not None]
        for level in levels:
            markers = [o.min_star_marker for o in marked if (o.min_star_marker or 0) <= level]
            if not markers:
                continue
            top = max(m for m in markers if m is not None)
            # Two options with the same marker (alternative cases): the lower one suffices.
            points = min(o.points for o in marked if o.min_star_marker == top)
            reqs[level].append(Requirement(level, criterion.code, points))
    return _Compiled(
        spec=spec,
        items=tuple(items),
        codes=codes,
        part_codes=tuple(part_codes),
        group_codes=tuple(group_codes),
        group_part=tuple(part_index[group_parts[code]] for code in group_codes),
        requirements={level: tuple(found) for level, found in reqs.items()},
        knockouts={ko.code: ko for ko in spec.knockouts},
    )


_COMPILED: dict[int, tuple[ScorecardSpec, _Compiled]] = {}
_COMPILED_MAX = 256


def _compiled(spec: ScorecardSpec) -> _Compiled:
    """The compiled form of `spec`, built once per spec object (keyed by identity: hashing a
    frozen spec walks all its options, which would cost more than scoring a sheet)."""
    entry = _COMPILED.get(id(spec))
    if entry is not None and entry[0] is spec:
        return entry[1]
    compiled = _compile(spec)
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.pop(next(iter(_COMPILED)))
    _COMPILED[id(spec)] = (spec, compiled)  # the strong reference keeps the id from being reused
    return compiled


def requirements(spec: ScorecardSpec, level: int) -> tuple[Requirement, ...]:
    """The minimum-star requirements of `level`, in scorecard order (none for 1★ and 2★ on
    the current scorecards, which carry markers 3–5 only)."""
    return _compiled(spec).requirements.get(level, ())


def band_for(policy: Policy, mean: Decimal) -> int:
    """The stars of the band that holds `mean`: bands are half-open, [lower, next lower)."""
    best_lower: Decimal | None = None
    stars = 0
    for band in policy.bands:
        if band.lower <= mean and (best_lower is None or band.lower > best_lower):
            best_lower, stars = band.lower, band.stars
    return stars


# --- one sheet ------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, Decimal) and value.is_finite():
        text = format(value.normalize(), "f")
        return text
    return str(value)


def _unusable(spec: ScorecardSpec) -> ScoringIssue:
    return ScoringIssue(
        _("Scorecard %(number)s of %(criteria_set)s is incomplete and cannot be used for scoring.")
        % {"number": spec.number, "criteria_set": spec.criteria_set}
    )


def _knockout_issues(
    compiled: _Compiled, codes: Iterable[str], scope: str, member: str | None, where: str
) -> list[ScoringIssue]:
    issues = []
    for code in codes:
        ko = compiled.knockouts.get(code)
        if ko is None:
            message = _("There is no knock-out rule %(code)s on this scorecard.") % {"code": code}
        elif ko.scope != scope and scope == SCOPE_CRITERION:
            message = _(
                "Knock-out %(code)s is a dossier rule: record it for the whole dossier "
                "(dossier_knockouts), not on a member's sheet."
            ) % {"code": code}
        elif ko.scope != scope:
            message = _(
                "Knock-out %(code)s is a criterion's stop rule: the member who applies it "
                "records it on their sheet (knockouts)."
            ) % {"code": code}
        else:
            continue
        criterion = ko.criterion_code if ko is not None else None
        issues.append(ScoringIssue(message, criterion=criterion, member=member, field=where))
    return issues


def _score(
    compiled: _Compiled,
    selections: Mapping[str, Any],
    knockouts: tuple[str, ...],
    member: str,
    prefix: str,
) -> tuple[SheetResult | None, list[ScoringIssue]]:
    """Score one sheet; return the result, or None and the problems found."""
    issues: list[ScoringIssue] = []
    who = member or None
    if knockouts:
        issues += _knockout_issues(compiled, knockouts, SCOPE_CRITERION, who, f"{prefix}knockouts")
    stopped = bool(knockouts)  # the member applied a stop rule: unscored criteria count 0
    groups = [ZERO] * len(compiled.group_codes)
    points: dict[str, Decimal] = {}
    seen = 0
    missing = _MISSING
    for item in compiled.items:
        value = selections.get(item.code, missing)
        if value is missing:
            if not (item.optional or stopped):
                issues.append(_missing(item.code, who, prefix))
            canonical = ZERO
        else:
            seen += 1
            try:
                found = item.allowed.get(value)
            except TypeError:  # unhashable, or a signalling NaN
                found = None
            if found is None or value.__class__ is bool:
                issues.append(_bad_points(compiled, item, value, who, prefix))
                canonical = ZERO
            else:
                canonical = found
        points[item.code] = canonical
        groups[item.group] += canonical
    if seen != len(selections):
        for code in selections:
            if code not in compiled.codes:
                issues.append(
                    ScoringIssue(
                        _("There is no criterion %(criterion)s on this scorecard.")
                        % {"criterion": code},
                        criterion=str(code),
                        member=who,
                        field=f"{prefix}selections.{code}",
                    )
                )
    parts = [ZERO] * len(compiled.part_codes)
    for index, value in enumerate(groups):
        parts[compiled.group_part[index]] += value
    total = sum(parts, ZERO)
    spec = compiled.spec
    if total > spec.total_max and not issues:
        issues.append(
            ScoringIssue(
                _("The sheet totals %(total)s points, more than the maximum of %(max)s.")
                % {"total": _fmt(total), "max": _fmt(spec.total_max)},
                member=who,
                field=f"{prefix}selections",
            )
        )
    if issues:
        return None, issues
    return (
        SheetResult(
            member=member,
            total=total,
            parts=dict(zip(compiled.part_codes, parts, strict=True)),
            groups=dict(zip(compiled.group_codes, groups, strict=True)),
            points=points,
            knockouts=knockouts,
        ),
        issues,
    )


class _Missing:
    pass


_MISSING: Any = _Missing()


def _missing(code: str, member: str | None, prefix: str) -> ScoringIssue:
    return ScoringIssue(
        _("Criterion %(criterion)s is missing from the sheet.") % {"criterion": code},
        criterion=code,
        member=member,
        field=f"{prefix}selections.{code}",
    )


def _bad_points(
    compiled: _Compiled, item: _Item, value: Any, member: str | None, prefix: str
) -> ScoringIssue:
    where = f"{prefix}selections.{item.code}"
    if value.__class__ is bool or not isinstance(value, int | float | Decimal):
        message = _("The points of criterion %(criterion)s must be a number.") % {
            "criterion": item.code
        }
    else:
        allowed = ", ".join(_fmt(v) for v in sorted(set(item.allowed.values())))
        message = _(
            "%(points)s points is not an option of criterion %(criterion)s (allowed: %(allowed)s)."
        ) % {"points": _fmt(value), "criterion": item.code, "allowed": allowed}
    return ScoringIssue(message, criterion=item.code, member=member, field=where)


def score_sheet(
    spec: ScorecardSpec,
    selections: Mapping[str, Any],
    *,
    knockouts: Sequence[str] = (),
    member: str = "",
) -> SheetResult:
    """Score one member's sheet: total, part totals and group totals.

    `selections` maps criterion codes to points (Decimal or int). Raises `ScoringError` listing
    every problem: an unknown criterion, points that are not an option, a missing criterion, a
    total over the scorecard's maximum, an unknown knock-out code.
    """
    compiled = _compiled(spec)
    if not spec.usable:
        raise ScoringError([_unusable(spec)])
    result, issues = _score(compiled, selections, tuple(knockouts), member, "")
    if result is None:
        raise ScoringError(issues)
    return result


# --- the council ----------------------------------------------------------------------------


def _council_issues(
    compiled: _Compiled, members: Sequence[str], dossier_knockouts: Sequence[str]
) -> list[ScoringIssue]:
    issues: list[ScoringIssue] = []
    if not compiled.spec.usable:
        issues.append(_unusable(compiled.spec))
    if not members:
        issues.append(
            ScoringIssue(
                _("The council has no sheets: at least one member's sheet is needed."),
                field="sheets",
            )
        )
    seen: set[str] = set()
    for index, member in enumerate(members):
        if not member:
            issues.append(
                ScoringIssue(_("Every sheet needs a member."), field=f"sheets.{index}.member")
            )
        elif member in seen:
            issues.append(
                ScoringIssue(
                    _("Member %(member)s has more than one sheet.") % {"member": member},
                    member=member,
                    field=f"sheets.{index}.member",
                )
            )
        seen.add(member)
    issues += _knockout_issues(
        compiled, dossier_knockouts, SCOPE_DOSSIER, None, "dossier_knockouts"
    )
    return issues


def score_council(
    spec: ScorecardSpec,
    policy: Policy,
    sheets: Sequence[SheetInput],
    *,
    dossier_knockouts: Sequence[str] = (),
) -> CouncilResult:
    """Check every sheet, then score them and combine: the way in for the CLI and the API.

    All problems of all sheets are collected and raised together in one `ScoringError` before
    any result is produced.
    """
    compiled = _compiled(spec)
    issues = _council_issues(compiled, [s.member for s in sheets], dossier_knockouts)
    results: list[SheetResult] = []
    for index, sheet in enumerate(sheets):
        result, found = _score(
            compiled, sheet.selections, tuple(sheet.knockouts), sheet.member, f"sheets.{index}."
        )
        issues += found
        if result is not None:
            results.append(result)
    if issues:
        raise ScoringError(issues)
    return _combine(compiled, policy, results, tuple(dossier_knockouts))


def combine_sheets(
    spec: ScorecardSpec,
    policy: Policy,
    sheets: Sequence[SheetResult],
    *,
    dossier_knockouts: Sequence[str] = (),
) -> CouncilResult:
    """The council's result from the members' scored sheets (see the module docstring)."""
    compiled = _compiled(spec)
    issues = _council_issues(compiled, [s.member for s in sheets], dossier_knockouts)
    if issues:
        raise ScoringError(issues)
    return _combine(compiled, policy, sheets, tuple(dossier_knockouts))


def _combine(
    compiled: _Compiled,
    policy: Policy,
    sheets: Sequence[SheetResult],
    dossier_knockouts: tuple[str, ...],
) -> CouncilResult:
    if policy.requirement_policy not in REQUIREMENT_POLICIES:
        raise ValueError(f"unknown requirement policy {policy.requirement_policy!r}")
    spec = compiled.spec
    count = len(sheets)
    totals = sorted(sheet.total for sheet in sheets)
    mean = _mean(sum(totals, ZERO), count)
    middle = count // 2
    median = totals[middle] if count % 2 else _CTX.divide(totals[middle - 1] + totals[middle], 2)
    median = median.quantize(CENT, rounding=ROUND_HALF_UP, context=_CTX)
    spread = totals[-1] - totals[0]
    band_stars = band_for(policy, mean)

    every_member = policy.requirement_policy == REQUIREMENT_EVERY_MEMBER
    sums = dict.fromkeys(compiled.codes, ZERO)
    lowest: dict[str, Decimal] = {}
    for sheet in sheets:
        for code, value in sheet.points.items():
            sums[code] += value
    if every_member:
        for code in compiled.codes:
            lowest[code] = min(sheet.points[code] for sheet in sheets)

    knocked_out = _knocked_out(compiled, sheets, dossier_knockouts)
    stars = 0
    capped: list[Shortfall] = []
    if knocked_out is None:
        blocked = False
        for level in sorted({band.stars for band in policy.bands if band.stars <= band_stars}):
            unmet: list[Shortfall] = []
            if level in policy.certified_levels:
                for req in compiled.requirements.get(level, ()):
                    if every_member:
                        achieved = lowest[req.criterion]
                        if achieved < req.points:
                            unmet.append(Shortfall(req.criterion, level, req.points, achieved))
                    elif sums[req.criterion] < req.points * count:
                        achieved = _mean(sums[req.criterion], count)
                        unmet.append(Shortfall(req.criterion, level, req.points, achieved))
            if unmet:
                blocked = True
                capped += unmet
            elif not blocked:
                stars = level
    return CouncilResult(
        criteria_set=spec.criteria_set,
        scorecard=spec.number,
        mean_total=mean,
        median_total=median,
        spread=spread,
        band_stars=band_stars,
        stars=stars,
        capped_by=tuple(capped),
        flag_discussion=spread > policy.spread_threshold,
        knocked_out=knocked_out,
        members=tuple(sheets),
    )


def _mean(total: Decimal, count: int) -> Decimal:
    return _CTX.divide(total, count).quantize(CENT, rounding=ROUND_HALF_UP, context=_CTX)


def _knocked_out(
    compiled: _Compiled, sheets: Sequence[SheetResult], dossier_knockouts: tuple[str, ...]
) -> KnockedOut | None:
    """The first rule that applies, in scorecard order: dossier rules before criterion rules."""
    recorded: dict[str, list[str]] = {}
    for sheet in sheets:
        for code in sheet.knockouts:
            recorded.setdefault(code, []).append(sheet.member)
    for scope in (SCOPE_DOSSIER, SCOPE_CRITERION):
        for ko in compiled.spec.knockouts:
            if ko.scope != scope:
                continue
            if scope == SCOPE_DOSSIER and ko.code in dossier_knockouts:
                return KnockedOut(ko.code, ko.scope, ko.text)
            if scope == SCOPE_CRITERION and ko.code in recorded:
                return KnockedOut(ko.code, ko.scope, ko.text, tuple(recorded[ko.code]))
    return None


# --- JSON -----------------------------------------------------------------------------------


def _num(value: Decimal) -> int | float:
    """A JSON number: an integer when the value is whole, else a float (at most 2 decimals)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def result_to_dict(result: CouncilResult) -> dict[str, Any]:
    """The JSON object of `ocop score` and `POST /api/v1/scoring/preview` (one shape for both)."""
    knocked = result.knocked_out
    return {
        "mean_total": _num(result.mean_total),
        "median_total": _num(result.median_total),
        "spread": _num(result.spread),
        "band_stars": result.band_stars,
        "stars": result.stars,
        "capped_by": [
            {
                "criterion": s.criterion,
                "level": s.level,
                "required": _num(s.required),
                "achieved": _num(s.achieved),
            }
            for s in result.capped_by
        ],
        "flag_discussion": result.flag_discussion,
        "knocked_out": None
        if knocked is None
        else {
            "code": knocked.code,
            "scope": knocked.scope,
            "reason": knocked.reason,
            "members": list(knocked.members),
        },
        "members": [
            {
                "member": sheet.member,
                "total": _num(sheet.total),
                "parts": {code: _num(v) for code, v in sheet.parts.items()},
                "groups": {code: _num(v) for code, v in sheet.groups.items()},
                "knockouts": list(sheet.knockouts),
            }
            for sheet in result.members
        ],
    }
