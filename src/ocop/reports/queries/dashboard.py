"""The officials' dashboard (`/bao-cao/`, `GET /api/v1/reports/dashboard`): every figure of a
scope, counted from the records in a small, constant number of aggregate queries (about a dozen,
whatever the size of the register: `dashboard_data`).

What each figure counts (docs/admin/reports.md repeats it for officials):

- **ranked** products, producers, workers, plan and achievement: `summary.summary(scope)` (the
  definitions are in `ocop.reports.queries.summary`);
- **evaluated** products: the distinct products with a council result (an agenda item scored in a
  closed session) in a round of the cycle year (or a session held in the period), split by the
  round's level (district, province, central); a product evaluated at two levels counts once in
  the total;
- **waiting** dossiers: the open dossiers (`OPEN_DOSSIER_STATUSES`) per status and level today,
  and of them the overdue ones (their step's deadline `due_on` before today, Asia/Ho_Chi_Minh);
- **certificates** per state today (valid, expiring within `OCOP_CERTIFICATE_EXPIRING_DAYS`,
  expired, revoked: `ocop.certificates.queries.certificates.state_condition`), in the unit of the
  dossier that led to them (or of the producer, for a certificate issued before the platform);
- **scans** of trace codes in the year (or period), and those flagged with a warning;
- **connections** of the supply–demand board per status, of the year the request was sent
  (`ocop.trade.queries.statistics`), in the producer's commune;
- **training**: `ocop.reports.queries.training.training_counts`;
- **trend**: ranked products per class for the last `TREND_YEARS` cycle years, one grouped query
  applying the one-class-per-product rule of `summary.star_class` in SQL.

The year, the unit, the product group and the producer kind apply to every figure they can;
waiting dossiers and certificates are "today" figures (not tied to a year). A commune officer's
figures are limited to their communes (`rules.report_unit_ids`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import Access, as_access
from ocop.reports.queries.summary import (
    STAR_CLASSES,
    Scope,
    Summary,
    group_condition,
    ranked_items,
    summary,
    unit_condition,
    units_condition,
)
from ocop.reports.rules import can_see_reports, report_unit_ids

TREND_YEARS = 5
EVALUATION_LEVELS = ("district", "province", "central")
CERTIFICATE_STATES = ("valid", "expiring", "expired", "revoked")
STAR_LABELS = {
    "5": _("5★"),
    "potential_5": _("potential 5★"),
    "4": _("4★"),
    "3": _("3★"),
}


@dataclass(frozen=True)
class WaitingRow:
    status: str
    level: str
    count: int
    overdue: int


@dataclass
class DashboardData:
    scope: Scope
    today: dt.date
    summary: Summary
    evaluated: dict[str, int] = field(default_factory=dict)
    waiting: list[WaitingRow] = field(default_factory=list)
    certificates: dict[str, int] = field(default_factory=dict)
    scans: int = 0
    scans_flagged: int = 0
    connections: dict[str, int] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    trend: list[tuple[int, dict[str, int]]] = field(default_factory=list)

    @property
    def waiting_total(self) -> int:
        return sum(row.count for row in self.waiting)

    @property
    def waiting_overdue(self) -> int:
        return sum(row.overdue for row in self.waiting)

    @property
    def connections_total(self) -> int:
        return sum(self.connections.values())

    def as_json(self) -> dict[str, Any]:
        scope = self.scope
        return {
            "year": scope.year,
            "start": scope.start.isoformat() if scope.start else None,
            "end": scope.end.isoformat() if scope.end else None,
            "unit": scope.unit.code if scope.unit is not None else None,
            "group": scope.group or None,
            "producer_kind": scope.producer_kind or None,
            "today": self.today.isoformat(),
            "summary": self.summary.as_json(),
            "evaluated": dict(self.evaluated),
            "waiting": [
                {"status": r.status, "level": r.level, "count": r.count, "overdue": r.overdue}
                for r in self.waiting
            ],
            "waiting_total": self.waiting_total,
            "waiting_overdue": self.waiting_overdue,
            "certificates": dict(self.certificates),
            "scans": self.scans,
            "scans_flagged": self.scans_flagged,
            "connections": dict(self.connections),
            "training": {
                "courses": self.training.get("courses", 0),
                "sessions": self.training.get("sessions", 0),
                "participants": self.training.get("participants", 0),
                "attended": self.training.get("attended", 0),
                "by_audience": dict(self.training.get("by_audience", {})),
            },
            "trend": [
                {"year": year, "products_ranked": sum(stars.values()), "stars": dict(stars)}
                for year, stars in self.trend
            ],
        }


# --- the scope --------------------------------------------------------------------------------


def limited_scope(scope: Scope, access: Any) -> Scope:
    """`scope` within what the user may count: a commune officer's communes (an official who may
    not see reports at all counts nothing)."""
    access = as_access(access)
    allowed: frozenset[int] | None = (
        report_unit_ids(access) if can_see_reports(access) else frozenset()
    )
    if allowed is None:
        return scope
    units = allowed if scope.units is None else scope.units & allowed
    return replace(scope, units=frozenset(units))


def unit_allowed(access: Access, unit: Any) -> bool:
    """Whether the user may ask for the figures of `unit`: any unit for the province's
    officials; a commune officer their commune(s), or a commune of their old district."""
    allowed = report_unit_ids(access)
    if allowed is None:
        return True
    return unit.pk in allowed or unit.parent_id in allowed


def period_bounds(scope: Scope) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a date-stamped record (a scan, a session) counts in: the year,
    or the period, cut at `as_of`."""
    first, last = scope.start, scope.end
    if scope.year is not None:
        first = max(first, dt.date(scope.year, 1, 1)) if first else dt.date(scope.year, 1, 1)
        last = min(last, dt.date(scope.year, 12, 31)) if last else dt.date(scope.year, 12, 31)
    if scope.as_of is not None:
        last = min(last, scope.as_of) if last else scope.as_of
    return first, last


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _time_filter(path: str, scope: Scope) -> Q:
    """Whole local days (Asia/Ho_Chi_Minh) of the scope on the datetime at `path`."""
    first, last = period_bounds(scope)
    condition = Q()
    if first is not None:
        condition &= Q(**{f"{path}__gte": _moment(first)})
    if last is not None:
        condition &= Q(**{f"{path}__lt": _moment(last + dt.timedelta(days=1))})
    return condition


