"""The standard yearly report (báo cáo kết quả thực hiện Chương trình OCOP năm …): what the page
`/bao-cao/bao-cao-nam/` shows and the XLSX and PDF writers print.

Every figure is counted by `ocop.reports.queries.summary` (see its definitions): the summary
figures are `summary(Scope(year, unit, as_of))`, each product is classed by `ranked_products`
(once, in its highest class), and the tables and the list only spread those products over units
and product groups. With `as_of`, decisions signed after that day are ignored, so a report "as
of" a past day is the same whenever it is generated.

- **By administrative unit**: for a cycle before 2025 the districts (the district of the commune
  the dossier was lodged in; a commune without a district stands for itself), for 2025 and later
  the communes.
- **By product group**: the product's OCOP classification, as its category (ngành) and group
  (nhóm); a product without one is counted under "Unclassified".
- **The list**: every ranked product, with the decision item that gives it its class (the latest
  signed when several do).
- **Products evaluated**: the distinct products the councils of the cycle's rounds scored (an
  agenda item with a result in a closed session held by `as_of`), by level of the round.

A fixed number of queries, whatever the number of products (`yearly_report` is guarded by a
test): the summary's three, one for the classes, one for the rows of the list, one for the
products evaluated, one for the province's name (and one for the names of a commune officer's
communes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import as_access
from ocop.reports.queries.dashboard import (
    evaluated_counts,
    limited_scope,
    unit_allowed,
)
from ocop.reports.queries.summary import (
    STAR_CLASSES,
    Scope,
    Summary,
    ranked_items,
    ranked_products,
    summary,
)
from ocop.reports.rules import can_see_reports

# The year of the reform of 1 July 2025: from then on the report's rows are communes.
COMMUNE_ROWS_FROM = 2025
CLASS_LABELS = {
    "5": _("5★"),
    "potential_5": _("potential 5★"),
    "4": _("4★"),
    "3": _("3★"),
}
# Which of a product's items stands for its class.
_ITEM_CLASS_ORDER = {"5": 0, "potential_5": 1, "4": 2, "3": 3}


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(STAR_CLASSES, 0)


@dataclass
class CountRow:
    """One row of a table, a unit or a product group, with its ranked products by class. `key`
    is the unit's official code or the classification node's code; `first` and `second` are
    the two columns printed (code and name of a unit; category and group of a product group)."""

    key: str
    first: str
    second: str = ""
    stars: dict[str, int] = field(default_factory=empty_counts)

    @property
    def ranked(self) -> int:
        return sum(self.stars.values())

    @property
    def ordered(self) -> list[int]:
        """The counts in the report's order: 5★, potential 5★, 4★, 3★."""
        return [self.stars[key] for key in STAR_CLASSES]


@dataclass
class ProductRow:
    number: int
    product: str
    product_code: str
    producer: str
    producer_kind: str
    commune: str
    district: str
    category: str
    group: str
    mean_total: Decimal
    star_class: str
    stars: int | None
    decision_number: str
    signed_on: dt.date | None
    dossier_code: str

    @property
    def class_label(self) -> str:
        return str(CLASS_LABELS[self.star_class])

    @property
    def producer_kind_label(self) -> str:
        from ocop.producers.enums import ProducerKind

        return str(dict(ProducerKind.choices).get(self.producer_kind, self.producer_kind))


@dataclass
class YearlyReport:
    year: int
    as_of: dt.date | None
    unit: Any
    province: str
    summary: Summary
    evaluated: int = 0
    evaluated_by_level: dict[str, int] = field(default_factory=dict)
    rows_are_communes: bool = False
    # The names of the communes a commune officer's report is limited to (no unit chosen).
    limited_to: list[str] = field(default_factory=list)
    by_unit: list[CountRow] = field(default_factory=list)
    by_group: list[CountRow] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)

    @property
    def total(self) -> CountRow:
        """The total row of both tables: the summary's figures."""
        return CountRow(key="", first="", stars=dict(self.summary.stars))

    @property
    def class_rows(self) -> list[tuple[str, str, int]]:
        """(class, label, count) in the report's order: 5★, potential 5★, 4★, 3★."""
        return [(key, str(CLASS_LABELS[key]), self.summary.stars[key]) for key in STAR_CLASSES]

    @property
    def day(self) -> dt.date:
        """The day the figures stand at: `as_of`, or today when every decision counts."""
        from django.utils import timezone

        return self.as_of or timezone.localdate()

    @property
    def producer_kinds(self) -> list[tuple[str, str, int]]:
        """(kind, label, producers) of the ranked products' producers."""
        from ocop.producers.enums import ProducerKind

        labels = dict(ProducerKind.choices)
        return [
            (kind, str(labels.get(kind, kind)), count)
            for kind, count in self.summary.producers_by_kind.items()
        ]

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit is not None else self.province


def _province_name(unit: Any) -> str:
    from ocop.geo.enums import UnitLevel
    from ocop.geo.models import AdministrativeUnit

    if unit is not None:
        province = unit if unit.level == UnitLevel.PROVINCE else unit.province
        if province is not None:
            return province.name
    name = (
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
        .order_by("code")
        .values_list("name", flat=True)
        .first()
    )
    return name or ""


def _unit_names(unit_ids: frozenset[int]) -> list[str]:
    from ocop.geo.models import AdministrativeUnit

    units = AdministrativeUnit.objects.filter(pk__in=unit_ids).order_by("name", "code")
    return list(units.values_list("name", flat=True))


