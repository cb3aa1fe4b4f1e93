"""The people's steps written as EPCIS 2.0 events: every document the builder writes validates
against GS1's JSON schema; `record_step` captures it through the one capture service (stored,
linked to the batch, idempotent), makes the shipment of a shipping step, and refuses bad input
with nothing stored."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from ocop.core.models import ActivityLog
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.traceability.enums import BatchStatus, StampStatus, Step
from ocop.traceability.identifiers import DigitalLink, normalise_gtin
from ocop.traceability.models import Event, EventEPC, Shipment
from ocop.traceability.services.steps import (
    BIZ_STEPS,
    build_step_document,
    location_uri,
    record_step,
    step_of,
    uom_of,
)
from tests.factories.traceability import (
    BatchFactory,
    BatchInputFactory,
    LocationFactory,
    StampFactory,
)

pytestmark = pytest.mark.django_db
SCHEMA = (
    Path(__file__).resolve().parents[2]
    / "ocop"
    / "traceability"
    / "data"
    / "EPCIS-JSON-Schema.json"
)
VN = dt.timezone(dt.timedelta(hours=7))
AT = dt.datetime(2026, 10, 20, 7, 30, tzinfo=VN)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def errors_of(validator, document) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


@pytest.fixture
def batch(cast):
    return BatchFactory(
        product=cast.product1,
        lot="L2026/10",
        quantity=Decimal("120.5"),
        unit="kg",
        produced_on=dt.date(2026, 10, 5),
        expires_on=dt.date(2027, 10, 5),
    )


def lgtin(batch) -> str:
    return DigitalLink(normalise_gtin(batch.product.gtin), batch.lot).uri()


# --- the builder ----------------------------------------------------------------------------


@pytest.mark.parametrize("step", Step.values)
def test_every_step_builds_a_valid_epcis_document(cast, batch, validator, step):
    place = LocationFactory(producer=cast.prod1)
    supplier = BatchFactory(product=cast.product2)
    inputs = [BatchInputFactory(batch=batch, input_batch=supplier, quantity=Decimal("3"))]
    shipment = Shipment(code="GHABCDEFG", buyer_organisation=cast.prod2.organisation)
    document = build_step_document(
        batch=batch,
        step=step,
        at=AT,
        location=place,
        quantity=Decimal("12.5"),
        note="Hái sáng sớm",
        shipment=shipment if step == Step.SHIPPING else None,
        inputs=inputs,
        stamp_links=["https://example.vn/01/08931234567897/21/ACDEF"]
        if step == "packing"
        else None,
    )
    assert errors_of(validator, document) == []
    event = document["epcisBody"]["eventList"][0]
    assert event["eventTime"] == "2026-10-20T07:30:00.000+07:00"
    assert event["eventTimeZoneOffset"] == "+07:00"
    assert event["bizStep"] == BIZ_STEPS[step]
    assert event["readPoint"] == {"id": f"urn:ocop:location:{place.code}"}
    assert event["ocop:note"] == "Hái sáng sớm"
    assert document["@context"][1] == {"ocop": "urn:ocop:voc:"}
    assert step_of(event["bizStep"]) == step


def test_the_identifiers_of_the_events(cast, batch):
    document = build_step_document(batch=batch, step=Step.COMMISSIONING, at=AT, quantity=None)
    event = document["epcisBody"]["eventList"][0]
    gtin = normalise_gtin(batch.product.gtin)
    assert event["type"] == "ObjectEvent" and event["action"] == "ADD"
    assert event["quantityList"] == [{"epcClass": f"{settings.SITE_URL}/01/{gtin}/10/L2026%2F10"}]
    assert event["ilmd"] == {"cbvmda:itemExpirationDate": "2027-10-05"}
    assert "readPoint" not in event


def test_processing_with_platform_inputs_is_a_transformation(cast, batch):
    lotus = BatchFactory(product=cast.product2, lot="SEN")
    outside = BatchInputFactory(batch=batch, input_batch=None)
    inner = BatchInputFactory(batch=batch, input_batch=lotus, quantity=Decimal("4"), unit="kg")
    document = build_step_document(
        batch=batch,
        step=Step.PROCESSING,
        at=AT,
        quantity=Decimal("100"),
        inputs=[outside, inner],
    )
    event = document["epcisBody"]["eventList"][0]
    assert event["type"] == "TransformationEvent"
    assert event["inputQuantityList"] == [{"epcClass": lgtin(lotus), "quantity": 4, "uom": "KGM"}]
    assert event["outputQuantityList"] == [
        {"epcClass": lgtin(batch), "quantity": 100, "uom": "KGM"}
    ]
    alone = build_step_document(batch=batch, step=Step.PROCESSING, at=AT, inputs=[outside])
    assert alone["epcisBody"]["eventList"][0]["type"] == "ObjectEvent"


def test_a_place_with_a_gln_is_its_digital_link(cast):
    place = LocationFactory(producer=cast.prod1, gln="8931234500009")
    assert location_uri(place) == "https://id.gs1.org/414/8931234500009"


@pytest.mark.parametrize(
    ("value", "step"),
    [
        ("shipping", Step.SHIPPING),
        ("https://ref.gs1.org/cbv/BizStep-retail_selling", Step.RETAIL_SELLING),
        ("urn:epcglobal:cbv:bizstep:receiving", Step.RECEIVING),
        ("cbv:BizStep-packing", Step.PACKING),
        ("urn:ocop:bizstep:harvesting", Step.HARVESTING),
        ("inspecting", None),
        ("", None),
    ],
)
def test_step_of_reads_every_form(value, step):
    assert step_of(value) == step


@pytest.mark.parametrize(
    ("unit", "uom"),
    [("kg", "KGM"), ("Kg.", "KGM"), ("gam", "GRM"), ("Lít", "LTR"), ("tấn", "TNE"), ("hộp", None)],
)
def test_units(unit, uom):
    assert uom_of(unit) == uom


def test_a_count_has_no_unit(cast, batch):
    batch.unit = "hộp"
    document = build_step_document(batch=batch, step=Step.PACKING, at=AT, quantity=Decimal("40"))
    element = document["epcisBody"]["eventList"][0]["quantityList"][0]
    assert element == {"epcClass": lgtin(batch), "quantity": 40}


# --- recording ------------------------------------------------------------------------------


def test_record_a_step(cast, batch):
    place = LocationFactory(producer=cast.prod1, name="Xưởng nung")
    events = record_step(
        actor=cast.producer1,
        batch=batch,
        step=Step.COMMISSIONING,
        at=AT,
        location=place,
        note="Mẻ đầu",
    )
    assert len(events) == 1
    event = Event.objects.get()
    assert (event.batch, event.producer, event.event_type, event.action) == (
        batch,
        cast.prod1,
        "ObjectEvent",
        "ADD",
    )
    assert step_of(event.biz_step) == Step.COMMISSIONING
    assert event.event_time == AT
    assert event.read_point == location_uri(place)
    assert event.hash.startswith("ni:///sha-256;")
    epcs = set(EventEPC.objects.filter(event=event).values_list("role", flat=True))
    assert "quantity" in epcs
    entry = ActivityLog.objects.get(action="traceability.batch.record_step")
    assert entry.data["step"] == "commissioning"
    assert entry.data["location"] == place.code


def test_the_same_step_twice_is_already_recorded(cast, batch):
    record_step(actor=cast.producer1, batch=batch, step=Step.HARVESTING, at=AT)
    with pytest.raises(ValidationError) as caught:
        record_step(actor=cast.producer1, batch=batch, step=Step.HARVESTING, at=AT)
    assert caught.value.message_dict == {
        "at": ["This step is already recorded with the same time, place and quantity."]
    }
    assert Event.objects.count() == 1
    later = AT + dt.timedelta(hours=1)
    record_step(actor=cast.producer1, batch=batch, step=Step.HARVESTING, at=later)
    assert Event.objects.count() == 2


def test_shipping_records_the_shipment(cast, batch):
    buyer = cast.buyer.memberships.get().organisation
    events = record_step(
        actor=cast.producer1,
        batch=batch,
        step=Step.SHIPPING,
        at=AT,
        quantity="20",
        shipment_data={
            "buyer_organisation": buyer,
            "destination_unit": cast.commune_b,
            "destination": "Kho Long Biên",
        },
    )
    shipment = Shipment.objects.get()
    assert (shipment.batch, shipment.buyer_name, shipment.quantity, shipment.shipped_on) == (
        batch,
        buyer.name,
        Decimal("20"),
        dt.date(2026, 10, 20),
    )
    document = events[0].document
    assert document["bizTransactionList"] == [
        {"type": "desadv", "bizTransaction": f"urn:ocop:shipment:{shipment.code}"}
    ]
    assert document["destinationList"] == [
        {"type": "owning_party", "destination": f"urn:ocop:organisation:{buyer.code}"}
    ]
    assert document["disposition"] == "in_transit"


def test_shipping_needs_a_buyer(cast, batch):
    with pytest.raises(ValidationError) as caught:
        record_step(actor=cast.producer1, batch=batch, step=Step.SHIPPING, at=AT)
    assert "buyer_name" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        record_step(
            actor=cast.producer1,
            batch=batch,
            step=Step.SHIPPING,
            at=AT,
            shipment_data={"buyer_name": "", "destination": "Hà Nội"},
        )
    assert "buyer_name" in caught.value.message_dict
    assert (Shipment.objects.count(), Event.objects.count()) == (0, 0)


def test_packing_names_the_active_stamps(cast, batch):
    active = [StampFactory(batch=batch, status=StampStatus.ACTIVE) for _ in range(3)]
    StampFactory(batch=batch)  # issued: not on a product yet
    StampFactory(batch=batch, status=StampStatus.VOID)
    events = record_step(actor=cast.producer1, batch=batch, step=Step.PACKING, at=AT)
    links = events[0].document["epcList"]
    assert links == [DigitalLink(s.gtin, batch.lot, s.serial).uri() for s in active]
    assert Event.objects.get().batch == batch


def test_processing_from_another_producers_batch_stays_this_batchs_step(cast, batch):
    lotus = BatchFactory(product=cast.product2, lot="SEN")
    BatchInputFactory(batch=batch, input_batch=lotus, quantity=Decimal("4"), unit="kg")
    events = record_step(actor=cast.producer1, batch=batch, step=Step.PROCESSING, at=AT)
    assert events[0].event_type == "TransformationEvent"
    assert Event.objects.get().batch == batch


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"step": "dancing"}, "step"),
        ({"at": None}, "at"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "x"}, "quantity"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_a_step_refused_stores_nothing(cast, batch, changes, field):
    arguments = {"actor": cast.producer1, "batch": batch, "step": Step.HARVESTING, "at": AT}
    arguments.update(changes)
    with pytest.raises(ValidationError) as caught:
        record_step(**arguments)
    assert field in caught.value.message_dict
    assert Event.objects.count() == 0


def test_no_step_in_the_future(cast, batch):
    with pytest.raises(ValidationError) as caught:
        record_step(
            actor=cast.producer1,
            batch=batch,
            step=Step.RECEIVING,
            at=timezone.now() + dt.timedelta(hours=1),
        )
    assert caught.value.message_dict == {"at": ["The step cannot be in the future."]}


def test_a_place_of_another_producer_or_out_of_use(cast, batch):
    for place in (
        LocationFactory(producer=cast.prod2),
        LocationFactory(producer=cast.prod1, is_active=False),
    ):
        with pytest.raises(ValidationError) as caught:
            record_step(
                actor=cast.producer1, batch=batch, step=Step.RECEIVING, at=AT, location=place
            )
        assert "location" in caught.value.message_dict
    assert Event.objects.count() == 0


def test_a_batch_of_another_producer_or_recalled(cast, batch):
    with pytest.raises(NotAllowed):
        record_step(actor=cast.producer2, batch=batch, step=Step.HARVESTING, at=AT)
    batch.status = BatchStatus.RECALLED
    batch.save()
    with pytest.raises(WrongState):
        record_step(actor=cast.producer1, batch=batch, step=Step.HARVESTING, at=AT)
    assert Event.objects.count() == 0


def test_a_naive_time_is_hanoi_time(cast, batch):
    events = record_step(
        actor=cast.producer1,
        batch=batch,
        step=Step.RECEIVING,
        at=dt.datetime(2026, 10, 21, 9, 0),  # noqa: DTZ001  (naive on purpose)
    )
    assert events[0].document["eventTime"] == "2026-10-21T09:00:00.000+07:00"