def _where(
    scope: Scope, *, commune: str, classification: str | None = None, producer: str | None = None
) -> Q:
    """The unit and units conditions of `scope` on the commune at `commune`, and its group and
    kind conditions on the classification and the producer at those paths (when given)."""
    condition = Q()
    if scope.unit is not None:
        condition &= unit_condition(scope.unit, commune)
    if scope.units is not None:
        condition &= units_condition(scope.units, commune)
    if scope.group and classification is not None:
        condition &= group_condition(scope.group, classification)
    if scope.producer_kind and producer is not None:
        condition &= Q(**{f"{producer}__kind": scope.producer_kind})
    return condition


# --- the figures ------------------------------------------------------------------------------


def evaluated_counts(scope: Scope) -> dict[str, int]:
    """Distinct products with a council result: `total` and per round level. One query."""
    from ocop.evaluation.enums import SessionStatus
    from ocop.evaluation.models import SessionDossier

    items = SessionDossier.objects.filter(
        session__status=SessionStatus.CLOSED, result__isnull=False
    ).filter(
        _where(
            scope,
            commune="dossier__commune",
            classification="dossier__product__classification",
            producer="dossier__producer",
        )
    )
    if scope.year is not None:
        items = items.filter(session__round__year=scope.year)
    first, last = (scope.start, scope.end)
    if first is not None:
        items = items.filter(session__held_on__gte=first)
    if last is not None:
        items = items.filter(session__held_on__lte=last)
    if scope.as_of is not None:
        items = items.filter(session__held_on__lte=scope.as_of)
    product = "dossier__product_id"
    counts = items.order_by().aggregate(
        total=Count(product, distinct=True),
        **{
            level: Count(product, distinct=True, filter=Q(session__round__level=level))
            for level in EVALUATION_LEVELS
        },
    )
    return {key: value or 0 for key, value in counts.items()}


def waiting_dossiers(scope: Scope, today: dt.date) -> list[WaitingRow]:
    """Open dossiers per status and level, with the overdue ones, in the workflow's order of
    statuses (only the pairs that have dossiers). One query."""
    from ocop.evaluation.enums import OPEN_DOSSIER_STATUSES, DossierStatus, Level
    from ocop.evaluation.models import Dossier

    rows = (
        Dossier.objects.filter(status__in=list(OPEN_DOSSIER_STATUSES))
        .filter(
            _where(
                scope,
                commune="commune",
                classification="product__classification",
                producer="producer",
            )
        )
        .order_by()
        .values("status", "level")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
    )
    status_order = {value: index for index, value in enumerate(DossierStatus.values)}
    level_order = {value: index for index, value in enumerate(Level.values)}
    result = [WaitingRow(r["status"], r["level"], r["n"], r["late"]) for r in rows]
    result.sort(key=lambda r: (status_order.get(r.status, 99), level_order.get(r.level, 99)))
    return result


