"""Platform GTINs for producers without a GS1 company prefix (issue 6, item 1).

A producer that is a member of GS1 Vietnam prints its own GTINs (prefix 893); one that is not
gets a **platform GTIN** from `assign_platform_gtin`: the next GTIN-13 of the restricted-circulation
range `OCOP_PLATFORM_GTIN_PREFIX` (`identifiers.platform_gtin(n)`, n = 1 + the highest number
already given to a product or printed on a stamp), written on the product through the products
app's `update_product`, so that the product's History shows who gave it and when. Both kinds
behave the same on the platform (resolver, stamps, EPCIS); a platform GTIN is never valid outside
it (see docs/developer/traceability-resolver.md).

Two assignments at the same moment never give the same number: on PostgreSQL a transaction-level
advisory lock serialises them; SQLite serialises writing transactions already (BEGIN IMMEDIATE).
The unique constraint on `Product.gtin` is the last guard.
"""

from __future__ import annotations

import zlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from ocop.products.models import Product
from ocop.products.services.products import update_product
from ocop.traceability.identifiers import IdentifierError, platform_gtin
from ocop.traceability.models import Stamp

LOCK_KEY = zlib.crc32(b"ocop.traceability.platform_gtin")


def lock_platform_gtins() -> None:
    """Serialise the assignments until the transaction ends (PostgreSQL: an advisory lock;
    SQLite's writing transactions are serialised already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def platform_number(gtin: str) -> int | None:
    """The number n of a platform GTIN (in any length it is stored), None for any other GTIN."""
    prefix = settings.OCOP_PLATFORM_GTIN_PREFIX
    text = (gtin or "").strip()
    if not text.isdigit() or len(text) not in (13, 14):
        return None
    gtin13 = text[-13:]
    if len(text) == 14 and text[0] != "0":
        return None
    if not gtin13.startswith(prefix):
        return None
    return int(gtin13[len(prefix) : 12])


def _highest(queryset: Any, prefix: str, length: int) -> str | None:
    """The largest GTIN of `length` digits starting with `prefix` (same length: the largest
    string is the largest number)."""
    return (
        queryset.filter(gtin__startswith=prefix)
        .annotate(gtin_length=Length("gtin"))
        .filter(gtin_length=length)
        .aggregate(highest=Max("gtin"))["highest"]
    )


def highest_platform_number() -> int:
    """The highest platform number given so far, on a product (stored with 13 or 14 digits) or
    on a stamp (a product whose platform GTIN was later replaced keeps its stamps: the number is
    not given again)."""
    prefix = settings.OCOP_PLATFORM_GTIN_PREFIX
    values = [
        _highest(Product.objects.all(), prefix, 13),
        _highest(Product.objects.all(), "0" + prefix, 14),
        _highest(Stamp.objects.all(), "0" + prefix, 14),
    ]
    numbers = [platform_number(value) for value in values if value]
    return max((number for number in numbers if number is not None), default=0)


@transaction.atomic
def assign_platform_gtin(*, actor: Any, product: Product) -> str:
    """Give `product` (which has no GTIN) the next platform GTIN; return it (13 digits, as it is
    printed under an EAN-13 barcode). ValidationError when the product already has a GTIN or the
    range is exhausted."""
    lock_platform_gtins()
    current = Product.objects.select_for_update().values_list("gtin", flat=True).get(pk=product.pk)
    if current:
        raise ValidationError({"gtin": _("This product already has a GTIN.")})
    try:
        gtin14 = platform_gtin(highest_platform_number() + 1)
    except IdentifierError as exc:
        raise ValidationError({"gtin": str(exc)}) from None
    gtin13 = gtin14[1:]
    product.gtin = current
    update_product(actor=actor, product=product, data={"gtin": gtin13})
    return gtin13
