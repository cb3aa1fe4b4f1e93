"""The officials' dashboard (/bao-cao/), its charts as SVG (/bao-cao/bieu-do/<chart>.svg) and
the list of ranked products behind its figures (/bao-cao/san-pham-xep-hang/).

Every figure links to the list behind it; every chart is drawn on the server and shown with its
data table. Officials only (`rules.can_see_reports`): anyone else signed in gets 404, an
anonymous visitor the sign-in page. A commune officer's figures are those of their communes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ocop.accounts.rules import Access, access_for
from ocop.certificates.enums import VerificationState
from ocop.certificates.queries.certificates import may_see_any
from ocop.core.xlsx import CHUNK_SIZE, Column, wants_xlsx, xlsx_response
from ocop.evaluation.enums import OPEN_DOSSIER_STATUSES, DossierStatus, Level
from ocop.geo.enums import UnitLevel
from ocop.producers.enums import ProducerKind
from ocop.reports import charts
from ocop.reports.forms_dashboard import STAR_LABELS, DashboardFilters, parse_dashboard_filters
from ocop.reports.queries.dashboard import (
    CERTIFICATE_STATES,
    EVALUATION_LEVELS,
    DashboardData,
    RankedProducts,
    RankedRow,
    certificate_counts,
    connection_figures,
    dashboard_data,
    evaluated_counts,
    group_choices,
    limited_scope,
    period_bounds,
    ranked_page,
    ranked_trend,
    trend_years,
    waiting_dossiers,
)
from ocop.reports.queries.summary import STAR_CLASSES, Scope, Summary, summary
from ocop.reports.queries.units import unit_choices
from ocop.reports.rules import can_see_reports, report_unit_ids
from ocop.traceability.queries.scan_statistics import may_see_scan_statistics
from ocop.trade.enums import ConnectionStatus
from ocop.trade.rules import is_trade_official

PER_PAGE = 25
STAR_COLOURS = charts.PALETTE[:4]


def _district(row: RankedRow) -> str:
    commune = row.item.dossier.commune if row.item else None
    parent = commune.parent if commune is not None else None
    return parent.name if parent is not None and parent.level == UnitLevel.DISTRICT else ""


RANKED_COLUMNS = [
    Column(gettext_lazy("Product code"), "product.code"),
    Column(gettext_lazy("Product"), "product.name", width=36),
    Column(gettext_lazy("Producer"), "product.producer.name", width=36),
    Column(gettext_lazy("Commune"), "item.dossier.commune.name", width=24),
    Column(gettext_lazy("District"), _district, width=24),
    Column(gettext_lazy("Product group"), "product.classification.code"),
    Column(gettext_lazy("Product group name"), "product.classification.name", width=30),
    Column(gettext_lazy("Mean score"), "item.mean_total", kind="decimal"),
    Column(gettext_lazy("Class"), "category_label"),
    Column(
        gettext_lazy("Decision number"),
        lambda row: (row.item.decision.number or row.item.decision.code) if row.item else "",
        width=20,
    ),
    Column(gettext_lazy("Signed on"), "item.decision.signed_on", kind="date"),
]


def _all_ranked(products: RankedProducts) -> Iterator[RankedRow]:
    """Every ranked row, a chunk at a time (two queries a chunk, like a page)."""
    for start in range(0, len(products), CHUNK_SIZE):
        yield from products[start : start + CHUNK_SIZE]


def _official(request: HttpRequest) -> Access:
    access = access_for(request.user)
    if not can_see_reports(access):
        raise Http404
    return access


def _url(name: str, params: dict[str, Any], *args: Any) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    base = reverse(name, args=args)
    return f"{base}?{query}" if query else base


# --- the charts: title and data from the dashboard's figures ----------------------------------


def _labels(choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


def _stars_chart(data: DashboardData, titled: bool = True) -> str:
    return charts.bar_chart(
        _("Ranked products by class"),
        [(str(STAR_LABELS[key]), data.summary.stars.get(key, 0)) for key in STAR_CLASSES],
        colours=STAR_COLOURS,
        show_title=titled,
        ident="chart-stars",
    )


def _trend_chart(data: DashboardData, titled: bool = True) -> str:
    return charts.grouped_bar_chart(
        _("Ranked products per cycle year"),
        [str(year) for year, _stars in data.trend],
        [
            (str(STAR_LABELS[key]), [stars.get(key, 0) for _year, stars in data.trend])
            for key in STAR_CLASSES
        ],
        colours=STAR_COLOURS,
        show_title=titled,
        ident="chart-trend",
    )


def _evaluated_chart(data: DashboardData, titled: bool = True) -> str:
    labels = _labels(Level.choices)
    return charts.bar_chart(
        _("Products evaluated by level"),
        [(labels[level], data.evaluated.get(level, 0)) for level in EVALUATION_LEVELS],
        show_title=titled,
        ident="chart-evaluated",
    )


def _waiting_chart(data: DashboardData, titled: bool = True) -> str:
    labels = _labels(DossierStatus.choices)
    totals = {status: 0 for status in DossierStatus.values if status in OPEN_DOSSIER_STATUSES}
    for row in data.waiting:
        totals[row.status] = totals.get(row.status, 0) + row.count
    return charts.bar_chart(
        _("Dossiers waiting, by step"),
        [(labels[status], number) for status, number in totals.items()],
        show_title=titled,
        ident="chart-waiting",
    )


def _certificates_chart(data: DashboardData, titled: bool = True) -> str:
    labels = _labels(VerificationState.choices)
    return charts.bar_chart(
        _("Certificates by state today"),
        [(labels[state], data.certificates.get(state, 0)) for state in CERTIFICATE_STATES],
        show_title=titled,
        ident="chart-certificates",
    )


def _connections_chart(data: DashboardData, titled: bool = True) -> str:
    labels = _labels(ConnectionStatus.choices)
    return charts.bar_chart(
        _("Supply–demand connections by status"),
        [(labels[status], number) for status, number in data.connections.items()],
        show_title=titled,
        ident="chart-connections",
    )


Piece = Callable[[Scope, dt.date], dict[str, Any]]
# chart name → (what it needs computed, how it is drawn)
CHARTS: dict[str, tuple[Piece, Callable[..., str]]] = {
    "stars": (lambda scope, today: {"summary": summary(scope)}, _stars_chart),
    "trend": (
        lambda scope, today: {"trend": ranked_trend(scope, trend_years(scope, today))},
        _trend_chart,
    ),
    "evaluated": (lambda scope, today: {"evaluated": evaluated_counts(scope)}, _evaluated_chart),
    "waiting": (lambda scope, today: {"waiting": waiting_dossiers(scope, today)}, _waiting_chart),
    "certificates": (
        lambda scope, today: {"certificates": certificate_counts(scope, today)},
        _certificates_chart,
    ),
    "connections": (
        lambda scope, today: {"connections": connection_figures(scope)},
        _connections_chart,
    ),
}


# --- the page ---------------------------------------------------------------------------------


def _links(data: DashboardData, filters: DashboardFilters, access: Access) -> dict[str, Any]:
    """The URL of the list behind every figure (None where the user has no such list)."""
    params = filters.params
    scope = data.scope
    unit = scope.unit
    commune = unit.key if unit is not None and unit.level == UnitLevel.COMMUNE else ""
    first, last = period_bounds(scope)
    links: dict[str, Any] = {
        "ranked": _url("reports:ranked", params),
        "stars": {key: _url("reports:ranked", {**params, "stars": key}) for key in STAR_CLASSES},
        "plans": _url("reports:plans", {"year": scope.year or ""}),
        "courses": _url("reports:courses", {"year": scope.year or ""}),
        "results": reverse("results:rounds"),
    }
    links["waiting"] = {
        (row.status, row.level): {
            "all": _url(
                "evaluation:dossiers",
                {"status": row.status, "level": row.level, "commune": commune},
            ),
            "overdue": _url(
                "evaluation:dossiers",
                {"status": row.status, "level": row.level, "commune": commune, "overdue": "1"},
            ),
        }
        for row in data.waiting
    }
    links["certificates"] = (
        {state: _url("certificates:list", {"status": state}) for state in CERTIFICATE_STATES}
        if may_see_any(access)
        else {}
    )
    links["scans"] = (
        _url(
            "scans:statistics",
            {
                "since": first.isoformat() if first else "",
                "until": (last or data.today).isoformat(),
                "commune": commune,
            },
        )
        if may_see_scan_statistics(access)
        else None
    )
    links["connections"] = (
        {
            status: _url(
                "trade:connections",
                {
                    "status": status,
                    "year": scope.year or "",
                    "from": scope.start.isoformat() if scope.start else "",
                    "to": scope.end.isoformat() if scope.end else "",
                    "commune": commune,
                },
            )
            for status in ConnectionStatus.values
        }
        if is_trade_official(access)
        else {}
    )
    links["charts"] = {name: _url("reports:chart", params, name) for name in CHARTS}
    return links


def _rows(data: DashboardData, links: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The tables beside the charts: label, number, link."""
    statuses, levels = _labels(DossierStatus.choices), _labels(Level.choices)
    states, connection_labels = (
        _labels(VerificationState.choices),
        _labels(ConnectionStatus.choices),
    )
    return {
        "stars": [
            {
                "label": STAR_LABELS[key],
                "count": data.summary.stars.get(key, 0),
                "url": links["stars"][key],
            }
            for key in STAR_CLASSES
        ],
        "evaluated": [
            {"label": levels[level], "count": data.evaluated.get(level, 0), "url": None}
            for level in EVALUATION_LEVELS
        ],
        "waiting": [
            {
                "label": statuses.get(row.status, row.status),
                "level": levels.get(row.level, row.level),
                "count": row.count,
                "overdue": row.overdue,
                "url": links["waiting"][(row.status, row.level)]["all"],
                "overdue_url": links["waiting"][(row.status, row.level)]["overdue"],
            }
            for row in data.waiting
        ],
        "certificates": [
            {
                "label": states[state],
                "count": data.certificates.get(state, 0),
                "url": links["certificates"].get(state),
            }
            for state in CERTIFICATE_STATES
        ],
        "connections": [
            {
                "label": connection_labels[status],
                "count": number,
                "url": links["connections"].get(status),
            }
            for status, number in data.connections.items()
        ],
        "trend": [
            {
                "year": year,
                "total": sum(stars.values()),
                "stars": [stars.get(key, 0) for key in STAR_CLASSES],
            }
            for year, stars in data.trend
        ],
        "kinds": [
            {"label": label, "count": data.summary.producers_by_kind.get(str(value), 0)}
            for value, label in ProducerKind.choices
            if data.summary.producers_by_kind.get(str(value), 0)
        ],
    }


