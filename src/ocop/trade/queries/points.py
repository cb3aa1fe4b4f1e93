"""Reads of points of sale and their permission loader.

Who sees a point of sale:

- everyone (no sign-in): the OPEN points, except a fair (or any point with an end date) whose
  last day has passed: the public directory, a point's page, the API, the product pages;
- the provincial OCOP office and the administrator: every point, open or closed;
- the users (BUYER role) of the organisation of the buyer that runs a point
  (`PointOfSale.buyer`, an ACTIVE buyer): that point, open or closed.

Who changes a point (`access_point_of_sale(..., write=True)`, else 404): the office and the
administrator (all points; only they create points and say which buyer runs one), and the users
of the buyer that runs it (its details, its status, the products it carries).

The products a point shows are only those LISTED today (`listed_entries`: a certificate in
force): a product that loses its certificate simply stops being shown, although the row that
says the point carries it stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from urllib.parse import quote

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.accounts.rules import Access, as_access
from ocop.catalog.models import CatalogEntry
from ocop.catalog.queries.listing import listed_entries
from ocop.catalog.queries.search import folded_words
from ocop.certificates.queries.certificates import valid_certificates
from ocop.core.text import fold
from ocop.geo.models import AdministrativeUnit
from ocop.trade.enums import BuyerStatus, PointOfSaleKind, PointOfSaleStatus
from ocop.trade.models import PointOfSale

SEARCH_MAX = 100  # characters of a search that are read
CANDIDATES_MAX = 20  # listed products offered at a time on a point's products page


# --- who may do what ------------------------------------------------------------------------


def can_manage_points(access: Access) -> bool:
    """The provincial OCOP office and the administrator: every point of sale."""
    if access.is_admin:
        return True
    return access.is_province_officer


def buyer_organisations(access: Access) -> frozenset[int]:
    """The organisations in which the user holds the BUYER role."""
    return access.organisations_with(Role.BUYER)


def runs_point(access: Access, point: PointOfSale) -> bool:
    """The user belongs (BUYER role) to the organisation of the active buyer that runs `point`."""
    buyer = point.buyer
    if buyer is None or buyer.status != BuyerStatus.ACTIVE:
        return False
    return buyer.organisation_id in buyer_organisations(access)


def can_change_point(access: Access, point: PointOfSale) -> bool:
    return can_manage_points(access) or runs_point(access, point)


def may_manage_any_point(user_or_access: Any) -> bool:
    """Whether the management list is for this user at all (else 404)."""
    access = as_access(user_or_access)
    return can_manage_points(access) or bool(buyer_organisations(access))


def points_managed_by(user_or_access: Any) -> QuerySet[PointOfSale]:
    """The points the user may change: all for the office, those of their buyer otherwise."""
    access = as_access(user_or_access)
    queryset = PointOfSale.objects.select_related("commune", "buyer")
    if can_manage_points(access):
        return queryset
    orgs = buyer_organisations(access)
    if not orgs:
        return queryset.none()
    return queryset.filter(buyer__organisation_id__in=orgs, buyer__status=BuyerStatus.ACTIVE)


# --- the public -----------------------------------------------------------------------------


def public_points(on: dt.date | None = None) -> QuerySet[PointOfSale]:
    """The points everyone sees on `on` (today): open, and not past their last day."""
    day = on or timezone.localdate()
    return PointOfSale.objects.filter(status=PointOfSaleStatus.OPEN).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def is_public(point: PointOfSale, on: dt.date | None = None) -> bool:
    """The same rule as `public_points`, on a point already loaded."""
    day = on or timezone.localdate()
    if point.status != PointOfSaleStatus.OPEN:
        return False
    return point.ends_on is None or point.ends_on >= day


def points_carrying(product: Any, on: dt.date | None = None) -> QuerySet[PointOfSale]:
    """The public points that carry `product` (a product or its pk), with their commune, by
    commune and name: "where to buy" on the product page."""
    return (
        public_points(on)
        .filter(products=product)
        .select_related("commune")
        .order_by("commune__name_folded", "name_folded", "pk")
    )


def access_point_of_sale(user_or_access: Any, code: str, *, write: bool = False) -> PointOfSale:
    """The point of sale with this code if the user may see it (change it, when `write`); else
    404, so that a closed point, or one the user may not change, looks like no point at all."""
    access = as_access(user_or_access)
    point = (
        PointOfSale.objects.select_related("commune__province", "buyer").filter(code=code).first()
    )
    if point is None:
        raise Http404
    if can_change_point(access, point):
        return point
    if write or not is_public(point):
        raise Http404
    return point


def with_product_count(
    queryset: QuerySet[PointOfSale], on: dt.date | None = None
) -> QuerySet[PointOfSale]:
    """Each point with `product_count`: the LISTED products it carries (one query for a list)."""
    day = on or timezone.localdate()
    listed = Q(carried__product__catalog_entry__certificate__in=valid_certificates(day))
    return queryset.annotate(product_count=Count("carried", filter=listed, distinct=True))


@dataclass(frozen=True)
class DirectoryFilters:
    """The directory's filters (the page and the API): unknown values match nothing or are
    ignored, never an error."""

    kind: str = ""
    commune: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query: Any) -> DirectoryFilters:
        def get(name: str) -> str:
            value = query.get(name) or ""
            return str(value).strip()[:SEARCH_MAX]

        return cls(kind=get("kind"), commune=get("commune"), q=get("q"))


def filter_points(
    queryset: QuerySet[PointOfSale], filters: DirectoryFilters
) -> QuerySet[PointOfSale]:
    """Kind (an unknown kind is ignored), commune key (unknown: nothing), and the name or the
    address without regard to case or diacritics ("cho que" finds "Chợ quê")."""
    if filters.kind in PointOfSaleKind.values:
        queryset = queryset.filter(kind=filters.kind)
    if filters.commune:
        queryset = queryset.filter(commune__key=filters.commune)
    folded = fold(filters.q)
    if folded:
        queryset = queryset.filter(Q(name_folded__contains=folded) | Q(code__iexact=filters.q))
    return queryset


def directory_points(filters: DirectoryFilters, on: dt.date | None = None) -> QuerySet[PointOfSale]:
    """The public directory: by commune (folded name), then by name; with the commune and the
    number of listed products, in one query."""
    queryset = filter_points(public_points(on), filters).select_related("commune")
    return with_product_count(queryset, on).order_by(
        "commune__name_folded", "commune_id", "name_folded", "pk"
    )


def group_by_commune(points: Iterable[PointOfSale]) -> list[tuple[AdministrativeUnit, list]]:
    """[(commune, [points])] in the order given (the directory is sorted by commune)."""
    return [
        (group[0].commune, group)
        for group in (list(items) for _key, items in groupby(points, key=lambda p: p.commune_id))
    ]


def directory_communes(on: dt.date | None = None) -> list[tuple[str, str]]:
    """(key, name) of the communes that have a public point, by name: the commune filter."""
    rows = (
        AdministrativeUnit.objects.filter(pk__in=public_points(on).values("commune_id"))
        .order_by("name_folded", "key")
        .values_list("key", "name")
    )
    return list(rows)


def listed_products_of(point: PointOfSale, on: dt.date | None = None) -> QuerySet[CatalogEntry]:
    """The listed products the point carries (a certificate in force today), most stars first."""
    return (
        listed_entries(on)
        .filter(product__points_of_sale=point)
        .order_by("-stars", "name_folded", "product_id")
    )


def carried_rows(point: PointOfSale, on: dt.date | None = None) -> list[tuple[Any, bool]]:
    """Every product the point carries, listed or not (the management page), as (row, listed).
    Two queries."""
    listed = set(
        listed_entries(on)
        .filter(product__points_of_sale=point)
        .values_list("product_id", flat=True)
    )
    rows = point.carried.select_related("product__producer").order_by("product__name_folded", "pk")
    return [(row, row.product_id in listed) for row in rows]


def candidate_products(
    point: PointOfSale, query: str, on: dt.date | None = None
) -> list[CatalogEntry]:
    """Listed products the point does not carry yet that match `query`: a word prefix of the
    name, the producer, the group or the commune, without diacritics, or the product code."""
    query = (query or "").strip()[:SEARCH_MAX]
    folded = fold(query)
    if not folded:
        return []
    words = folded_words(query)
    condition = Q(product__code__iexact=query)
    prefix = Q()
    for word in words:
        prefix &= Q(search_text__contains=f" {word}")
    queryset = (
        listed_entries(on)
        .filter(condition | prefix)
        .exclude(product__points_of_sale=point)
        .order_by("-stars", "name_folded", "product_id")
    )
    return list(queryset[:CANDIDATES_MAX])


# --- a point's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class MapLinks:
    """Links to a map, no embedded map and no third-party script: a `geo:` URI (phones open
    their map application) and an OpenStreetMap page; without coordinates, an OpenStreetMap
    search for the address."""

    geo: str
    osm: str
    exact: bool


def map_links(point: PointOfSale) -> MapLinks:
    if point.latitude is not None and point.longitude is not None:
        lat, lon = f"{point.latitude:f}", f"{point.longitude:f}"
        return MapLinks(
            geo=f"geo:{lat},{lon}",
            osm=f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}",
            exact=True,
        )
    province = point.commune.province
    parts = (point.address, point.commune.name, province.name if province else "")
    where = ", ".join(part for part in parts if part)
    return MapLinks(
        geo="",
        osm="https://www.openstreetmap.org/search?query=" + quote(where, safe=""),
        exact=False,
    )