def certificate_counts(scope: Scope, today: dt.date) -> dict[str, int]:
    """Certificates per state today (`CERTIFICATE_STATES`). One query."""
    from ocop.certificates.models import Certificate
    from ocop.certificates.queries.certificates import state_condition

    # The unit of the dossier that led to the certificate; before the platform, the producer's.
    platform = Q(decision_item__isnull=False) & _where(
        scope, commune="decision_item__dossier__commune"
    )
    earlier = Q(decision_item__isnull=True) & _where(scope, commune="producer__commune")
    certificates = Certificate.objects.all()
    if scope.unit is not None or scope.units is not None:
        certificates = certificates.filter(platform | earlier)
    if scope.group:
        certificates = certificates.filter(group_condition(scope.group, "product__classification"))
    if scope.producer_kind:
        certificates = certificates.filter(producer__kind=scope.producer_kind)
    counts = certificates.order_by().aggregate(
        **{state: Count("pk", filter=state_condition(state, today)) for state in CERTIFICATE_STATES}
    )
    return {state: counts[state] or 0 for state in CERTIFICATE_STATES}


def scan_counts(scope: Scope) -> tuple[int, int]:
    """Scans of trace codes in the scope's days, and those flagged with a warning. One query."""
    from ocop.traceability.models import Scan

    scans = Scan.objects.filter(_time_filter("scanned_at", scope)).filter(
        _where(
            scope,
            commune="product__producer__commune",
            classification="product__classification",
            producer="product__producer",
        )
    )
    counts = scans.order_by().aggregate(
        # COUNT(*): PostgreSQL can answer from the (scanned_at, warning) index alone.
        scans=Count("*"),
        flagged=Count("warning", filter=~Q(warning="")),
    )
    return counts["scans"] or 0, counts["flagged"] or 0


def connection_figures(scope: Scope) -> dict[str, int]:
    """Connections of the supply–demand board per status (every status, 0 when none). One
    query."""
    from ocop.trade.enums import ConnectionStatus
    from ocop.trade.models import Connection
    from ocop.trade.queries.statistics import connection_counts, filter_connections_for_counts

    simple = scope.start is None and scope.end is None and scope.as_of is None
    if simple and scope.units is None and not scope.group and not scope.producer_kind:
        return connection_counts(year=scope.year, unit=scope.unit)
    connections_ = filter_connections_for_counts(
        Connection.objects.all(), year=scope.year, unit=scope.unit
    ).filter(_time_filter("created_at", replace(scope, year=None)))
    if scope.units is not None:
        connections_ = connections_.filter(units_condition(scope.units, "producer__commune"))
    if scope.group:
        connections_ = connections_.filter(group_condition(scope.group, "product__classification"))
    if scope.producer_kind:
        connections_ = connections_.filter(producer__kind=scope.producer_kind)
    counts = dict.fromkeys(ConnectionStatus.values, 0)
    for status, number in connections_.order_by().values_list("status").annotate(n=Count("pk")):
        if status in counts:
            counts[status] = number
    return counts


def training_figures(scope: Scope) -> dict[str, Any]:
    from ocop.reports.queries.training import training_counts

    first, last = (scope.start, scope.end)
    if scope.as_of is not None:
        last = min(last, scope.as_of) if last else scope.as_of
    return training_counts(
        year=scope.year,
        start=first,
        end=last,
        unit=scope.unit,
        unit_ids=scope.units,
    )


def _flag(condition: Q) -> Max:
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def trend_years(scope: Scope, today: dt.date) -> list[int]:
    last = scope.year or (scope.end.year if scope.end else today.year)
    return list(range(last - TREND_YEARS + 1, last + 1))


def ranked_trend(scope: Scope, years: list[int]) -> list[tuple[int, dict[str, int]]]:
    """Ranked products per class for each cycle year of `years`: one query, grouped twice in
    the database (per year and product, then per year and class). The class of a product in a
    year is `summary.star_class` written in SQL: recognised 5★, else proposed to the ministry
    without a recognition (potential 5★), else recognised 4★, else 3★."""
    items: QuerySet = ranked_items(replace(scope, year=None, start=None, end=None)).filter(
        decision__round__year__gte=years[0], decision__round__year__lte=years[-1]
    )
    recognised = Q(recognised=True)
    per_product = (
        items.order_by()
        .values(yr=F("decision__round__year"), pid=F("dossier__product_id"))
        .annotate(
            r5=_flag(recognised & Q(stars=5)),
            r4=_flag(recognised & Q(stars=4)),
            r3=_flag(recognised & Q(stars=3)),
            rx=_flag(recognised & Q(stars__gt=0)),
            pc=_flag(Q(proposed_central=True)),
        )
    )
    result = {year: dict.fromkeys(STAR_CLASSES, 0) for year in years}
    try:
        inner, params = per_product.query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (no units at all)
        return sorted(result.items())
    connection = connections[per_product.db]
    q = connection.ops.quote_name
    outer = (
        # Only quoted names and Django's compiled SQL (its values are in `params`).
        f"SELECT t.{q('yr')}, CASE WHEN t.{q('r5')} = 1 THEN 'c5' "  # noqa: S608
        f"WHEN t.{q('pc')} = 1 AND t.{q('rx')} = 0 THEN 'cp' "
        f"WHEN t.{q('r4')} = 1 THEN 'c4' WHEN t.{q('r3')} = 1 THEN 'c3' ELSE 'cx' END, COUNT(*) "
        f"FROM ({inner}) t GROUP BY 1, 2"
    )
    names = {"c5": "5", "cp": "potential_5", "c4": "4", "c3": "3"}
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        for year, category, number in cursor.fetchall():
            if category in names and int(year) in result:
                result[int(year)][names[category]] += int(number)
    return sorted(result.items())


