"""Traceability rows made directly (for the read side: the resolver, the trace page, scans, EPCIS
queries). Tests of the writing services go through `ocop.traceability.services` instead.

- `vn_gtin(n)`: a check-digit-valid GTIN-13 of GS1 Vietnam (prefix 893), different for each `n`.
- `with_gtin(product)`: the product, given a Vietnamese GTIN if it has none (saved directly).
- `LocationFactory`, `BatchFactory` (its product gets a GTIN), `BatchInputFactory`,
  `ShipmentFactory`, `StampFactory` (serial and short code unique; `status` issued by default:
  pass `status=StampStatus.ACTIVE`), `CaptureJobFactory`, `EventFactory` (an ObjectEvent of the
  batch, with its LGTIN Digital Link in `quantityList` and an `EventEPC` row for it).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from ocop.traceability.enums import (
    BatchStatus,
    CaptureStatus,
    EpcRole,
    LocationKind,
    StampStatus,
)
from ocop.traceability.identifiers import DigitalLink, check_digit, normalise_gtin
from ocop.traceability.models import (
    Batch,
    BatchInput,
    CaptureJob,
    Event,
    EventEPC,
    Location,
    Shipment,
    Stamp,
)

from .products import ProductFactory

VN_TZ = dt.timezone(dt.timedelta(hours=7))
_gtin_numbers = itertools.count(1)


def vn_gtin(number: int | None = None) -> str:
    """A valid GTIN-13 "893 1234 NNNNN C" (company prefix 8931234, item reference `number`)."""
    n = next(_gtin_numbers) if number is None else number
    body = f"8931234{n % 100000:05d}"
    return body + check_digit(body)


def with_gtin(product: Any) -> Any:
    """The product with a GTIN (a Vietnamese one if it had none)."""
    if not product.gtin:
        from ocop.products.models import Product

        while True:
            candidate = vn_gtin()
            if not Product.objects.filter(gtin=candidate).exists():
                break
        product.gtin = candidate
        product.save(update_fields=["gtin"])
    return product


def gtin14(product: Any) -> str:
    return normalise_gtin(with_gtin(product).gtin)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    producer = factory.SubFactory("tests.factories.producers.ProducerFactory")
    name = factory.Sequence(lambda n: f"Xưởng sản xuất {n}")
    kind = LocationKind.WORKSHOP
    address = factory.Sequence(lambda n: f"Thôn Đông, số {n}")
    unit = factory.SelfAttribute("producer.commune")
    gln = ""


class BatchFactory(factory.django.DjangoModelFactory):
    """A batch of a product (given a GTIN if it had none); `producer` is the product's."""

    class Meta:
        model = Batch

    product = factory.SubFactory(ProductFactory)
    producer = factory.SelfAttribute("product.producer")
    lot = factory.Sequence(lambda n: f"L2026-{n:04d}")
    produced_on = dt.date(2026, 10, 5)
    expires_on = dt.date(2027, 10, 5)
    quantity = Decimal("120")
    unit = "kg"
    location = None
    status = BatchStatus.OPEN

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        with_gtin(kwargs["product"])
        return super()._create(model_class, *args, **kwargs)


class BatchInputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BatchInput

    batch = factory.SubFactory(BatchFactory)
    input_batch = None
    material = factory.Sequence(lambda n: f"Nguyên liệu {n}")
    supplier_name = "Hợp tác xã Nguyên Liệu"
    supplier_lot = factory.Sequence(lambda n: f"NL{n:04d}")
    quantity = Decimal("50")
    unit = "kg"
    received_on = dt.date(2026, 10, 1)


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    batch = factory.SubFactory(BatchFactory)
    buyer_name = factory.Sequence(lambda n: f"Cửa hàng Đặc sản {n}")
    buyer_organisation = None
    destination = "Hà Nội"
    destination_unit = None
    quantity = Decimal("20")
    unit = "kg"
    shipped_on = dt.date(2026, 10, 20)


