"""Schemas of the public catalogue API (`ocop.catalog.api`). Codes and keys, never database ids;
dates ISO; addresses absolute (`SITE_URL`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from ocop.catalog.models import CatalogEntry
from ocop.catalog.queries.open_data import product_url
from ocop.certificates.queries.public import verification_url
from ocop.producers.enums import ProducerKind


class CatalogQueryIn(Schema):
    """The query string of `GET /products` (read by `ocop.catalog.forms.parse_filters`, as the
    page reads it)."""

    q: str = Field(
        "",
        description="Words as people type them: accents and case do not matter; "
        "each word matches the beginning of a word.",
    )
    stars: list[str] = Field(
        [], description="3, 4 or 5; repeat it (stars=4&stars=5) or list them (stars=4,5)."
    )
    category: str = Field("", description="A product category code (see /facets).")
    group: str = Field("", description="A product group code (see /facets).")
    commune: str = Field("", description="A commune key (see /facets).")
    kind: str = Field(
        "", description="A producer kind: " + ", ".join(str(v) for v in ProducerKind.values) + "."
    )
    year: str = Field("", description="The year of the certificate.")
    sort: str = Field(
        "", description="relevance (the default with q), stars (the default without), name, newest."
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(24, ge=1, le=100)


class CodeName(Schema):
    code: str
    name: str


class UnitRef(Schema):
    key: str
    name: str


class ProducerRef(Schema):
    code: str
    name: str
    kind: str
    url: str


class CertificateRef(Schema):
    number: str
    year: int
    issued_on: dt.date
    valid_until: dt.date
    verification_url: str


def photo_url(entry: CatalogEntry, photo: Any = None) -> str | None:
    photo = photo or entry.photo
    if photo is None:
        return None
    path = reverse(
        "catalog:photo", kwargs={"code": entry.product.code, "file_code": photo.file.code}
    )
    return settings.SITE_URL + path


class CatalogProductOut(Schema):
    code: str
    name: str
    stars: int
    url: str
    photo_url: str | None
    producer: ProducerRef
    commune: UnitRef | None
    category: CodeName | None
    group: CodeName | None
    certificate: CertificateRef

    @staticmethod
    def values(entry: CatalogEntry) -> dict[str, Any]:
        certificate = entry.certificate
        commune = entry.commune
        producer_path = reverse("catalog:producer", kwargs={"code": entry.producer.code})
        return {
            "code": entry.product.code,
            "name": entry.name,
            "stars": entry.stars,
            "url": product_url(entry),
            "photo_url": photo_url(entry),
            "producer": {
                "code": entry.producer.code,
                "name": entry.producer.name,
                "kind": entry.producer_kind,
                "url": settings.SITE_URL + producer_path,
            },
            "commune": {"key": commune.key, "name": commune.name} if commune else None,
            "category": (
                {"code": entry.category_code, "name": entry.category_name}
                if entry.category_code
                else None
            ),
            "group": (
                {"code": entry.group_code, "name": entry.group_name} if entry.group_code else None
            ),
            "certificate": {
                "number": certificate.number,
                "year": entry.year,
                "issued_on": certificate.issued_on,
                "valid_until": certificate.valid_until,
                "verification_url": verification_url(certificate),
            },
        }


class CatalogProductDetailOut(CatalogProductOut):
    description: str
    photos: list[str]


class CatalogPageOut(Schema):
    count: int = Field(description="How many products match.")
    page: int
    page_size: int
    pages: int
    sort: str
    results: list[CatalogProductOut]


class KindOut(Schema):
    code: str
    label: str


class FacetsOut(Schema):
    stars: list[int]
    categories: list[CodeName]
    groups: list[CodeName]
    communes: list[UnitRef]
    kinds: list[KindOut]
    years: list[int]