def _choices(filters: DashboardFilters, access: Access) -> dict[str, Any]:
    """What the filter selects offer: the units of the year (a commune officer: their own,
    whatever the year), the groups, the kinds, the classes."""
    scope = filters.scope
    allowed = report_unit_ids(access)
    units = unit_choices(scope.year) if allowed is None else _own_units(allowed)
    if scope.unit is not None and scope.unit.key not in dict(units):
        units = [(scope.unit.key, scope.unit.name), *units]
    return {
        "units": units,
        "groups": group_choices(),
        "kinds": ProducerKind.choices,
        "stars": [(key, STAR_LABELS[key]) for key in STAR_CLASSES],
    }


def _own_units(allowed: frozenset[int]) -> list[tuple[str, str]]:
    """A commune officer's units and the communes under them (one query)."""
    from django.db.models import Q

    from ocop.geo.models import AdministrativeUnit

    units = AdministrativeUnit.objects.filter(Q(pk__in=allowed) | Q(parent_id__in=allowed))
    return list(units.order_by("level", "name", "code").values_list("key", "name"))


def _form_values(filters: DashboardFilters) -> dict[str, str]:
    scope = filters.scope
    return {
        "year": str(scope.year or ""),
        "start": scope.start.strftime("%d/%m/%Y") if scope.start else "",
        "end": scope.end.strftime("%d/%m/%Y") if scope.end else "",
        "unit": scope.unit.key if scope.unit is not None else "",
        "group": scope.group,
        "kind": scope.producer_kind,
        "stars": filters.stars,
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    access = _official(request)
    filters = parse_dashboard_filters(request.GET, access)
    data = dashboard_data(filters.scope, access)
    links = _links(data, filters, access)
    return render(
        request,
        "reports/dashboard.html",
        {
            "data": data,
            "summary": data.summary,
            "filters": filters,
            "values": _form_values(filters),
            "notices": filters.notices,
            "choices": _choices(filters, access),
            "links": links,
            "rows": _rows(data, links),
            "star_labels": [STAR_LABELS[key] for key in STAR_CLASSES],
            # charts.py escapes every text it draws
            "charts": {
                name: mark_safe(draw(data, titled=False))  # noqa: S308
                for name, (_piece, draw) in CHARTS.items()
            },
        },
    )


@login_required
@require_GET
def chart_svg(request: HttpRequest, chart: str) -> HttpResponse:
    """One chart of the dashboard alone, for the same filters (`image/svg+xml`)."""
    access = _official(request)
    if chart not in CHARTS:
        raise Http404
    filters = parse_dashboard_filters(request.GET, access)
    scope = limited_scope(filters.scope, access)
    today = timezone.localdate()
    piece, draw = CHARTS[chart]
    fields: dict[str, Any] = {"summary": Summary(scope=scope)}
    fields.update(piece(scope, today))
    svg = draw(DashboardData(scope=scope, today=today, **fields))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def ranked_list(request: HttpRequest) -> HttpResponse:
    """The ranked products behind the dashboard's figures: year (or period), unit, group,
    producer kind and class; paginated, a constant number of queries."""
    access = _official(request)
    filters = parse_dashboard_filters(request.GET, access)
    scope = limited_scope(filters.scope, access)
    products: Any = ranked_page(scope, filters.stars)  # a count and slices, like a queryset
    if wants_xlsx(request):
        title = _("Ranked products")
        return xlsx_response(title, title, RANKED_COLUMNS, _all_ranked(products))
    page = Paginator(products, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/ranked_list.html",
        {
            "page": page,
            "rows": list(page.object_list),
            "filters": filters,
            "values": _form_values(filters),
            "notices": filters.notices,
            "choices": _choices(filters, access),
            "dashboard_url": _url("reports:dashboard", filters.params),
            "star_label": STAR_LABELS.get(filters.stars, ""),
        },
    )
