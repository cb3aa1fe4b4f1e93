"""The programme's figures, counted from the records (never typed in): what the dashboard, the
yearly report and `GET /api/v1/reports/summary` show.

Definitions (docs/admin/reports.md repeats them for officials):

- **A cycle's year** is the year of the round a decision belongs to (Hà Nội's 2019 cycle was
  decided partly in June 2020: those products count in 2019). A period (`start`–`end`) filters on
  the day the decision was signed instead.
- **Ranked products** (sản phẩm được đánh giá, phân hạng) of a cycle: the products of the items of
  approved decisions of that cycle that were recognised (3★, 4★ or 5★) or proposed to the ministry
  for 5★. A decision replaced by an approved correction no longer counts (its correction does).
  With `as_of`, only the decisions signed by that day count: a report for a past date is
  reproducible.
- **Each product counts once** in a cycle, in its highest class: 5★ (recognised by the ministry)
  above potential 5★ (proposed to the ministry, not recognised there) above 4★ above 3★. A product
  the province recognised after the ministry's result counts by what the province recognised.
- **Producers** are the distinct producers of the ranked products; **workers** the sum of their
  workforce (the figure of their current registration).
- **Unit**: a product belongs to the commune its dossier was lodged in, to that commune's district
  (before 1/7/2025) and to the province. A district or an old commune therefore finds the cycles
  before the reform, a new commune those after it.
- **Plan achievement**: ranked products ÷ the plan's target for the year and the unit, in percent,
  rounded half up to one decimal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

STAR_CLASSES = ("5", "potential_5", "4", "3")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Scope:
    """What a figure is counted over. `unit` is an administrative unit (province, district,
    commune) or None for every unit; `group` a classification node code (category, group or
    sub-group of the product's classification); `producer_kind` a ProducerKind value."""

    year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    unit: Any = None
    group: str = ""
    producer_kind: str = ""
    as_of: dt.date | None = None
    # The units the figures are limited to (a commune officer's, `rules.report_unit_ids`): the
    # dossiers lodged in one of them or in a commune under one of them. None: no limit.
    units: frozenset[int] | None = None


@dataclass
class Summary:
    scope: Scope
    products_ranked: int = 0
    stars: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAR_CLASSES, 0))
    producers: int = 0
    producers_by_kind: dict[str, int] = field(default_factory=dict)
    workers: int = 0
    plan_target: int | None = None
    plan_achievement_percent: Decimal | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.scope.year,
            "unit": self.scope.unit.code if self.scope.unit is not None else None,
            "products_ranked": self.products_ranked,
            "stars": dict(self.stars),
            "producers": self.producers,
            "producers_by_kind": dict(self.producers_by_kind),
            "workers": self.workers,
            "plan_target": self.plan_target,
            "plan_achievement_percent": (
                float(self.plan_achievement_percent)
                if self.plan_achievement_percent is not None
                else None
            ),
        }


def unit_condition(unit: Any, prefix: str = "dossier__commune") -> Q:
    """The dossiers lodged in `unit` or in a commune under it (district or province)."""
    return (
        Q(**{prefix: unit}) | Q(**{f"{prefix}__parent": unit}) | Q(**{f"{prefix}__province": unit})
    )


def units_condition(unit_ids: Any, prefix: str = "dossier__commune") -> Q:
    """The dossiers lodged in one of `unit_ids` or in a commune under one of them (a commune
    officer of an old district sees its communes)."""
    ids = list(unit_ids)
    return Q(**{f"{prefix}_id__in": ids}) | Q(**{f"{prefix}__parent_id__in": ids})


def group_condition(code: str, prefix: str = "dossier__product__classification") -> Q:
    """The products classified under the node `code` (at any of its three levels)."""
    return (
        Q(**{f"{prefix}__code": code})
        | Q(**{f"{prefix}__parent__code": code})
        | Q(**{f"{prefix}__parent__parent__code": code})
    )


def counted_decisions(scope: Scope) -> QuerySet:
    """The approved decisions that count in `scope` (not replaced by an approved correction)."""
    from ocop.evaluation.enums import DecisionStatus
    from ocop.evaluation.models import Decision

    replaced = Decision.objects.filter(replaces=OuterRef("pk"), status=DecisionStatus.APPROVED)
    if scope.as_of is not None:
        replaced = replaced.filter(signed_on__lte=scope.as_of)
    decisions = Decision.objects.filter(status=DecisionStatus.APPROVED).exclude(Exists(replaced))
    if scope.year is not None:
        decisions = decisions.filter(round__year=scope.year)
    if scope.start is not None:
        decisions = decisions.filter(signed_on__gte=scope.start)
    if scope.end is not None:
        decisions = decisions.filter(signed_on__lte=scope.end)
    if scope.as_of is not None:
        decisions = decisions.filter(signed_on__lte=scope.as_of)
    return decisions