ROW_FIELDS = (
    "dossier__product_id",
    "dossier__product__code",
    "dossier__product__name",
    "dossier__producer__name",
    "dossier__producer__kind",
    "dossier__code",
    "dossier__commune__code",
    "dossier__commune__name",
    "dossier__commune__level",
    "dossier__commune__parent__code",
    "dossier__commune__parent__name",
    "dossier__commune__parent__level",
    "dossier__product__classification__name",
    "dossier__product__classification__level",
    "dossier__product__classification__code",
    "dossier__product__classification__parent__name",
    "dossier__product__classification__parent__level",
    "dossier__product__classification__parent__code",
    "dossier__product__classification__parent__parent__name",
    "dossier__product__classification__parent__parent__level",
    "dossier__product__classification__parent__parent__code",
    "recognised",
    "stars",
    "proposed_central",
    "mean_total",
    "decision__number",
    "decision__signed_on",
)


def _item_class(row: dict[str, Any]) -> str | None:
    """The class this one item would give (5★ recognised, proposed, 4★, 3★)."""
    if row["recognised"] and row["stars"] in (3, 4, 5):
        return str(row["stars"])
    if row["proposed_central"]:
        return "potential_5"
    return None


def _classification(row: dict[str, Any]) -> tuple[str, str, str, str]:
    """(category code, category name, group code, group name) of the product's classification."""
    found: dict[str, tuple[str, str]] = {}
    for prefix in (
        "dossier__product__classification",
        "dossier__product__classification__parent",
        "dossier__product__classification__parent__parent",
    ):
        level = row[f"{prefix}__level"]
        if level and level not in found:
            found[level] = (row[f"{prefix}__code"], row[f"{prefix}__name"])
    category = found.get("category", ("", ""))
    group = found.get("group", ("", ""))
    return category[0], category[1], group[0], group[1]


def _unit_of(row: dict[str, Any], by_commune: bool) -> tuple[str, str]:
    from ocop.geo.enums import UnitLevel

    if not by_commune and row["dossier__commune__parent__level"] == UnitLevel.DISTRICT:
        return row["dossier__commune__parent__code"], row["dossier__commune__parent__name"]
    return row["dossier__commune__code"] or "", row["dossier__commune__name"] or ""


def _chosen_items(scope: Scope, classes: dict[int, tuple[str, int]]) -> dict[int, dict[str, Any]]:
    """Product id → the item that stands for its class: the latest signed item giving that class
    (any of its items if none gives it alone). One query."""
    chosen: dict[int, dict[str, Any]] = {}
    rows = ranked_items(scope).order_by("decision__signed_on", "pk").values(*ROW_FIELDS)
    for row in rows:
        product_id = row["dossier__product_id"]
        if product_id not in classes:
            continue
        if _item_class(row) == classes[product_id][0] or product_id not in chosen:
            chosen[product_id] = row
    return chosen


def _sort_key(item: tuple[int, dict[str, Any]], classes: dict[int, tuple[str, int]]) -> tuple:
    product_id, row = item
    return (
        _ITEM_CLASS_ORDER[classes[product_id][0]],
        -row["mean_total"],
        row["dossier__product__name"],
        row["dossier__product__code"],
    )


def yearly_report(
    *, year: int, as_of: dt.date | None, unit: Any = None, access: Any
) -> YearlyReport:
    """The yearly report of `year` for `unit` (None: the whole province), counting the decisions
    signed by `as_of` (None: every decision). A commune officer gets their own communes only
    (Http404 otherwise)."""
    access = as_access(access)
    if not can_see_reports(access):
        raise Http404
    if unit is not None and not unit_allowed(access, unit):
        raise Http404
    scope = limited_scope(Scope(year=year, unit=unit, as_of=as_of), access)
    figures = summary(scope)
    classes = ranked_products(scope)
    chosen = _chosen_items(scope, classes)
    by_commune = year >= COMMUNE_ROWS_FROM
    report = YearlyReport(
        year=year,
        as_of=as_of,
        unit=unit,
        province=_province_name(unit),
        summary=figures,
        rows_are_communes=by_commune,
    )
    if scope.units is not None and unit is None:
        report.limited_to = _unit_names(scope.units)
    evaluated = evaluated_counts(scope)
    report.evaluated = evaluated.pop("total")
    report.evaluated_by_level = evaluated

    units: dict[tuple[str, str], CountRow] = {}
    groups: dict[tuple[str, str], CountRow] = {}
    ordered = sorted(chosen.items(), key=lambda item: _sort_key(item, classes))
    for number, (product_id, row) in enumerate(ordered, start=1):
        category_class = classes[product_id][0]
        unit_code, unit_name = _unit_of(row, by_commune)
        unit_row = units.setdefault(
            (unit_code, unit_name), CountRow(key=unit_code, first=unit_code, second=unit_name)
        )
        unit_row.stars[category_class] += 1
        category_code, category, group_code, group = _classification(row)
        group_row = groups.setdefault(
            (category_code, group_code),
            CountRow(key=group_code or category_code, first=category, second=group),
        )
        group_row.stars[category_class] += 1
        district = ""
        if row["dossier__commune__parent__level"] == "district":
            district = row["dossier__commune__parent__name"] or ""
        report.products.append(
            ProductRow(
                number=number,
                product=row["dossier__product__name"],
                product_code=row["dossier__product__code"],
                producer=row["dossier__producer__name"],
                producer_kind=row["dossier__producer__kind"],
                commune=row["dossier__commune__name"] or "",
                district=district,
                category=category,
                group=group,
                mean_total=row["mean_total"],
                star_class=category_class,
                stars=row["stars"],
                decision_number=row["decision__number"] or "",
                signed_on=row["decision__signed_on"],
                dossier_code=row["dossier__code"],
            )
        )
    report.by_unit = sorted(units.values(), key=lambda r: (r.key == "", r.key, r.second))
    report.by_group = sorted(
        groups.values(), key=lambda r: (r.first == "", r.first, r.second == "", r.second)
    )
    return report