def dashboard_data(scope: Scope, access: Any) -> DashboardData:
    """Every figure of the dashboard for `scope`, within what `access` may count (a commune
    officer's communes). A constant number of aggregate queries: summary (3), evaluated (1),
    waiting (1), certificates (1), scans (1), connections (1), training (2), trend (1)."""
    scope = limited_scope(scope, access)
    today = timezone.localdate()
    scans, flagged = scan_counts(scope)
    return DashboardData(
        scope=scope,
        today=today,
        summary=summary(scope),
        evaluated=evaluated_counts(scope),
        waiting=waiting_dossiers(scope, today),
        certificates=certificate_counts(scope, today),
        scans=scans,
        scans_flagged=flagged,
        connections=connection_figures(scope),
        training=training_figures(scope),
        trend=ranked_trend(scope, trend_years(scope, today)),
    )


# --- the list behind the ranked figures -------------------------------------------------------


@dataclass(frozen=True)
class RankedRow:
    product: Any
    category: str
    item: Any  # the decision item that gives the product its class

    @property
    def category_label(self) -> str:
        return str(STAR_LABELS.get(self.category, self.category))


def _deciding_item(items: list[Any], category: str) -> Any:
    """Of a product's items in the scope, the one behind its class (the latest signed)."""

    def gives(item: Any) -> bool:
        if category == "potential_5":
            return bool(item.proposed_central)
        return bool(item.recognised) and str(item.stars) == category

    chosen = [item for item in items if gives(item)] or items
    return max(chosen, key=lambda item: (item.decision.signed_on or dt.date.min, item.pk))


class RankedProducts:
    """The ranked products of a scope (one class, or all), by name, for a Paginator: the count
    is known from one query (`summary.ranked_products`); a page costs two more (the products,
    their decision items)."""

    def __init__(self, scope: Scope, category: str = "") -> None:
        from ocop.reports.queries.summary import ranked_products

        self.scope = scope
        self.classes = {
            product_id: found
            for product_id, (found, _producer) in ranked_products(scope).items()
            if not category or found == category
        }

    def count(self) -> int:
        return len(self.classes)

    def __len__(self) -> int:
        return len(self.classes)

    def __getitem__(self, index: slice) -> list[RankedRow]:
        from ocop.products.models import Product

        if not self.classes:
            return []
        products = list(
            Product.objects.filter(pk__in=list(self.classes))
            .select_related("producer", "classification")
            .order_by("name_folded", "pk")[index]
        )
        items: dict[int, list[Any]] = {}
        rows = (
            ranked_items(self.scope)
            .filter(dossier__product_id__in=[product.pk for product in products])
            .select_related("decision", "dossier__commune__parent")
        )
        for item in rows:
            items.setdefault(item.dossier.product_id, []).append(item)
        return [
            RankedRow(
                product=product,
                category=self.classes[product.pk],
                item=_deciding_item(items[product.pk], self.classes[product.pk])
                if product.pk in items
                else None,
            )
            for product in products
        ]


def ranked_page(scope: Scope, category: str = "") -> RankedProducts:
    return RankedProducts(scope, category)


def group_choices() -> list[tuple[str, str]]:
    """The product categories and groups a filter offers, as (code, "code · name"), one per
    code (the newest criteria set's name). One query."""
    from ocop.criteria.enums import ClassificationLevel
    from ocop.criteria.models import ClassificationNode

    rows = (
        ClassificationNode.objects.filter(
            level__in=[ClassificationLevel.CATEGORY, ClassificationLevel.GROUP]
        )
        .order_by("code", "-criteria_set_id")
        .values_list("code", "name")
    )
    seen: dict[str, str] = {}
    for code, name in rows:
        seen.setdefault(code, f"{code} · {name}")
    return list(seen.items())


def headline_figures(access: Any) -> dict[str, Any]:
    """The officials' home dashboard block "State management": the current cycle's ranked
    products, producers and plan achievement, within what the user may count (3 queries)."""
    year = timezone.localdate().year
    figures = summary(limited_scope(Scope(year=year), access))
    return {"year": year, "summary": figures}
