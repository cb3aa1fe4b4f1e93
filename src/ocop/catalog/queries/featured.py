"""The products of the home page: those the office features (in their order), while they stay
listed; when none is featured (or none of them is still listed), the most recently certified
listed 5★ and 4★ products."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from ocop.catalog.models import CatalogEntry, FeaturedProduct
from ocop.catalog.queries.listing import listed_entries

HOME_PRODUCTS = 8


def featured_entries(on: dt.date | None = None) -> QuerySet[CatalogEntry]:
    """The featured products that are listed today, in the office's order (one query)."""
    return (
        listed_entries(on)
        .filter(product__featured__isnull=False)
        .order_by("product__featured__position", "product__featured__id")
    )


def fallback_entries(on: dt.date | None = None) -> QuerySet[CatalogEntry]:
    """The listed 5★ and 4★ products, the most recently certified first."""
    return listed_entries(on).filter(stars__gte=4).order_by("-issued_on", "-stars", "name_folded")


def home_products(
    on: dt.date | None = None, limit: int = HOME_PRODUCTS
) -> tuple[list[CatalogEntry], bool]:
    """(the products the home page shows, whether they are the office's choice). One query when
    some featured product is listed, two otherwise."""
    featured = list(featured_entries(on)[:limit])
    if featured:
        return featured, True
    return list(fallback_entries(on)[:limit]), False


def featured_rows() -> QuerySet[FeaturedProduct]:
    """Every featured product (listed or no longer), for the management page."""
    return FeaturedProduct.objects.select_related("product__producer", "added_by").order_by(
        "position", "id"
    )
