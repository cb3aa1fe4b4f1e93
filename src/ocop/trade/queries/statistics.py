"""What the board connected, counted for officials (the statistics page, the officials'
dashboard, and the reports of a later issue).

- `connection_counts(year=None, unit=None)`: connections per status (every status present, 0 when
  none), of the year the request was sent, of the producers of an administrative unit (a commune
  or ward; a former district: its communes' successors are not followed, give the commune);
- `demand_counts(...)` and `offer_counts(...)`: the same per status (demands: of the year posted,
  delivered to or — without a delivery area — of buyers in the unit; offers: of the year posted,
  of the producers of the unit);
- `*_for(access, …)`: the same within what the official sees (`queries.board`): the office and
  the administrator the whole province, a commune officer the producers of their commune(s).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from ocop.accounts.rules import Access
from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit
from ocop.trade.enums import BuyerStatus, ConnectionStatus, DemandStatus, OfferStatus
from ocop.trade.models import Buyer, Connection, Demand, Offer
from ocop.trade.queries.board import (
    connections_visible_to,
    demands_visible_to,
    offers_visible_to,
)
from ocop.trade.rules import sees_whole_board


def _per_status(queryset: QuerySet[Any], statuses: Any) -> dict[str, int]:
    counts = dict.fromkeys(statuses.values, 0)
    rows = queryset.order_by().values_list("status").annotate(n=Count("pk"))
    for status, number in rows:
        if status in counts:
            counts[status] = number
    return counts


def _producer_unit(unit: AdministrativeUnit | None, prefix: str = "producer__") -> Q:
    if unit is None or unit.level == UnitLevel.PROVINCE:
        return Q()
    if unit.level == UnitLevel.DISTRICT:
        return Q(**{f"{prefix}commune__parent": unit})
    return Q(**{f"{prefix}commune": unit})


def filter_connections_for_counts(
    queryset: QuerySet[Connection], *, year: int | None = None, unit: Any = None
) -> QuerySet[Connection]:
    if year:
        queryset = queryset.filter(created_at__year=year)
    return queryset.filter(_producer_unit(unit))


def filter_demands_for_counts(
    queryset: QuerySet[Demand], *, year: int | None = None, unit: Any = None
) -> QuerySet[Demand]:
    if year:
        queryset = queryset.filter(created_at__year=year)
    if unit is not None and unit.level == UnitLevel.COMMUNE:
        queryset = queryset.filter(
            Q(delivery_units=unit) | Q(delivery_units__isnull=True, buyer__commune=unit)
        ).distinct()
    return queryset


def filter_offers_for_counts(
    queryset: QuerySet[Offer], *, year: int | None = None, unit: Any = None
) -> QuerySet[Offer]:
    if year:
        queryset = queryset.filter(created_at__year=year)
    return queryset.filter(_producer_unit(unit))


def connection_counts(*, year: int | None = None, unit: Any = None) -> dict[str, int]:
    """Connections per status (`ConnectionStatus` values), of the whole province."""
    queryset = filter_connections_for_counts(Connection.objects.all(), year=year, unit=unit)
    return _per_status(queryset, ConnectionStatus)


def demand_counts(*, year: int | None = None, unit: Any = None) -> dict[str, int]:
    queryset = filter_demands_for_counts(Demand.objects.all(), year=year, unit=unit)
    return _per_status(Demand.objects.filter(pk__in=queryset.values("pk")), DemandStatus)


def offer_counts(*, year: int | None = None, unit: Any = None) -> dict[str, int]:
    queryset = filter_offers_for_counts(Offer.objects.all(), year=year, unit=unit)
    return _per_status(queryset, OfferStatus)


def connection_counts_for(
    access: Access, *, year: int | None = None, unit: Any = None
) -> dict[str, int]:
    queryset = filter_connections_for_counts(connections_visible_to(access), year=year, unit=unit)
    return _per_status(queryset, ConnectionStatus)


def demand_counts_for(
    access: Access, *, year: int | None = None, unit: Any = None
) -> dict[str, int]:
    """Demands per status; a commune officer sees every demand on the board (they are not
    tied to a commune), so the counts are the province's unless `unit` is given."""
    queryset = filter_demands_for_counts(demands_visible_to(access), year=year, unit=unit)
    return _per_status(Demand.objects.filter(pk__in=queryset.values("pk")), DemandStatus)


def offer_counts_for(
    access: Access, *, year: int | None = None, unit: Any = None
) -> dict[str, int]:
    queryset = filter_offers_for_counts(offers_visible_to(access), year=year, unit=unit)
    return _per_status(queryset, OfferStatus)


def trade_figures(access: Access) -> dict[str, Any]:
    """The officials' dashboard block "Supply and demand": what the board connected, within
    what the official sees. Four queries."""
    connections = connection_counts_for(access)
    demands = demand_counts_for(access)
    offers = offer_counts_for(access)
    pending_buyers = 0
    if sees_whole_board(access):
        pending_buyers = Buyer.objects.filter(status=BuyerStatus.PENDING).count()
    return {
        "connections": connections,
        "connections_total": sum(connections.values()),
        "deals": connections[ConnectionStatus.DEAL],
        "demands_open": demands[DemandStatus.OPEN],
        "offers_open": offers[OfferStatus.OPEN],
        "buyers_pending": pending_buyers,
    }
