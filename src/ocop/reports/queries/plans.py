"""Reads of plans (kế hoạch): who sees which plan, the loader, and each plan's progress counted
from the records (`ocop.reports.queries.summary`).

Who sees what:

- officials who see the whole province (the office, the approver, the council, administrators):
  every plan;
- a commune officer: the plans of their commune(s), of the district of an old commune of
  theirs, and of their province;
- anyone else: nothing (404).

A plan is addressed by its year and its unit's official code (`/bao-cao/ke-hoach/2019/01/`).
Codes repeat across the reform of 1/7/2025; the unit's key (`c00004~20250630`) is accepted too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ocop.accounts.rules import as_access
from ocop.geo.models import AdministrativeUnit
from ocop.reports.models import Plan
from ocop.reports.queries.summary import (
    STAR_CLASSES,
    Scope,
    Summary,
    achievement,
    ranked_items,
    star_class,
    summary,
)
from ocop.reports.queries.units import resolve_unit
from ocop.reports.rules import can_manage_plans, can_see_reports

# --- units ------------------------------------------------------------------------------------


def unit_valid_in(unit: AdministrativeUnit, year: int) -> bool:
    """The unit existed during (part of) `year`."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if unit.valid_from is not None and unit.valid_from > last:
        return False
    return unit.valid_to is None or unit.valid_to >= first


def find_unit(value: Any, year: int | None) -> AdministrativeUnit | None:
    """A unit given as itself, its key or its official code (the one of `year`)."""
    if isinstance(value, AdministrativeUnit):
        return value
    return resolve_unit(value, year)


def plan_url_code(plan: Plan) -> str:
    """The unit part of a plan's address: the official code, or the unit's key when the unit
    ended during the plan's year (its code may then name its successor as well)."""
    unit = plan.unit
    if unit.valid_to is not None and unit.valid_to.year == plan.year:
        return unit.key
    return unit.code


# --- visibility -------------------------------------------------------------------------------


def plans_visible_to(user_or_access: Any) -> QuerySet[Plan]:
    access = as_access(user_or_access)
    if access.sees_whole_province:
        return Plan.objects.all()
    if not (access.is_commune_officer and access.commune_unit_ids):
        return Plan.objects.none()
    mine = AdministrativeUnit.objects.filter(pk__in=access.commune_unit_ids)
    return Plan.objects.filter(
        Q(unit_id__in=access.commune_unit_ids)
        | Q(unit_id__in=mine.values("parent_id"))
        | Q(unit_id__in=mine.values("province_id"))
    )


def may_see_plans_of(user_or_access: Any, unit: AdministrativeUnit) -> bool:
    """Whether the user would see a plan of `unit`, whether or not one exists (the rule of
    `plans_visible_to`, for a unit): the answer depends on the unit alone, never on a plan."""
    access = as_access(user_or_access)
    if access.sees_whole_province:
        return True
    if not (access.is_commune_officer and access.commune_unit_ids):
        return False
    if unit.pk in access.commune_unit_ids:
        return True
    mine = AdministrativeUnit.objects.filter(pk__in=access.commune_unit_ids)
    return mine.filter(Q(parent_id=unit.pk) | Q(province_id=unit.pk)).exists()


def access_plan(user: Any, year: int, unit_code: str, write: bool = False) -> Plan:
    """The plan of `year` for the unit `unit_code` if the user may see it (or change it with
    `write=True`); 404 otherwise."""
    access = as_access(user)
    if write and not can_manage_plans(access):
        raise Http404
    if not write and not can_see_reports(access):
        raise Http404
    plans = list(
        plans_visible_to(access)
        .select_related("unit", "unit__parent", "unit__province")
        .filter(year=year)
        .filter(Q(unit__code=unit_code) | Q(unit__key=unit_code))
    )
    if len(plans) > 1:
        unit = resolve_unit(unit_code, year)
        plans = [plan for plan in plans if unit is not None and plan.unit_id == unit.pk]
    if not plans:
        raise Http404
    return plans[0]


LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}


def in_unit_order(plans: list[Plan]) -> list[Plan]:
    """Latest year first, then the province, its districts, its communes, by name."""
    return sorted(
        plans,
        key=lambda plan: (
            -plan.year,
            LEVEL_ORDER.get(plan.unit.level, 3),
            plan.unit.name,
            plan.unit.code,
        ),
    )


