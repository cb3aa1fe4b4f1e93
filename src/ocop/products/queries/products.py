"""Reads of the products registry and its permission loaders."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.core.text import fold
from ocop.producers.models import Producer
from ocop.producers.queries.producers import producers_visible_to
from ocop.products.enums import ProductStatus
from ocop.products.models import Product, ProductPhoto
from ocop.products.queries.classification import filter_by_category


def products_visible_to(user_or_access: Any) -> QuerySet[Product]:
    access = as_access(user_or_access)
    if access.sees_whole_province:
        return Product.objects.all()
    return Product.objects.filter(producer__in=producers_visible_to(access))


def can_edit_products_of(access: Access, producer: Producer) -> bool:
    """Who keeps a producer's products: the province's officers, the commune officer of the
    producer's commune, and the producer's own owner and staff."""
    if access.is_admin:
        return True
    if access.is_province_officer:
        return True
    if access.is_commune_officer and producer.commune_id in access.commune_unit_ids:
        return True
    return producer.organisation_id in access.organisations_with(*PRODUCER_ROLES)


def can_edit_product(access: Access, product: Product) -> bool:
    return can_edit_products_of(access, product.producer)


def producers_open_to(user_or_access: Any) -> QuerySet[Producer]:
    """The producers the user may add products to (the same rule as can_edit_products_of)."""
    access = as_access(user_or_access)
    if access.is_admin or access.is_province_officer:
        return Producer.objects.all()
    condition = Q(pk__in=[])
    if access.is_commune_officer:
        condition |= Q(commune_id__in=access.commune_unit_ids)
    own_orgs = access.organisations_with(*PRODUCER_ROLES)
    if own_orgs:
        condition |= Q(organisation_id__in=own_orgs)
    return Producer.objects.filter(condition)


def access_producer_for_products(user_or_access: Any, code: str) -> Producer:
    """The producer with this code if the user may add products to it; else 404."""
    producer = producers_open_to(user_or_access).filter(code=code).first()
    if producer is None:
        raise Http404
    return producer


def filter_products(
    queryset: QuerySet[Product],
    *,
    status: str | None = None,
    producer: str | None = None,
    commune: str | None = None,
    category: str | None = None,
) -> QuerySet[Product]:
    """The registry filters shared by the list page and the API: an unknown status is ignored,
    an unknown producer code, commune key or classification category matches nothing."""
    if status in ProductStatus.values:
        queryset = queryset.filter(status=status)
    if producer:
        queryset = queryset.filter(producer__code=producer)
    if commune:
        queryset = queryset.filter(producer__commune__key=commune)
    return filter_by_category(queryset, category)


def search_products(queryset: QuerySet[Product], query: str) -> QuerySet[Product]:
    """Name or producer name without diacritics ("gom bat trang" finds "Gốm Bát Tràng"), GTIN,
    the producer's own code, the product code."""
    query = query.strip()[:100]
    if not query:
        return queryset
    folded = fold(query)
    return queryset.filter(
        Q(name_folded__icontains=folded)
        | Q(producer__name_folded__icontains=folded)
        | Q(gtin__contains="".join(query.split()))
        | Q(producer_sku__icontains=query)
        | Q(code__iexact=query)
    )


def with_list_columns(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """What a list row shows, in the list's one query: the producer, the classification and the
    photo count."""
    return queryset.select_related(
        "producer", "classification__criteria_set", "classification__scorecard"
    ).annotate(photo_count=Count("photos"))


def access_product(user_or_access: Any, code: str, *, write: bool = False) -> Product:
    """The product with this code if the user may see it (and edit it when asked); else 404."""
    access = as_access(user_or_access)
    product = (
        products_visible_to(access)
        .select_related(
            "producer",
            "producer__commune",
            "classification__criteria_set",
            "classification__scorecard",
        )
        .filter(code=code)
        .first()
    )
    if product is None:
        raise Http404
    if write and not can_edit_product(access, product):
        raise Http404
    return product


def access_product_photo(
    user_or_access: Any, code: str, file_code: str, *, write: bool = False
) -> ProductPhoto:
    """A photo of a product the user may see (edit, when asked). The product is checked first;
    a file that is not a photo of this very product is 404, whoever asks."""
    product = access_product(user_or_access, code, write=write)
    photo = product.photos.select_related("file").filter(file__code=file_code).first()
    if photo is None:
        raise Http404
    return photo


def photos_of(product: Product) -> QuerySet[ProductPhoto]:
    return product.photos.select_related("file").order_by("position", "id")
