"""Schemas of the public points-of-sale API (`ocop.trade.api_points`). Codes and keys, never
database ids; dates ISO; addresses absolute (settings.SITE_URL)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from ocop.catalog.models import CatalogEntry
from ocop.trade.models import PointOfSale


class UnitRef(Schema):
    key: str
    name: str


class CodeName(Schema):
    code: str
    name: str


class PointFiltersIn(Schema):
    commune: str = Field(default="", description="Key of the commune or ward, e.g. c00577")
    kind: str = Field(
        default="", description="ocop_point | supermarket | shop | fair | other (unknown: ignored)"
    )
    q: str = Field(default="", description="Words of the name (no accents needed)")


def point_url(point: PointOfSale) -> str:
    return settings.SITE_URL + reverse("points:detail", kwargs={"code": point.code})


class PointRowOut(Schema):
    """An open point of sale."""

    code: str
    name: str
    kind: str
    kind_label: str
    address: str
    administrative_unit: UnitRef
    opening_hours: str
    phone: str
    email: str
    website: str
    operator_name: str
    latitude: float | None
    longitude: float | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    product_count: int = Field(description="The OCOP products with a certificate in force")
    url: str

    @staticmethod
    def resolve_kind_label(obj: PointOfSale) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_administrative_unit(obj: PointOfSale) -> dict[str, str]:
        return {"key": obj.commune.key, "name": obj.commune.name}

    @staticmethod
    def resolve_latitude(obj: PointOfSale) -> float | None:
        return None if obj.latitude is None else float(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: PointOfSale) -> float | None:
        return None if obj.longitude is None else float(obj.longitude)

    @staticmethod
    def resolve_url(obj: PointOfSale) -> str:
        return point_url(obj)


class ProductRefOut(Schema):
    code: str
    name: str
    stars: int
    producer: CodeName
    url: str

    @staticmethod
    def resolve_code(obj: CatalogEntry) -> str:
        return obj.product.code

    @staticmethod
    def resolve_producer(obj: CatalogEntry) -> dict[str, str]:
        return {"code": obj.producer.code, "name": obj.producer.name}

    @staticmethod
    def resolve_url(obj: CatalogEntry) -> str:
        return settings.SITE_URL + reverse("catalog:product", kwargs={"code": obj.product.code})


class PointDetailOut(PointRowOut):
    products: list[ProductRefOut] = Field(
        description="The OCOP products with a certificate in force that the point carries"
    )

    @staticmethod
    def resolve_products(obj: PointOfSale) -> list[CatalogEntry]:
        return list(getattr(obj, "products_listed", []))
