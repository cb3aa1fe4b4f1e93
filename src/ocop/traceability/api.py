"""Traceability API for producers and officials (`router`, mounted at /api/v1/traceability):
batches, their inputs and status, stamps, the steps people record, and places. The same
loaders and services as the pages (`/truy-xuat/`).

Anything the caller may not see (or keep) answers 404, so existence never leaks; 403
(`forbidden`) to someone who sees it but may not do this; 409 (`conflict`) when the state does
not allow it (a recalled batch, voiding a void stamp); 422 for bad input (`errors` name the
fields). Every error is RFC 9457 problem details. Codes only, never database ids; dates ISO.

- `GET /batches` (filters `status`, `producer`, `product`, `q`; `limit`, `offset`),
  `POST /batches`, `GET /batches/{code}` (inputs, shipments, stamp counts, the journey),
  `POST /batches/{code}/status` (finish or recall), `POST /batches/{code}/inputs`.
- `GET /batches/{code}/stamps`, `POST /batches/{code}/stamps` (issue `count`),
  `POST /batches/{code}/stamps/activate`, `POST /batches/{code}/stamps/void` (a range: `codes`
  — short codes, serials or FIRST-LAST ranges — and/or `every_issued`).
- `POST /batches/{code}/steps`: record a step (harvesting, commissioning, transforming,
  packing, shipping — with `shipment` —, receiving, retail_selling); answers the event(s).
- `GET /locations`, `POST /locations`.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from ocop.accounts.models import Organisation
from ocop.core.problems import Problem
from ocop.evaluation.services.refusals import Refusal
from ocop.geo.models import AdministrativeUnit
from ocop.traceability.enums import StampStatus
from ocop.traceability.identifiers import DigitalLink, normalise_gtin
from ocop.traceability.labels import stamp_link
from ocop.traceability.models import Batch, Event, Location, Stamp
from ocop.traceability.queries.batches import (
    access_batch,
    access_producer_for_batches,
    access_product_for_batches,
    batches_visible_to,
    events_of,
    filter_batches,
    inputs_of,
    locations_visible_to,
    producers_kept_by,
    shipments_of,
    with_list_columns,
)
from ocop.traceability.queries.journey import journey_rows
from ocop.traceability.queries.stamps import stamp_summary, stamps_of
from ocop.traceability.services.batches import (
    add_batch_input,
    change_batch_status,
    create_batch,
    create_location,
)
from ocop.traceability.services.stamps import change_stamp_status, issue_stamps
from ocop.traceability.services.steps import SHIPMENT_URN, record_step

router = Router(tags=["traceability"])


@contextmanager
def refusals_as_problems() -> Iterator[None]:
    """A refusal of the services answers its own status: 403 not allowed, 409 wrong state."""
    try:
        yield
    except Refusal as exc:
        raise Problem(exc.status, exc.text, kind=exc.kind) from None


# --- schemas --------------------------------------------------------------------------------


class TraceNamedRef(Schema):
    code: str
    name: str


class TraceBatchFiltersIn(Schema):
    status: str = Field(default="", max_length=10, description="open | closed | recalled")
    producer: str = Field(default="", max_length=20, description="A producer's code")
    product: str = Field(default="", max_length=20, description="A product's code")
    q: str = Field(
        default="", max_length=100, description="Lot, code, product or producer (no accents needed)"
    )


class TraceBatchRowOut(Schema):
    code: str
    lot: str
    product: TraceNamedRef
    producer: TraceNamedRef
    gtin: str
    produced_on: dt.date
    expires_on: dt.date | None
    quantity: Decimal
    unit: str
    location: str | None
    status: str
    digital_link: str
    url: str

    @staticmethod
    def resolve_product(obj: Batch) -> dict[str, str]:
        return {"code": obj.product.code, "name": obj.product.name}

    @staticmethod
    def resolve_producer(obj: Batch) -> dict[str, str]:
        return {"code": obj.producer.code, "name": obj.producer.name}

    @staticmethod
    def resolve_gtin(obj: Batch) -> str:
        return normalise_gtin(obj.product.gtin) if obj.product.gtin else ""

    @staticmethod
    def resolve_location(obj: Batch) -> str | None:
        return obj.location.code if obj.location else None

    @staticmethod
    def resolve_digital_link(obj: Batch) -> str:
        if not obj.product.gtin:
            return ""
        return DigitalLink(normalise_gtin(obj.product.gtin), obj.lot).uri()

    @staticmethod
    def resolve_url(obj: Batch) -> str:
        return reverse("traceability:batch", kwargs={"code": obj.code})


class TraceInputOut(Schema):
    material: str
    input_batch: str | None
    supplier_name: str
    supplier_lot: str
    quantity: Decimal | None
    unit: str
    received_on: dt.date | None


class TraceShipmentOut(Schema):
    code: str
    buyer_name: str
    buyer_organisation: str | None
    destination: str
    destination_unit: str | None
    quantity: Decimal
    unit: str
    shipped_on: dt.date


class TraceStampCountsOut(Schema):
    issued: int
    active: int
    void: int
    scans: int


class TraceJourneyStepOut(Schema):
    step: str | None
    label: str
    at: dt.datetime
    event_type: str
    place: str
    quantity: str
    note: str
    event_id: str


class TraceBatchDetailBase(TraceBatchRowOut):
    note: str
    inputs: list[TraceInputOut]
    shipments: list[TraceShipmentOut]
    stamps: TraceStampCountsOut
    journey: list[TraceJourneyStepOut]


class TraceBatchIn(Schema):
    product: str = Field(max_length=20, description="The product's code")
    lot: str = Field(max_length=40)
    produced_on: dt.date
    expires_on: dt.date | None = None
    quantity: Decimal
    unit: str = Field(max_length=40)
    location: str = Field(default="", max_length=20, description="A place's code")
    note: str = Field(default="", max_length=2000)


class TraceStatusIn(Schema):
    status: str = Field(max_length=10, description="closed | recalled")
    reason: str = Field(default="", max_length=1000)


class TraceInputIn(Schema):
    input_batch: str = Field(default="", max_length=20, description="A platform batch's code")
    material: str = Field(default="", max_length=200)
    supplier_name: str = Field(default="", max_length=255)
    supplier_lot: str = Field(default="", max_length=40)
    quantity: Decimal | None = None
    unit: str = Field(default="", max_length=40)
    received_on: dt.date | None = None


class TraceIssueIn(Schema):
    count: int = Field(ge=1, description="How many stamps (at most OCOP_STAMPS_MAX_PER_ISSUE)")


class TraceStampOut(Schema):
    serial: str
    short_code: str
    status: str
    scan_count: int
    digital_link: str


class TraceStampFiltersIn(Schema):
    status: str = Field(default="", max_length=10, description="issued | active | void")
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


class TraceStampPageOut(Schema):
    count: int
    items: list[TraceStampOut]


class TraceIssuedOut(Schema):
    count: int
    stamps: list[TraceStampOut]


class TraceStampRangeIn(Schema):
    codes: list[str] = Field(
        default_factory=list,
        description="Short codes, serials or FIRST-LAST ranges (in the order of issue)",
    )
    every_issued: bool = Field(default=False, description="Every stamp not yet activated")
    reason: str = Field(default="", max_length=1000)


class TraceCountOut(Schema):
    count: int


class TraceShipmentIn(Schema):
    buyer_name: str = Field(default="", max_length=255)
    buyer_organisation: str = Field(default="", max_length=20, description="An organisation's code")
    destination: str = Field(default="", max_length=300)
    destination_unit: str = Field(default="", max_length=60, description="A commune's key")
    quantity: Decimal | None = None


class TraceStepIn(Schema):
    step: str = Field(max_length=20)
    at: dt.datetime = Field(description="When; without an offset, Hà Nội time")
    location: str = Field(default="", max_length=20, description="A place's code")
    quantity: Decimal | None = None
    note: str = Field(default="", max_length=500)
    shipment: TraceShipmentIn | None = None


class TraceEventOut(Schema):
    event_id: str
    hash: str
    event_type: str
    biz_step: str
    event_time: dt.datetime
    document: dict[str, Any]


class TraceStepOut(Schema):
    events: list[TraceEventOut]
    shipment: str | None


class TraceLocationIn(Schema):
    producer: str = Field(default="", max_length=20, description="Its producer's code")
    name: str = Field(max_length=200)
    kind: str = Field(max_length=12)
    address: str = Field(default="", max_length=300)
    unit: str = Field(default="", max_length=60, description="A commune's key")
    gln: str = Field(default="", max_length=20)


class TraceLocationOut(Schema):
    code: str
    name: str
    kind: str
    producer: TraceNamedRef
    address: str
    unit: str | None
    gln: str
    is_active: bool

    @staticmethod
    def resolve_producer(obj: Location) -> dict[str, str]:
        return {"code": obj.producer.code, "name": obj.producer.name}

    @staticmethod
    def resolve_unit(obj: Location) -> str | None:
        return obj.unit.key if obj.unit else None


# --- helpers --------------------------------------------------------------------------------


def _location(batch_producer_id: int | None, code: str) -> Location | None:
    if not code:
        return None
    place = Location.objects.filter(code=code).first()
    if place is None or (batch_producer_id is not None and place.producer_id != batch_producer_id):
        raise ValidationError(
            {"location": _("There is no place %(code)s of the producer.") % {"code": code}}
        )
    return place


def _unit(key: str, field: str) -> AdministrativeUnit | None:
    if not key:
        return None
    unit = AdministrativeUnit.objects.filter(key=key).first()
    if unit is None:
        raise ValidationError({field: _("There is no commune %(key)s.") % {"key": key}})
    return unit


def _organisation(code: str) -> Organisation | None:
    if not code:
        return None
    organisation = Organisation.objects.filter(code=code, is_active=True).first()
    if organisation is None:
        raise ValidationError(
            {"buyer_organisation": _("There is no organisation %(code)s.") % {"code": code}}
        )
    return organisation


def _detail(request: HttpRequest, code: str) -> Batch:
    batch = access_batch(request.auth, code)
    batch.inputs_list = [  # type: ignore[attr-defined]
        {
            "material": row.material,
            "input_batch": row.input_batch.code if row.input_batch else None,
            "supplier_name": row.supplier_name,
            "supplier_lot": row.supplier_lot,
            "quantity": row.quantity,
            "unit": row.unit,
            "received_on": row.received_on,
        }
        for row in inputs_of(batch)
    ]
    batch.shipments_list = [  # type: ignore[attr-defined]
        {
            "code": row.code,
            "buyer_name": row.buyer_name,
            "buyer_organisation": row.buyer_organisation.code if row.buyer_organisation else None,
            "destination": row.destination,
            "destination_unit": row.destination_unit.key if row.destination_unit else None,
            "quantity": row.quantity,
            "unit": row.unit,
            "shipped_on": row.shipped_on,
        }
        for row in shipments_of(batch)
    ]
    summary = stamp_summary(batch)
    batch.stamps_counts = {  # type: ignore[attr-defined]
        "issued": summary.issued,
        "active": summary.active,
        "void": summary.void,
        "scans": summary.scans,
    }
    batch.journey_rows = [  # type: ignore[attr-defined]
        {**row.__dict__, "step": str(row.step) if row.step else None, "label": row.label}
        for row in journey_rows(batch, list(events_of(batch)))
    ]
    return batch


class TraceBatchOut(TraceBatchDetailBase):
    @staticmethod
    def resolve_inputs(obj: Batch) -> list[dict[str, Any]]:
        return obj.inputs_list  # type: ignore[attr-defined]

    @staticmethod
    def resolve_shipments(obj: Batch) -> list[dict[str, Any]]:
        return obj.shipments_list  # type: ignore[attr-defined]

    @staticmethod
    def resolve_stamps(obj: Batch) -> dict[str, int]:
        return obj.stamps_counts  # type: ignore[attr-defined]

    @staticmethod
    def resolve_journey(obj: Batch) -> list[dict[str, Any]]:
        return obj.journey_rows  # type: ignore[attr-defined]


def _stamp_out(stamp: Stamp, lot: str) -> dict[str, Any]:
    return {
        "serial": stamp.serial,
        "short_code": stamp.short_code,
        "status": stamp.status,
        "scan_count": stamp.scan_count,
        "digital_link": stamp_link(stamp, lot),
    }


# --- batches --------------------------------------------------------------------------------


@router.get(
    "/batches", response=list[TraceBatchRowOut], summary="List the batches the caller may see"
)
@paginate(LimitOffsetPagination)
def list_batches(request: HttpRequest, filters: Query[TraceBatchFiltersIn]) -> QuerySet[Batch]:
    """Newest first."""
    queryset = filter_batches(batches_visible_to(request.auth), **filters.dict())
    return with_list_columns(queryset).order_by("-produced_on", "-pk")


@router.post("/batches", response={201: TraceBatchOut}, summary="Record a batch of a product")
def create(request: HttpRequest, payload: TraceBatchIn) -> Status:
    """The product gets a platform GTIN if it has none."""
    product = access_product_for_batches(request.auth, payload.product)
    data = payload.dict(exclude={"product"})
    data["location"] = _location(product.producer_id, payload.location)
    with refusals_as_problems():
        batch = create_batch(actor=request.auth, product=product, data=data)
    return Status(201, _detail(request, batch.code))


@router.get("/batches/{code}", response=TraceBatchOut, summary="One batch, its links and journey")
def batch_detail(request: HttpRequest, code: str) -> Batch:
    return _detail(request, code)


@router.post("/batches/{code}/status", response=TraceBatchOut, summary="Finish or recall the batch")
def status(request: HttpRequest, code: str, payload: TraceStatusIn) -> Batch:
    batch = access_batch(request.auth, code, write=True)
    with refusals_as_problems():
        change_batch_status(
            actor=request.auth, batch=batch, to=payload.status, reason=payload.reason
        )
    return _detail(request, code)


@router.post(
    "/batches/{code}/inputs", response={201: TraceBatchOut}, summary="Add an input (one step back)"
)
def add_input(request: HttpRequest, code: str, payload: TraceInputIn) -> Status:
    batch = access_batch(request.auth, code, write=True)
    with refusals_as_problems():
        add_batch_input(actor=request.auth, batch=batch, data=payload.dict())
    return Status(201, _detail(request, code))


# --- stamps ---------------------------------------------------------------------------------


@router.get(
    "/batches/{code}/stamps",
    response=TraceStampPageOut,
    summary="The batch's stamps, in issue order",
)
def list_stamps(
    request: HttpRequest, code: str, filters: Query[TraceStampFiltersIn]
) -> dict[str, Any]:
    """`status` narrows them (issued, active, void); `limit` (at most 1000) and `offset` page."""
    batch = access_batch(request.auth, code)
    queryset = stamps_of(batch, status=filters.status or None)
    page = queryset[filters.offset : filters.offset + filters.limit]
    return {
        "count": queryset.count(),
        "items": [_stamp_out(stamp, batch.lot) for stamp in page],
    }


@router.post("/batches/{code}/stamps", response={201: TraceIssuedOut}, summary="Issue stamps")
def issue(request: HttpRequest, code: str, payload: TraceIssueIn) -> Status:
    batch = access_batch(request.auth, code, write=True)
    with refusals_as_problems():
        stamps = issue_stamps(actor=request.auth, batch=batch, count=payload.count)
    return Status(
        201, {"count": len(stamps), "stamps": [_stamp_out(stamp, batch.lot) for stamp in stamps]}
    )


def _change(request: HttpRequest, code: str, payload: TraceStampRangeIn, to: str) -> dict[str, int]:
    batch = access_batch(request.auth, code, write=True)
    with refusals_as_problems():
        count = change_stamp_status(
            actor=request.auth,
            batch=batch,
            to=to,
            codes=payload.codes,
            every_issued=payload.every_issued,
            reason=payload.reason,
        )
    return {"count": count}


@router.post(
    "/batches/{code}/stamps/activate", response=TraceCountOut, summary="Activate a range of stamps"
)
def activate(request: HttpRequest, code: str, payload: TraceStampRangeIn) -> dict[str, int]:
    return _change(request, code, payload, StampStatus.ACTIVE)


@router.post(
    "/batches/{code}/stamps/void", response=TraceCountOut, summary="Void a range of stamps"
)
def void(request: HttpRequest, code: str, payload: TraceStampRangeIn) -> dict[str, int]:
    return _change(request, code, payload, StampStatus.VOID)


# --- steps ----------------------------------------------------------------------------------


@router.post(
    "/batches/{code}/steps",
    response={201: TraceStepOut},
    summary="Record a step; the platform writes the EPCIS 2.0 event",
)
def step(request: HttpRequest, code: str, payload: TraceStepIn) -> Status:
    batch = access_batch(request.auth, code, write=True)
    at = payload.at
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    shipment_data = None
    if payload.shipment is not None:
        shipment_data = {
            "buyer_name": payload.shipment.buyer_name,
            "buyer_organisation": _organisation(payload.shipment.buyer_organisation),
            "destination": payload.shipment.destination,
            "destination_unit": _unit(payload.shipment.destination_unit, "destination_unit"),
            "quantity": payload.shipment.quantity,
            "unit": batch.unit,
        }
    with refusals_as_problems():
        events = record_step(
            actor=request.auth,
            batch=batch,
            step=payload.step,
            at=at,
            location=_location(batch.producer_id, payload.location),
            quantity=payload.quantity,
            note=payload.note,
            shipment_data=shipment_data,
        )
    return Status(
        201, {"events": [_event_out(event) for event in events], "shipment": _shipment_of(events)}
    )


def _shipment_of(events: list[Event]) -> str | None:
    """The code of the shipment a shipping step made (its despatch advice in the event)."""
    for event in events:
        document = event.document if isinstance(event.document, dict) else {}
        for entry in document.get("bizTransactionList") or []:
            value = str(entry.get("bizTransaction", ""))
            if value.startswith(SHIPMENT_URN):
                return value[len(SHIPMENT_URN) :]
    return None


def _event_out(event: Event) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "hash": event.hash,
        "event_type": event.event_type,
        "biz_step": event.biz_step,
        "event_time": event.event_time,
        "document": event.document if isinstance(event.document, dict) else {},
    }


# --- places ---------------------------------------------------------------------------------


@router.get("/locations", response=list[TraceLocationOut], summary="The places the caller may see")
@paginate(LimitOffsetPagination)
def list_locations(request: HttpRequest) -> QuerySet[Location]:
    return (
        locations_visible_to(request.auth)
        .select_related("producer", "unit")
        .order_by("producer__name", "name", "pk")
    )


@router.post("/locations", response={201: TraceLocationOut}, summary="Add a place of a producer")
def add_location(request: HttpRequest, payload: TraceLocationIn) -> Status:
    """`producer` may be left out by a user who keeps one producer only."""
    if payload.producer:
        producer = access_producer_for_batches(request.auth, payload.producer)
    else:
        kept = list(producers_kept_by(request.auth)[:2])
        if len(kept) != 1:
            raise ValidationError({"producer": _("Give the producer's code.")})
        producer = kept[0]
    data = payload.dict(exclude={"producer"})
    data["unit"] = _unit(payload.unit, "unit")
    with refusals_as_problems():
        location = create_location(actor=request.auth, producer=producer, data=data)
    return Status(201, location)
