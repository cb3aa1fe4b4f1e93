from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from ocop.core.schemas import AttachedFileOut
from ocop.criteria.models import ClassificationNode
from ocop.products.models import Product, ProductPhoto
from ocop.products.queries.products import photos_of


class ProductFilters(Schema):
    status: str | None = None
    producer: str | None = None  # producer code
    commune: str | None = None  # administrative unit key of the producer's commune
    category: str | None = None  # OCOP product category of the classification ("I" … "VI")
    q: str | None = None  # name or producer (without diacritics), GTIN, own code, product code


class ClassificationOut(Schema):
    """A product's OCOP classification: the leaf, its criteria set and the scorecard it picks."""

    criteria_set: str
    code: str
    name: str
    scorecard: int | None

    @staticmethod
    def resolve_criteria_set(obj: ClassificationNode) -> str:
        return obj.criteria_set.code

    @staticmethod
    def resolve_scorecard(obj: ClassificationNode) -> int | None:
        return obj.scorecard.number if obj.scorecard is not None else None


class ClassificationIn(Schema):
    """A classification leaf by its codes: {"criteria_set": "qd26-2026", "code": "I.3.b"}."""

    criteria_set: str = Field(min_length=1, max_length=40, examples=["qd26-2026"])
    code: str = Field(min_length=1, max_length=20, examples=["I.3.b"])


class ProducerRef(Schema):
    code: str
    name: str


class PhotoOut(AttachedFileOut):
    caption: str
    url: str

    @staticmethod
    def resolve_url(obj: ProductPhoto) -> str:
        return reverse(
            "api:product_photo", kwargs={"code": obj.product.code, "file_code": obj.file.code}
        )


class ProductOut(Schema):
    code: str
    name: str
    description: str
    gtin: str
    producer_sku: str
    status: str
    producer: ProducerRef
    classification: ClassificationOut | None
    photo_count: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_photo_count(obj: Product) -> int:
        count = getattr(obj, "photo_count", None)  # annotated on lists
        return obj.photos.count() if count is None else count


class ProductDetailOut(ProductOut):
    photos: list[PhotoOut]

    @staticmethod
    def resolve_photos(obj: Product) -> list[ProductPhoto]:
        return list(photos_of(obj))


class ProductIn(Schema):
    producer: str  # the code of a producer the caller may add products to
    name: str
    description: str = ""
    gtin: str = ""
    producer_sku: str = ""
    classification: ClassificationIn | None = None


class ProductPatch(Schema):
    name: str | None = None
    description: str | None = None
    gtin: str | None = None
    producer_sku: str | None = None
    classification: ClassificationIn | None = None  # null removes the classification


class ReasonIn(Schema):
    reason: str = ""
