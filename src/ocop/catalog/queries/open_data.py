"""The public catalogue as open data: one record per listed product (the CSV and JSON exports of
`views/listing.py`). Codes and names, never database ids; ISO dates (the CSV writes dd/mm/yyyy)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from ocop.catalog.models import CatalogEntry
from ocop.certificates.queries.public import OPEN_DATA_LICENCE as CERTIFICATES_LICENCE
from ocop.certificates.queries.public import verification_url

OPEN_DATA_LICENCE = CERTIFICATES_LICENCE
OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# The columns, in order (CSV header and JSON keys).
OPEN_DATA_FIELDS = (
    "product_code",
    "product_name",
    "stars",
    "certificate_number",
    "valid_until",
    "producer_code",
    "producer_name",
    "producer_kind",
    "commune_key",
    "commune_name",
    "category_code",
    "category_name",
    "group_code",
    "group_name",
    "year",
    "product_url",
    "verification_url",
)


def product_url(entry: CatalogEntry) -> str:
    return settings.SITE_URL + reverse("catalog:product", kwargs={"code": entry.product.code})


def open_data_record(entry: CatalogEntry) -> dict[str, Any]:
    """One listed product (its entry with product, producer, commune and certificate loaded)."""
    certificate = entry.certificate
    commune = entry.commune
    return {
        "product_code": entry.product.code,
        "product_name": entry.name,
        "stars": entry.stars,
        "certificate_number": certificate.number,
        "valid_until": certificate.valid_until.isoformat(),
        "producer_code": entry.producer.code,
        "producer_name": entry.producer.name,
        "producer_kind": entry.producer_kind,
        "commune_key": commune.key if commune else "",
        "commune_name": commune.name if commune else "",
        "category_code": entry.category_code,
        "category_name": entry.category_name,
        "group_code": entry.group_code,
        "group_name": entry.group_name,
        "year": entry.year,
        "product_url": product_url(entry),
        "verification_url": verification_url(certificate),
    }


def csv_row(record: dict[str, Any]) -> list[Any]:
    """A record as a CSV line: the date as dd/mm/yyyy."""
    values = dict(record)
    year, month, day = values["valid_until"].split("-")
    values["valid_until"] = f"{day}/{month}/{year}"
    return [values[name] for name in OPEN_DATA_FIELDS]