_serials = itertools.count(1)


class StampFactory(factory.django.DjangoModelFactory):
    """A stamp of a batch: `gtin` is the product's GTIN-14, the serial and short code unique."""

    class Meta:
        model = Stamp

    batch = factory.SubFactory(BatchFactory)
    gtin = factory.LazyAttribute(lambda o: gtin14(o.batch.product))
    serial = factory.LazyFunction(lambda: f"S{next(_serials):09d}")
    short_code = factory.LazyAttribute(lambda o: f"T{o.serial[-9:]}")
    status = StampStatus.ISSUED

    @factory.post_generation
    def dates(obj, create, extracted, **kwargs):
        """An active stamp has `activated_at`, a void one `voided_at`."""
        changed = []
        if obj.status in (StampStatus.ACTIVE, StampStatus.VOID) and obj.activated_at is None:
            obj.activated_at = timezone.now()
            changed.append("activated_at")
        if obj.status == StampStatus.VOID and obj.voided_at is None:
            obj.voided_at = timezone.now()
            changed.append("voided_at")
        if create and changed:
            obj.save(update_fields=changed)


def stamp_link(stamp: Stamp, base: str | None = None) -> str:
    """The stamp's Digital Link (with the lot), as printed on its label."""
    return DigitalLink(stamp.gtin, stamp.batch.lot, stamp.serial).uri(base)


class CaptureJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaptureJob

    status = CaptureStatus.SUCCEEDED
    finished_at = factory.LazyFunction(timezone.now)
    event_count = 1
    stored_count = 1


_hashes = itertools.count(1)


def _event_document(o: Any) -> dict[str, Any]:
    local = o.event_time.astimezone(VN_TZ)
    document: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": local.isoformat(timespec="milliseconds"),
        "eventTimeZoneOffset": "+07:00",
        "action": o.action,
        "bizStep": o.biz_step,
    }
    if o.batch is not None:
        document["quantityList"] = [
            {
                "epcClass": DigitalLink(gtin14(o.batch.product), o.batch.lot).uri(),
                "quantity": float(o.batch.quantity),
                "uom": "KGM",
            }
        ]
    if o.read_point:
        document["readPoint"] = {"id": o.read_point}
    if o.biz_location:
        document["bizLocation"] = {"id": o.biz_location}
    return document


class EventFactory(factory.django.DjangoModelFactory):
    """An ObjectEvent (OBSERVE, shipping by default) of `batch` (may be None), captured by a
    successful job; `document` is the event's JSON, and one `EventEPC` row names the batch's
    LGTIN Digital Link (role quantity)."""

    class Meta:
        model = Event

    job = factory.SubFactory(CaptureJobFactory)
    batch = factory.SubFactory(BatchFactory)
    producer = factory.LazyAttribute(lambda o: o.batch.producer if o.batch else None)
    hash = factory.LazyFunction(lambda: f"ni:///sha-256;{next(_hashes):064x}?ver=CBV2.0")
    event_id = factory.SelfAttribute("hash")
    event_type = "ObjectEvent"
    action = "OBSERVE"
    event_time = dt.datetime(2026, 10, 20, 8, 30, tzinfo=VN_TZ)
    event_time_zone_offset = "+07:00"
    biz_step = "shipping"
    disposition = ""
    read_point = ""
    biz_location = ""
    document = factory.LazyAttribute(_event_document)

    @factory.post_generation
    def epcs(obj, create, extracted, **kwargs):
        """`epcs=[(epc, role), …]` to name others; by default the batch's LGTIN."""
        if not create:
            return
        if extracted is not None:
            pairs = list(extracted)
        elif obj.batch is not None:
            pairs = [(DigitalLink(gtin14(obj.batch.product), obj.batch.lot).uri(), "quantity")]
        else:
            pairs = []
        EventEPC.objects.bulk_create(
            [EventEPC(event=obj, epc=epc, role=EpcRole(role)) for epc, role in pairs]
        )
