"""API shapes of the supply–demand board (`ocop.trade.api`). Codes only, never database ids;
communes by their key (c00004); dates ISO 8601; quantities and prices as JSON numbers.

The inputs fix the types only (a quantity that is not a number, a date that is not a date: 422
naming the field, from the schema); the rules (a quantity above zero, an end not before the
start, texts not too long, choices from the lists) are the services', so that the pages and the
API give the same messages (422 problem details naming the field)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from ocop.trade.models import Connection, Demand, Offer
from ocop.trade.queries.matching import stored_reasons


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class NamedRef(Schema):
    code: str
    name: str


class BuyerRef(Schema):
    code: str
    name: str
    kind: str
    contact_name: str
    phone: str
    email: str


class CommuneRef(Schema):
    key: str
    name: str


class ReasonOut(Schema):
    code: str
    label: str
    points: int
    ok: bool


# --- demands ----------------------------------------------------------------------------------


class DemandFiltersIn(Schema):
    status: str = Field(default="", max_length=20, description="open | closed | cancelled")
    group: str = Field(default="", max_length=20, description="Product group code, e.g. I.5")
    q: str = Field(default="", max_length=100, description="Title or keywords (no accents needed)")


class DemandIn(Schema):
    title: str
    group_code: str = Field(default="", description="A product group code, e.g. I.5 (Chè)")
    keywords: str = Field(default="", description="Comma-separated, e.g. “trà sen, chè”")
    quantity: Decimal
    unit: str
    period_start: dt.date
    period_end: dt.date
    delivery_area: list[str] = Field(
        default_factory=list, description="Keys of current communes; empty: the whole province"
    )
    min_stars: int | None = Field(default=None, description="3, 4 or 5; null: no minimum")
    certifications: list[str] = Field(
        default_factory=list, description="vietgap, globalgap, organic, haccp, iso22000 …"
    )
    description: str = ""

    def service_data(self, *, exclude_unset: bool = False) -> dict[str, Any]:
        data = self.dict(exclude_unset=exclude_unset)
        if "delivery_area" in data:
            data["delivery_units"] = data.pop("delivery_area")
        return data


class DemandPatch(DemandIn):
    title: str | None = None  # type: ignore[assignment]
    quantity: Decimal | None = None  # type: ignore[assignment]
    unit: str | None = None  # type: ignore[assignment]
    period_start: dt.date | None = None  # type: ignore[assignment]
    period_end: dt.date | None = None  # type: ignore[assignment]


class DemandOut(Schema):
    code: str
    title: str
    status: str
    buyer: BuyerRef
    group_code: str
    group_name: str
    keywords: str
    quantity: float | int
    unit: str
    period_start: dt.date
    period_end: dt.date
    delivery_area: list[CommuneRef]
    min_stars: int | None
    certifications: list[str]
    description: str
    created_at: dt.datetime
    url: str

    @staticmethod
    def resolve_quantity(obj: Demand) -> float | int | None:
        return _number(obj.quantity)

    @staticmethod
    def resolve_delivery_area(obj: Demand) -> list[dict[str, str]]:
        return [{"key": unit.key, "name": unit.name} for unit in obj.delivery_units.all()]

    @staticmethod
    def resolve_url(obj: Demand) -> str:
        return reverse("trade:demand", kwargs={"code": obj.code})


class StatusIn(Schema):
    status: str = Field(description="The status to move to")
    note: str = Field(default="", description="Connections: the outcome; buyers: the reason")


class MatchOut(Schema):
    product: NamedRef
    producer: NamedRef
    commune: CommuneRef | None
    offer: str | None = Field(description="The code of the offer scored, if any")
    listed: bool = Field(description="In the public catalogue (an OCOP certificate in force)")
    stars: int | None
    score: int
    reasons: list[ReasonOut]


def match_out(match: Any) -> dict[str, Any]:
    commune = match.producer.commune
    return {
        "product": {"code": match.product.code, "name": match.product.name},
        "producer": {"code": match.producer.code, "name": match.producer.name},
        "commune": {"key": commune.key, "name": commune.name} if commune else None,
        "offer": match.offer.code if match.offer else None,
        "listed": match.listed,
        "stars": match.stars,
        "score": match.score,
        "reasons": [
            {"code": r.code, "label": r.label, "points": r.points, "ok": r.ok}
            for r in match.reasons
        ],
    }


# --- offers -----------------------------------------------------------------------------------


class OfferFiltersIn(Schema):
    status: str = Field(default="", max_length=20, description="open | closed")
    producer: str = Field(default="", max_length=20, description="The producer's code")
    q: str = Field(default="", max_length=100, description="Product or producer name")


class OfferIn(Schema):
    product: str = Field(description="The code of one of the caller's products")
    capacity_per_month: Decimal
    unit: str
    season_months: list[int] = Field(default_factory=list, description="1–12; empty: all year")
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    delivery_area: list[str] = Field(default_factory=list, description="Keys of communes")
    certifications: list[str] = Field(default_factory=list)
    note: str = ""

    def service_data(self, *, exclude_unset: bool = False) -> dict[str, Any]:
        data = self.dict(exclude_unset=exclude_unset, exclude={"product"})
        if "delivery_area" in data:
            data["delivery_units"] = data.pop("delivery_area")
        return data


class OfferPatch(OfferIn):
    product: str | None = None  # type: ignore[assignment]
    capacity_per_month: Decimal | None = None  # type: ignore[assignment]
    unit: str | None = None  # type: ignore[assignment]


class OfferOut(Schema):
    code: str
    status: str
    product: NamedRef
    producer: NamedRef
    capacity_per_month: float | int
    unit: str
    season_months: list[int]
    price_min: float | int | None
    price_max: float | int | None
    delivery_area: list[CommuneRef]
    certifications: list[str]
    note: str
    created_at: dt.datetime
    url: str

    @staticmethod
    def resolve_product(obj: Offer) -> dict[str, str]:
        return {"code": obj.product.code, "name": obj.product.name}

    @staticmethod
    def resolve_producer(obj: Offer) -> dict[str, str]:
        return {"code": obj.producer.code, "name": obj.producer.name}

    @staticmethod
    def resolve_capacity_per_month(obj: Offer) -> float | int | None:
        return _number(obj.capacity_per_month)

    @staticmethod
    def resolve_price_min(obj: Offer) -> float | int | None:
        return _number(obj.price_min)

    @staticmethod
    def resolve_price_max(obj: Offer) -> float | int | None:
        return _number(obj.price_max)

    @staticmethod
    def resolve_delivery_area(obj: Offer) -> list[dict[str, str]]:
        return [{"key": unit.key, "name": unit.name} for unit in obj.delivery_units.all()]

    @staticmethod
    def resolve_url(obj: Offer) -> str:
        return reverse("trade:offer", kwargs={"code": obj.code})


# --- connections ------------------------------------------------------------------------------


class ConnectionFiltersIn(Schema):
    status: str = Field(default="", max_length=20)
    commune: str = Field(default="", max_length=40, description="The producer's commune (key)")
    year: int | None = Field(
        default=None, ge=2000, le=2200, description="Year the request was sent"
    )
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    demand: str = Field(default="", max_length=20, description="The demand's code")


class ConnectionIn(Schema):
    message: str
    product: str | None = Field(default=None, description="A product's code (or give `offer`)")
    offer: str | None = Field(default=None, description="An open offer's code")
    demand: str | None = Field(default=None, description="One of the caller's open demands")


class ConnectionOut(Schema):
    code: str
    status: str
    status_changed_at: dt.datetime | None
    buyer: BuyerRef
    producer: NamedRef
    product: NamedRef | None
    offer: str | None
    demand: str | None
    message: str
    reasons: list[ReasonOut]
    outcome_note: str
    created_at: dt.datetime
    url: str

    @staticmethod
    def resolve_producer(obj: Connection) -> dict[str, str]:
        return {"code": obj.producer.code, "name": obj.producer.name}

    @staticmethod
    def resolve_product(obj: Connection) -> dict[str, str] | None:
        return {"code": obj.product.code, "name": obj.product.name} if obj.product else None

    @staticmethod
    def resolve_offer(obj: Connection) -> str | None:
        return obj.offer.code if obj.offer else None

    @staticmethod
    def resolve_demand(obj: Connection) -> str | None:
        return obj.demand.code if obj.demand else None

    @staticmethod
    def resolve_reasons(obj: Connection) -> list[dict[str, Any]]:
        return [
            {"code": r.code, "label": r.label, "points": r.points, "ok": r.ok}
            for r in stored_reasons(obj.reasons)
        ]

    @staticmethod
    def resolve_url(obj: Connection) -> str:
        return reverse("trade:connection", kwargs={"code": obj.code})
