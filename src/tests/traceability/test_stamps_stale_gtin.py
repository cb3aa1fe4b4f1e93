"""Stamps for a product whose GTIN another request gave meanwhile (found by the eight-process
test, tests/security/test_concurrency.py): the batch the page loaded still carries the product
without a GTIN; issuing its stamps takes the GTIN now stored instead of refusing with "This
product already has a GTIN"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ocop.core.models import ActivityLog
from ocop.products.models import Product
from ocop.traceability.identifiers import normalise_gtin
from ocop.traceability.models import Batch
from ocop.traceability.services.stamps import issue_stamps

pytestmark = pytest.mark.django_db


def bare_batch(product, lot: str) -> Batch:
    """A batch made directly, so that the product keeps no GTIN."""
    return Batch.objects.create(
        product=product,
        producer=product.producer,
        lot=lot,
        produced_on=dt.date(2026, 10, 5),
        quantity=Decimal(100),
        unit="kg",
    )


def test_stamps_of_a_stale_copy_take_the_gtin_given_meanwhile(cast):
    first, second = bare_batch(cast.product1, "L-1"), bare_batch(cast.product1, "L-2")
    loaded = Batch.objects.select_related("product", "producer").get(pk=second.pk)
    assert loaded.product.gtin == ""  # what the second page loaded
    issue_stamps(actor=cast.producer1, batch=first, count=3)  # gives the product its GTIN
    stamps = issue_stamps(actor=cast.producer1, batch=loaded, count=2)
    gtin = Product.objects.get(pk=cast.product1.pk).gtin
    assert gtin
    assert {stamp.gtin for stamp in stamps} == {normalise_gtin(gtin)}
    assert loaded.product.gtin == gtin
    assert ActivityLog.objects.filter(action="products.product.update").count() == 1
    assert second.stamps.count() == 2
