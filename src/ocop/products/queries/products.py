"""Reads of the products registry and its permission loader."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ocop.accounts.enums import Role
from ocop.accounts.rules import Access, as_access
from ocop.producers.queries.producers import producers_visible_to
from ocop.products.models import Product


def products_visible_to(user_or_access: Any) -> QuerySet[Product]:
    access = as_access(user_or_access)
    if access.sees_whole_province:
        return Product.objects.all()
    return Product.objects.filter(producer__in=producers_visible_to(access))


def can_edit_product(access: Access, product: Product) -> bool:
    if access.is_admin or access.is_province_officer:
        return True
    if access.is_commune_officer and product.producer.commune_id in access.commune_unit_ids:
        return True
    producer_orgs = access.organisations_with(Role.PRODUCER_OWNER, Role.PRODUCER_STAFF)
    return product.producer.organisation_id in producer_orgs


def access_product(user_or_access: Any, code: str, *, write: bool = False) -> Product:
    """The product with this code if the user may see it (and edit it when asked); else 404."""
    access = as_access(user_or_access)
    product = (
        products_visible_to(access)
        .select_related("producer", "producer__commune")
        .filter(code=code)
        .first()
    )
    if product is None:
        raise Http404
    if write and not can_edit_product(access, product):
        raise Http404
    return product
