"""The scoring engine's input, built from the database: `load_scorecard_spec` and `policy_for`.

The engine (ocop.criteria.engine) is pure; these functions turn a stored scorecard and its
criteria set into the frozen dataclasses of `engine.types`. A built spec is cached in-process
per (set code, scorecard number, content checksum): re-importing changed content gives a new
checksum, so a stale spec is never served. Each call costs one small query (the checksum).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.criteria.engine.types import (
    Band,
    CriterionSpec,
    GroupSpec,
    KnockoutSpec,
    OptionSpec,
    PartSpec,
    Policy,
    ScorecardSpec,
)
from ocop.criteria.enums import CriteriaSetStatus
from ocop.criteria.models import (
    ClassificationNode,
    CriteriaSet,
    KnockoutRule,
    Node,
    Option,
    Scorecard,
)

SPEC_CACHE_SIZE = 256


class UnknownScorecard(ValidationError):
    """The criteria set or scorecard asked for does not exist (the message names which)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="unknown")


def _unknown_set(code: str) -> UnknownScorecard:
    return UnknownScorecard(_("There is no criteria set “%(code)s”.") % {"code": code})


def _unknown_scorecard(code: str, number: int) -> UnknownScorecard:
    return UnknownScorecard(
        _("The criteria set “%(code)s” has no scorecard %(number)s.")
        % {"code": code, "number": number}
    )


def load_scorecard_spec(criteria_set_code: str, number: int) -> ScorecardSpec:
    """The engine's view of scorecard `number` of the set `criteria_set_code`.

    Raises UnknownScorecard naming the unknown set or scorecard.
    """
    checksum = (
        CriteriaSet.objects.filter(code=criteria_set_code)
        .values_list("content_sha256", flat=True)
        .first()
    )
    if checksum is None:
        raise _unknown_set(criteria_set_code)
    return _build_spec(criteria_set_code, int(number), checksum)


def clear_spec_cache() -> None:
    _build_spec.cache_clear()


def _options(rows: list[Option]) -> tuple[OptionSpec, ...]:
    return tuple(
        OptionSpec(
            label=option.label,
            points=option.points,
            min_star_marker=option.min_star_marker,
            case=option.case or None,
        )
        for option in rows
    )


@lru_cache(maxsize=SPEC_CACHE_SIZE)
def _build_spec(code: str, number: int, checksum: str) -> ScorecardSpec:
    scorecard = (
        Scorecard.objects.select_related("criteria_set")
        .filter(criteria_set__code=code, number=number)
        .first()
    )
    if scorecard is None:
        raise _unknown_scorecard(code, number)
    nodes = list(Node.objects.filter(scorecard=scorecard).order_by("position"))
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(node__scorecard=scorecard).order_by("seq", "id"):
        options.setdefault(option.node_id, []).append(option)
    by_id = {node.pk: node for node in nodes}

    def ancestor(node: Node, level: int) -> Node:
        while node.level > level and node.parent_id is not None:
            node = by_id[node.parent_id]
        return node

    parts = tuple(
        PartSpec(node.code, node.display_title, node.max_points or Decimal(0))
        for node in nodes
        if node.level == 0
    )
    groups = tuple(
        GroupSpec(
            node.code, node.display_title, ancestor(node, 0).code, node.max_points or Decimal(0)
        )
        for node in nodes
        if node.level == 1
    )
    criteria = tuple(
        CriterionSpec(
            code=node.code,
            title=node.display_title,
            part=ancestor(node, 0).code,
            group=ancestor(node, 1).code,
            max_points=node.max_points or Decimal(0),
            options=_options(options.get(node.pk, [])),
            binary=node.binary,
            conditional=node.conditional,
            condition_note=node.condition_note,
        )
        for node in nodes
        if node.scorable and node.level > 0
    )
    knockouts = tuple(
        KnockoutSpec(
            code=rule.code,
            scope=rule.scope,
            text=rule.text,
            criterion_code=rule.criterion_code or None,
        )
        for rule in KnockoutRule.objects.filter(scorecard=scorecard).order_by("position")
    )
    return ScorecardSpec(
        criteria_set=code,
        number=scorecard.number,
        name=scorecard.name,
        parts=parts,
        groups=groups,
        criteria=criteria,
        knockouts=knockouts,
        total_max=scorecard.total_max,
        usable=scorecard.usable,
    )


def policy_for(criteria_set: CriteriaSet | str) -> Policy:
    """The settings of a criteria set that the decision leaves to interpretation."""
    if isinstance(criteria_set, str):
        found = CriteriaSet.objects.filter(code=criteria_set).first()
        if found is None:
            raise _unknown_set(criteria_set)
        criteria_set = found
    bands = tuple(
        sorted(
            (Band(int(stars), Decimal(str(lower))) for stars, lower in criteria_set.bands),
            key=lambda band: band.lower,
            reverse=True,
        )
    )
    return Policy(
        bands=bands,
        requirement_policy=criteria_set.requirement_policy,
        spread_threshold=Decimal(criteria_set.spread_threshold),
        certified_levels=tuple(int(level) for level in criteria_set.certified_levels),
        ministry_threshold=Decimal(criteria_set.ministry_threshold),
        extra=dict(criteria_set.policies or {}),
    )


def scorecard_for_classification(node: ClassificationNode) -> Scorecard:
    """The scorecard a product of this classification leaf is scored on.

    Raises UnknownScorecard for a category or group that has sub-groups (no scorecard of its own).
    """
    if node.scorecard_id is None:
        raise UnknownScorecard(
            _("The classification %(code)s “%(name)s” has no scorecard; choose a sub-group.")
            % {"code": node.code, "name": node.name}
        )
    return Scorecard.objects.select_related("criteria_set").get(pk=node.scorecard_id)


def current_criteria_set(day: dt.date | None = None) -> CriteriaSet | None:
    """The criteria set in force on `day` (today by default): published or since superseded,
    official sets before unofficial transcriptions, the newest rules first. None when no set
    in the database covers the day (e.g. 2023–2026, the QĐ 148 years)."""
    day = day or timezone.localdate()
    return (
        CriteriaSet.objects.in_force_on(day)
        .exclude(status=CriteriaSetStatus.DRAFT)
        .order_by("-official", "-in_force_from", "code")
        .first()
    )