def ranked_items(scope: Scope) -> QuerySet:
    """The decision items behind the ranked products of `scope` (a product may have several:
    a proposal and the ministry's recognition, say)."""
    from ocop.evaluation.models import DecisionItem

    items = DecisionItem.objects.filter(
        Q(recognised=True) | Q(proposed_central=True),
        decision__in=counted_decisions(scope),
    )
    if scope.unit is not None:
        items = items.filter(unit_condition(scope.unit))
    if scope.units is not None:
        items = items.filter(units_condition(scope.units))
    if scope.group:
        items = items.filter(group_condition(scope.group))
    if scope.producer_kind:
        items = items.filter(dossier__producer__kind=scope.producer_kind)
    return items


def star_class(recognised_stars: set[int], proposed: bool) -> str | None:
    """A product's class in a cycle from its items: see the module's definitions."""
    if 5 in recognised_stars:
        return "5"
    if proposed and not recognised_stars:
        return "potential_5"
    if 4 in recognised_stars:
        return "4"
    if 3 in recognised_stars:
        return "3"
    return None


def ranked_products(scope: Scope) -> dict[int, tuple[str, int]]:
    """Product id → (its class, its producer id), for every ranked product of `scope`. One
    query."""
    recognised: dict[int, set[int]] = {}
    proposed: set[int] = set()
    producer_of: dict[int, int] = {}
    rows = ranked_items(scope).values_list(
        "dossier__product_id", "dossier__producer_id", "recognised", "stars", "proposed_central"
    )
    for product_id, producer_id, is_recognised, stars, is_proposed in rows:
        producer_of[product_id] = producer_id
        mine = recognised.setdefault(product_id, set())
        if is_recognised and stars:
            mine.add(stars)
        if is_proposed:
            proposed.add(product_id)
    result: dict[int, tuple[str, int]] = {}
    for product_id, stars in recognised.items():
        category = star_class(stars, product_id in proposed)
        if category is not None:
            result[product_id] = (category, producer_of[product_id])
    return result


def plan_for(year: int | None, unit: Any) -> Any:
    """The plan of `year` for `unit` (the province's when `unit` is None and there is one plan
    of that year at province level)."""
    from ocop.geo.enums import UnitLevel
    from ocop.reports.models import Plan

    if year is None:
        return None
    plans = Plan.objects.filter(year=year).select_related("unit")
    if unit is not None:
        return plans.filter(unit=unit).first()
    return plans.filter(unit__level=UnitLevel.PROVINCE).order_by("unit__code").first()


def achievement(done: int, target: int | None) -> Decimal | None:
    """Percent of `target`, rounded half up to one decimal (301 of 300 → 100.3)."""
    if not target:
        return None
    return (Decimal(done) * 100 / Decimal(target)).quantize(TENTH, rounding=ROUND_HALF_UP)


def summary(scope: Scope) -> Summary:
    """The summary figures of `scope`: 3 queries (items, producers, plan)."""
    from ocop.producers.models import Producer

    ranked = ranked_products(scope)
    result = Summary(scope=scope, products_ranked=len(ranked))
    for category, _producer in ranked.values():
        result.stars[category] += 1
    producer_ids = {producer for _category, producer in ranked.values()}
    result.producers = len(producer_ids)
    if producer_ids:
        kinds: Counter[str] = Counter()
        workers = 0
        rows = (
            Producer.objects.filter(pk__in=producer_ids)
            .values("kind")
            .annotate(n=Count("pk"), workers=Sum("workforce_total"))
        )
        for row in rows:
            kinds[row["kind"]] += row["n"]
            workers += row["workers"] or 0
        result.producers_by_kind = dict(sorted(kinds.items()))
        result.workers = workers
    # A limited scope (a commune officer's communes) has no plan of its own unless a unit is
    # chosen: the province's plan is not theirs.
    limited = scope.units is not None and scope.unit is None
    plan = None if limited else plan_for(scope.year, scope.unit)
    if plan is not None:
        result.plan_target = plan.products_target
        result.plan_achievement_percent = achievement(result.products_ranked, plan.products_target)
    return result
