"""The catalogue's search index: one `CatalogEntry` per product with a certificate in force.

- `refresh_product(product_id)`: write (or delete) the product's row from the registry and the
  certificates; called on commit by the signals of the apps below (`ocop.catalog.signals`) and by
  the services of this app.
- `rebuild_catalog()`: every row again (`ocop catalog-rebuild`, the daily sweep, after bulk loads
  that bypass signals).

A product is listed when it is active, its producer is approved, and it holds a certificate in
force today (`valid_certificates`, the one definition); the row keeps the newest such
certificate. The listing queries still filter on `valid_certificates(today)`, so an expiry that
happens overnight needs no write to take the product off the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from ocop.catalog.models import CatalogEntry
from ocop.catalog.queries.search import forget_catalogue_choices, search_columns
from ocop.certificates.models import Certificate
from ocop.certificates.queries.certificates import valid_certificates
from ocop.core import pagecache
from ocop.criteria.enums import ClassificationLevel
from ocop.producers.enums import ProducerStatus
from ocop.products.enums import ProductStatus
from ocop.products.models import Product, ProductPhoto


def _classification_levels(node: Any) -> dict[str, Any]:
    """The category and group above (or at) a classification node."""
    found: dict[str, Any] = {}
    seen = 0
    while node is not None and seen < 10:
        found.setdefault(node.level, node)
        node = node.parent
        seen += 1
    return found


_FIRST_PHOTO: Any = object()


def entry_values(
    product: Product, certificate: Certificate, *, photo: Any = _FIRST_PHOTO
) -> dict[str, Any]:
    """The column values of the product's row (`photo`: its first photo, read when not given)."""
    producer = product.producer
    levels = _classification_levels(product.classification)
    category = levels.get(ClassificationLevel.CATEGORY)
    group = levels.get(ClassificationLevel.GROUP) or levels.get(ClassificationLevel.SUBGROUP)
    commune = producer.commune
    others = [
        producer.name,
        group.name if group else "",
        category.name if category else "",
        commune.name if commune else "",
    ]
    if photo is _FIRST_PHOTO:
        photo = product.photos.order_by("position", "id").first()
    return {
        "certificate": certificate,
        "producer": producer,
        "commune": commune,
        "producer_kind": producer.kind,
        "category_code": category.code if category else "",
        "category_name": category.name if category else "",
        "group_code": group.code if group else "",
        "group_name": group.name if group else "",
        "stars": certificate.stars,
        "year": certificate.year,
        "issued_on": certificate.issued_on,
        "name": product.name,
        **search_columns(product.name, *others),
        "photo": photo,
    }


def _certificate_for(product: Product, on: dt.date) -> Certificate | None:
    return (
        valid_certificates(on)
        .filter(product=product)
        .order_by("-issued_on", "-stars", "-id")
        .first()
    )


@transaction.atomic
def refresh_product(product_id: int, *, on: dt.date | None = None) -> CatalogEntry | None:
    """Write the product's catalogue row, or delete it when the product is not listed."""
    day = on or timezone.localdate()
    product = (
        Product.objects.select_related(
            "producer__commune",
            "classification__parent__parent",
        )
        .filter(pk=product_id)
        .first()
    )
    listed = (
        product is not None
        and product.status == ProductStatus.ACTIVE
        and product.producer.status == ProducerStatus.APPROVED
    )
    certificate = _certificate_for(product, day) if listed and product else None
    _forget_choices()
    if product is None or certificate is None:
        CatalogEntry.objects.filter(product_id=product_id).delete()
        return None
    entry, _created = CatalogEntry.objects.update_or_create(
        product=product, defaults=entry_values(product, certificate)
    )
    return entry


def _forget_choices() -> None:
    """The filter form's cached choices (communes, groups, years) are read again: now, and
    after the commit (a page read in between may have cached the old ones)."""
    forget_catalogue_choices()
    transaction.on_commit(forget_catalogue_choices)


def refresh_products(product_ids: Iterable[int], *, on: dt.date | None = None) -> int:
    count = 0
    for product_id in sorted(set(product_ids)):
        refresh_product(product_id, on=on)
        count += 1
    return count


# The fields a rebuild writes (all but the key).
_REBUILT_FIELDS = [
    f.name for f in CatalogEntry._meta.concrete_fields if f.name not in ("product", "updated_at")
] + ["updated_at"]


def _listed_certificates(day: dt.date) -> dict[int, Certificate]:
    """The newest certificate in force of each listable product (active, producer approved):
    what `refresh_product` keeps, for every product at once."""
    certificates = (
        valid_certificates(day)
        .filter(
            product__status=ProductStatus.ACTIVE, product__producer__status=ProducerStatus.APPROVED
        )
        .order_by("product_id", "-issued_on", "-stars", "-id")
    )
    newest: dict[int, Certificate] = {}
    for certificate in certificates.iterator(chunk_size=2000):
        newest.setdefault(certificate.product_id, certificate)
    return newest


def rebuild_catalog(*, on: dt.date | None = None, batch_size: int = 500) -> dict[str, int]:
    """Every product with a certificate in force gets its row; every other row goes. The same
    rows as `refresh_product` of each product, written in batches (a few queries per
    `batch_size` products), so that 20,000 products take seconds."""
    day = on or timezone.localdate()
    newest = _listed_certificates(day)
    existing = set(CatalogEntry.objects.values_list("product_id", flat=True))
    stale = existing - set(newest)
    with transaction.atomic():
        for start in range(0, len(stale), batch_size):
            chunk = sorted(stale)[start : start + batch_size]
            CatalogEntry.objects.filter(product_id__in=chunk).delete()
        _forget_choices()
    wanted = sorted(newest)
    photos = Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "id"))
    for start in range(0, len(wanted), batch_size):
        chunk = wanted[start : start + batch_size]
        products = (
            Product.objects.select_related("producer__commune", "classification__parent__parent")
            .prefetch_related(photos)
            .filter(pk__in=chunk)
        )
        rows = []
        for product in products:
            first = next(iter(product.photos.all()), None)
            values = entry_values(product, newest[product.pk], photo=first)
            rows.append(CatalogEntry(product=product, **values))
        with transaction.atomic():
            CatalogEntry.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["product"],
                update_fields=_REBUILT_FIELDS,
            )
            _forget_choices()
    pagecache.bump_everything()
    return {
        "listed": CatalogEntry.objects.count(),
        "removed": len(stale),
    }
