"""The public catalogue's base reads: what is listed today, and the loaders of the public
product and producer pages (404 for anything not listed)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from ocop.catalog.models import CatalogEntry
from ocop.certificates.queries.certificates import valid_certificates
from ocop.producers.enums import ProducerStatus
from ocop.producers.models import Producer
from ocop.products.enums import ProductStatus


def listed_entries(on: dt.date | None = None) -> QuerySet[CatalogEntry]:
    """The rows whose certificate is in force on `on` (today), of an active product of an
    approved producer: the catalogue's universe. The statuses are checked here as well as by the
    index, so a change shows before the index row is rewritten on commit (or when a bulk write
    bypassed the signals)."""
    day = on or timezone.localdate()
    # A correlated EXISTS (not `certificate_id IN (…)`): the databases start from the entries'
    # own conditions and look up each candidate's certificate by its key.
    valid = valid_certificates(day).filter(pk=OuterRef("certificate_id"))
    return CatalogEntry.objects.filter(
        Exists(valid),
        product__status=ProductStatus.ACTIVE,
        producer__status=ProducerStatus.APPROVED,
    ).select_related("product", "producer", "commune", "certificate", "photo__file")


def access_listed_product(code: str, on: dt.date | None = None) -> CatalogEntry:
    """The public product page's loader: the listed entry of the product with this code."""
    entry = listed_entries(on).filter(product__code=code).first()
    if entry is None:
        raise Http404
    return entry


def access_listed_producer(code: str, on: dt.date | None = None) -> Producer:
    """The public producer page's loader: an approved producer with at least one listed
    product."""
    producer = (
        Producer.objects.select_related("commune")
        .filter(code=code, status=ProducerStatus.APPROVED)
        .first()
    )
    if producer is None or not listed_entries(on).filter(producer=producer).exists():
        raise Http404
    return producer
