"""Reads of a product's store links and the loader of their management page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ocop.catalog.queries.listing import listed_entries
from ocop.products.models import Product
from ocop.products.queries.products import access_product
from ocop.trade.models import StoreLink


def access_store_links(user_or_access: Any, code: str) -> Product:
    """The product with this code if the user may change its store links: whoever may edit the
    product (its producer's owner and staff, the commune officer of its commune, the provincial
    office, the administrator); else 404."""
    return access_product(user_or_access, code, write=True)


def store_links_of(product: Product) -> QuerySet[StoreLink]:
    """The product's links in the order they are shown."""
    return StoreLink.objects.filter(product=product).order_by("position", "pk")


def is_listed(product: Product) -> bool:
    """Whether the product is in the public catalogue today (its links are shown there)."""
    return listed_entries().filter(product_id=product.pk).exists()