def plan_years(user_or_access: Any) -> list[int]:
    """The years that have a plan the user may see, latest first. One query."""
    years = plans_visible_to(user_or_access).order_by("-year").values_list("year", flat=True)
    return list(dict.fromkeys(years))


# --- progress ---------------------------------------------------------------------------------


@dataclass
class ProgressRow:
    key: str  # "products", "3", "4", "5", "potential_5"
    target: int | None
    actual: int
    percent: Decimal | None

    @property
    def bar_value(self) -> int:
        """The bar's filling, capped at its end."""
        if not self.target:
            return 0
        return min(self.actual, self.target)


@dataclass
class PlanProgress:
    plan: Plan
    rows: list[ProgressRow]
    summary: Summary | None = None
    stars: dict[str, int] = field(default_factory=dict)

    @property
    def products(self) -> ProgressRow:
        return self.rows[0]


def _rows(plan: Plan, ranked: int, stars: dict[str, int]) -> list[ProgressRow]:
    return [
        ProgressRow(
            "products",
            plan.products_target,
            ranked,
            achievement(ranked, plan.products_target),
        ),
        ProgressRow(
            "3", plan.stars_3_target, stars["3"], achievement(stars["3"], plan.stars_3_target)
        ),
        ProgressRow(
            "4", plan.stars_4_target, stars["4"], achievement(stars["4"], plan.stars_4_target)
        ),
        ProgressRow(
            "5", plan.stars_5_target, stars["5"], achievement(stars["5"], plan.stars_5_target)
        ),
        ProgressRow("potential_5", None, stars["potential_5"], None),
    ]


def plan_progress(plan: Plan) -> PlanProgress:
    """The plan's targets against what was ranked in its year and unit (`summary`): products
    ranked, 3★, 4★, 5★ (recognised by the ministry) and, without a target of its own, potential
    5★ (proposed to the ministry). Three queries."""
    figures = summary(Scope(year=plan.year, unit=plan.unit))
    return PlanProgress(
        plan=plan,
        rows=_rows(plan, figures.products_ranked, figures.stars),
        summary=figures,
        stars=dict(figures.stars),
    )


def ranked_by_unit(year: int, unit_ids: set[int]) -> dict[int, dict[str, int]]:
    """Unit id → {class: ranked products} in `year`, for each of `unit_ids`, counted as
    `summary(Scope(year=year, unit=unit))` counts them, in one query (the list of plans)."""
    if not unit_ids:
        return {}
    rows = (
        ranked_items(Scope(year=year))
        .filter(
            Q(dossier__commune_id__in=unit_ids)
            | Q(dossier__commune__parent_id__in=unit_ids)
            | Q(dossier__commune__province_id__in=unit_ids)
        )
        .values_list(
            "dossier__product_id",
            "dossier__commune_id",
            "dossier__commune__parent_id",
            "dossier__commune__province_id",
            "recognised",
            "stars",
            "proposed_central",
        )
    )
    # (unit, product) -> recognised stars, proposed
    recognised: dict[tuple[int, int], set[int]] = {}
    proposed: set[tuple[int, int]] = set()
    for product_id, commune_id, parent_id, province_id, is_recognised, stars, is_proposed in rows:
        for unit_id in {commune_id, parent_id, province_id} & unit_ids:
            key = (unit_id, product_id)
            mine = recognised.setdefault(key, set())
            if is_recognised and stars:
                mine.add(stars)
            if is_proposed:
                proposed.add(key)
    result: dict[int, dict[str, int]] = {
        unit_id: dict.fromkeys(STAR_CLASSES, 0) for unit_id in unit_ids
    }
    for key, stars in recognised.items():
        category = star_class(stars, key in proposed)
        if category is not None:
            result[key[0]][category] += 1
    return result


def progress_of_plans(plans: list[Plan]) -> list[PlanProgress]:
    """The progress of several plans: one query per distinct year among them."""
    by_year: dict[int, set[int]] = {}
    for plan in plans:
        by_year.setdefault(plan.year, set()).add(plan.unit_id)
    counts = {year: ranked_by_unit(year, unit_ids) for year, unit_ids in by_year.items()}
    result = []
    for plan in plans:
        stars = counts[plan.year][plan.unit_id]
        ranked = sum(stars.values())
        result.append(PlanProgress(plan=plan, rows=_rows(plan, ranked, stars), stars=stars))
    return result
