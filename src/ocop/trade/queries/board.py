"""Reads of the board (demands, offers, connections) and their permission loaders.

Who sees what (`ocop.trade.rules` for the roles):

- demands: officials all; a buyer's people their buyer's demands (any status); the people of an
  approved producer the OPEN demands of ACTIVE buyers, and any demand their producer is
  connected to;
- offers: the office and the administrator all, a commune officer those of the producers of
  their commune(s); a producer's people their own (any status); the people of an ACTIVE buyer
  the OPEN offers of approved producers;
- connections: the office and the administrator all, a commune officer those of the producers
  of their commune(s); the buyer's people and the producer's people their own.

Anything else answers 404 (`access_*`), so that existence never leaks. `write=True` asks for
the owner: the buyer's people for a demand, the producer's people for an offer, either party
for a connection.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ocop.accounts.rules import Access, as_access
from ocop.core.text import fold
from ocop.criteria.enums import ClassificationLevel
from ocop.criteria.models import ClassificationNode
from ocop.producers.enums import ProducerStatus
from ocop.producers.models import Producer
from ocop.products.enums import ProductStatus
from ocop.products.queries.classification import usable_criteria_sets
from ocop.trade.enums import BuyerStatus, ConnectionStatus, DemandStatus, OfferStatus
from ocop.trade.models import Buyer, Connection, Demand, Offer
from ocop.trade.rules import (
    buyer_organisations,
    is_trade_official,
    producer_organisations,
    sees_whole_board,
)

# --- producers of the user --------------------------------------------------------------------


def approved_producers_of(user_or_access: Any) -> QuerySet[Producer]:
    """The APPROVED producers the user acts for (owner or staff)."""
    access = as_access(user_or_access)
    own = producer_organisations(access)
    if not own:
        return Producer.objects.none()
    return Producer.objects.filter(organisation_id__in=own, status=ProducerStatus.APPROVED)


def board_producer_of(user_or_access: Any) -> Producer | None:
    """The approved producer the user acts for (the first by name if several), or None."""
    return (
        approved_producers_of(user_or_access)
        .select_related("commune", "organisation")
        .order_by("name", "pk")
        .first()
    )


def _has_active_buyer(access: Access) -> bool:
    own = buyer_organisations(access)
    if not own:
        return False
    return Buyer.objects.filter(organisation_id__in=own, status=BuyerStatus.ACTIVE).exists()


# --- product groups -------------------------------------------------------------------------


def product_groups() -> list[tuple[str, str]]:
    """(code, name) of the product groups (nhóm, the GROUP level of the classification) of the
    criteria sets in force for new scoring, in the order of the decision: what a demand asks
    for, and what the catalogue files each product under (`CatalogEntry.group_code`)."""
    rows = (
        ClassificationNode.objects.filter(
            criteria_set__in=usable_criteria_sets(), level=ClassificationLevel.GROUP
        )
        .order_by("-criteria_set__in_force_from", "criteria_set__code", "position")
        .values_list("code", "name")
    )
    seen: set[str] = set()
    groups = []
    for code, name in rows:
        if code not in seen:
            seen.add(code)
            groups.append((code, name))
    return groups


# --- demands ----------------------------------------------------------------------------------


def open_demands() -> QuerySet[Demand]:
    """The demands on the board now: OPEN, of an ACTIVE buyer."""
    return Demand.objects.filter(status=DemandStatus.OPEN, buyer__status=BuyerStatus.ACTIVE)


def demands_visible_to(user_or_access: Any) -> QuerySet[Demand]:
    access = as_access(user_or_access)
    if is_trade_official(access):
        return Demand.objects.all()
    condition = Q(pk__in=[])
    buyers = buyer_organisations(access)
    if buyers:
        condition |= Q(buyer__organisation_id__in=buyers)
    if producer_organisations(access):
        producers = approved_producers_of(access)
        if producers.exists():
            condition |= Q(status=DemandStatus.OPEN, buyer__status=BuyerStatus.ACTIVE)
            condition |= Q(
                pk__in=Connection.objects.filter(producer__in=producers).values("demand_id")
            )
    return Demand.objects.filter(condition)


def can_write_demand(access: Access, demand: Demand) -> bool:
    return demand.buyer.organisation_id in buyer_organisations(access)


def with_demand_columns(queryset: QuerySet[Demand]) -> QuerySet[Demand]:
    return queryset.select_related("buyer", "buyer__commune").prefetch_related("delivery_units")


def access_demand(user_or_access: Any, code: str, *, write: bool = False) -> Demand:
    """The demand with this code if the user may see it (and is the buyer's, with `write`);
    otherwise 404."""
    access = as_access(user_or_access)
    demand = (
        (with_demand_columns(demands_visible_to(access)).select_related("created_by"))
        .filter(code=code)
        .first()
    )
    if demand is None:
        raise Http404
    if write and not can_write_demand(access, demand):
        raise Http404
    return demand


def filter_demands(
    queryset: QuerySet[Demand],
    *,
    status: str | None = None,
    group: str | None = None,
    q: str | None = None,
    buyer: str | None = None,
) -> QuerySet[Demand]:
    """The list filters (pages and API): unknown status values are ignored; `q` searches the
    title and the keywords without diacritics."""
    if status in DemandStatus.values:
        queryset = queryset.filter(status=status)
    if group:
        queryset = queryset.filter(group_code=group)
    if buyer:
        queryset = queryset.filter(buyer__code=buyer)
    query = fold((q or "").strip()[:100])
    if query:
        queryset = queryset.filter(
            Q(keywords_folded__contains=query) | Q(title__icontains=(q or "").strip()[:100])
        )
    return queryset


# --- offers -----------------------------------------------------------------------------------


def open_offers() -> QuerySet[Offer]:
    """The offers on the board now: OPEN, of an approved producer, for an active product."""
    return Offer.objects.filter(
        status=OfferStatus.OPEN,
        producer__status=ProducerStatus.APPROVED,
        product__status=ProductStatus.ACTIVE,
    )


def offers_visible_to(user_or_access: Any) -> QuerySet[Offer]:
    access = as_access(user_or_access)
    if sees_whole_board(access):
        return Offer.objects.all()
    condition = Q(pk__in=[])
    if access.is_commune_officer and access.commune_unit_ids:
        condition |= Q(producer__commune_id__in=access.commune_unit_ids)
    own = producer_organisations(access)
    if own:
        condition |= Q(producer__organisation_id__in=own)
    if _has_active_buyer(access):
        condition |= Q(pk__in=open_offers().values("pk"))
    return Offer.objects.filter(condition)


def can_write_offer(access: Access, offer: Offer) -> bool:
    return offer.producer.organisation_id in producer_organisations(access)


def with_offer_columns(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    return queryset.select_related(
        "product", "producer", "producer__commune", "product__classification"
    ).prefetch_related("delivery_units")


def access_offer(user_or_access: Any, code: str, *, write: bool = False) -> Offer:
    access = as_access(user_or_access)
    offer = (
        (with_offer_columns(offers_visible_to(access)).select_related("created_by"))
        .filter(code=code)
        .first()
    )
    if offer is None:
        raise Http404
    if write and not can_write_offer(access, offer):
        raise Http404
    return offer


def filter_offers(
    queryset: QuerySet[Offer],
    *,
    status: str | None = None,
    producer: str | None = None,
    q: str | None = None,
) -> QuerySet[Offer]:
    if status in OfferStatus.values:
        queryset = queryset.filter(status=status)
    if producer:
        queryset = queryset.filter(producer__code=producer)
    query = fold((q or "").strip()[:100])
    if query:
        queryset = queryset.filter(
            Q(product__name_folded__contains=query) | Q(producer__name_folded__contains=query)
        )
    return queryset


# --- connections ------------------------------------------------------------------------------


def connections_visible_to(user_or_access: Any) -> QuerySet[Connection]:
    access = as_access(user_or_access)
    if sees_whole_board(access):
        return Connection.objects.all()
    condition = Q(pk__in=[])
    if access.is_commune_officer and access.commune_unit_ids:
        condition |= Q(producer__commune_id__in=access.commune_unit_ids)
    buyers = buyer_organisations(access)
    if buyers:
        condition |= Q(buyer__organisation_id__in=buyers)
    producers = producer_organisations(access)
    if producers:
        condition |= Q(producer__organisation_id__in=producers)
    return Connection.objects.filter(condition)


def is_connection_party(access: Access, connection: Connection) -> bool:
    """The buyer's people or the producer's people of the connection."""
    if connection.buyer.organisation_id in buyer_organisations(access):
        return True
    return connection.producer.organisation_id in producer_organisations(access)


def with_connection_columns(queryset: QuerySet[Connection]) -> QuerySet[Connection]:
    return queryset.select_related(
        "buyer", "producer", "producer__commune", "demand", "product", "offer"
    )


def access_connection(user_or_access: Any, code: str, *, write: bool = False) -> Connection:
    """The connection with this code if the user may see it (and is one of its two parties,
    with `write`); otherwise 404."""
    access = as_access(user_or_access)
    connection = (
        with_connection_columns(connections_visible_to(access))
        .select_related("created_by", "buyer__commune")
        .filter(code=code)
        .first()
    )
    if connection is None:
        raise Http404
    if write and not is_connection_party(access, connection):
        raise Http404
    return connection


def filter_connections(
    queryset: QuerySet[Connection],
    *,
    status: str | None = None,
    commune: str | None = None,
    year: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    demand: str | None = None,
) -> QuerySet[Connection]:
    """Officials' filters: status, the producer's commune (key), the year or the dates the
    request was sent (inclusive), the demand (code)."""
    if status in ConnectionStatus.values:
        queryset = queryset.filter(status=status)
    if commune:
        queryset = queryset.filter(producer__commune__key=commune)
    if year:
        queryset = queryset.filter(created_at__year=year)
    if date_from:
        queryset = queryset.filter(created_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created_at__date__lte=date_to)
    if demand:
        queryset = queryset.filter(demand__code=demand)
    return queryset
