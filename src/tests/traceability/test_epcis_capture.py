"""capture_document: what is stored, idempotence, all or nothing, every refusal with its problem
details, the batch links and the producer guard; the documents written back."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ocop.core.models import ActivityLog
from ocop.traceability.enums import CaptureStatus, StampStatus
from ocop.traceability.identifiers import normalise_gtin
from ocop.traceability.models import CaptureJob, Event, EventEPC
from ocop.traceability.services.epcis import (
    STANDARD_CONTEXT,
    TOO_LARGE,
    VALIDATION,
    CaptureError,
    _validator,
    batch_events_document,
    capture_document,
    events_document,
)
from ocop.traceability.services.event_hash import event_hash
from tests.factories.traceability import BatchFactory, StampFactory, vn_gtin


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the msgids); Vietnamese is the default."""
    with translation.override("en"):
        yield


EVENTS = "/epcisBody/eventList"


def document(*events: dict[str, Any], context: list[Any] | None = None) -> dict[str, Any]:
    return {
        "@context": [STANDARD_CONTEXT, *(context or [])],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-10-20T08:00:00+07:00",
        "epcisBody": {"eventList": list(events)},
    }


def shipping(**fields: Any) -> dict[str, Any]:
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-10-20T08:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "epcList": ["urn:epc:id:sgtin:8931234.056789.A001"],
        "readPoint": {"id": "urn:epc:id:sgln:8931234.00001.0"},
    }
    event.update(fields)
    return event


def as_bytes(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")


def refusal(data: Any, **kwargs: Any) -> CaptureError:
    with pytest.raises(CaptureError) as caught:
        capture_document(document=data, **kwargs)
    return caught.value


# --- what is stored ----------------------------------------------------------------------------


def test_capture_stores_the_event_its_columns_and_identifiers(cast):
    event = shipping(
        bizLocation={"id": "https://shop.example.vn/414/8931234000011"},
        quantityList=[
            {"epcClass": "urn:epc:class:lgtin:8931234.056789.L1", "quantity": 2, "uom": "KGM"}
        ],
    )

    job = capture_document(actor=cast.office, document=as_bytes(document(event)))

    assert (job.status, job.event_count, job.stored_count) == (CaptureStatus.SUCCEEDED, 1, 1)
    assert job.finished_at is not None
    assert job.size_bytes == len(as_bytes(document(event)))
    stored = Event.objects.get()
    assert stored.hash == event_hash(event)
    assert stored.event_id == stored.hash  # the event had no eventID
    assert stored.document["eventID"] == stored.hash
    assert (stored.event_type, stored.action, stored.biz_step, stored.disposition) == (
        "ObjectEvent",
        "OBSERVE",
        "shipping",
        "in_transit",
    )
    assert stored.event_time == dt.datetime(2026, 10, 20, 1, 30, tzinfo=dt.UTC)
    assert stored.event_time_zone_offset == "+07:00"
    assert stored.read_point == "https://id.gs1.org/414/8931234000011"
    assert stored.biz_location == "https://id.gs1.org/414/8931234000011"
    assert sorted(EventEPC.objects.values_list("epc", "role")) == [
        ("https://id.gs1.org/01/08931234567897/10/L1", "quantity"),
        ("https://id.gs1.org/01/08931234567897/21/A001", "epc"),
    ]
    assert stored.batch is None and stored.producer is None  # no platform batch named
    assert ActivityLog.objects.filter(action="traceability.capturejob.capture").count() == 1


def test_a_document_built_by_a_form_is_captured_too(cast):
    job = capture_document(actor=cast.office, document=document(shipping()))

    assert (job.stored_count, job.size_bytes) == (1, 0)


def test_an_epcis_query_document_is_captured(cast):
    query = {
        "@context": [STANDARD_CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-10-20T08:00:00+07:00",
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": {"eventList": [shipping(), shipping(bizStep="receiving")]},
            }
        },
    }

    assert capture_document(actor=cast.office, document=query).stored_count == 2


def test_the_extension_prefixes_travel_with_the_event(cast):
    context = [{"ocop": "https://ocop.example.vn/voc/"}]
    event = shipping(
        action="ADD", bizStep="commissioning", **{"ocop:grade": "A", "ilmd": {"ocop:day": "1"}}
    )

    capture_document(actor=cast.office, document=document(event, context=context))

    stored = Event.objects.get()
    assert stored.document["@context"] == context
    assert stored.hash == event_hash(event, {"ocop": "https://ocop.example.vn/voc/"})


# --- idempotence -------------------------------------------------------------------------------


def test_the_same_events_written_otherwise_are_not_stored_again(cast):
    first = shipping(
        epcList=["urn:epc:id:sgtin:8931234.056789.A001", "urn:epc:id:sgtin:8931234.056789.A002"]
    )
    again = {
        # Another key order, Digital Links on another domain, UTC, the CBV URI, the list reversed.
        "readPoint": {"id": "https://example.vn/414/8931234000011"},
        "epcList": [
            "https://example.vn/01/08931234567897/21/A002",
            "https://example.vn/01/8931234567897/10/L1/21/A001",
        ],
        "disposition": "https://ref.gs1.org/cbv/Disp-in_transit",
        "bizStep": "cbv:BizStep-shipping",
        "action": "OBSERVE",
        "eventTimeZoneOffset": "+07:00",
        "eventTime": "2026-10-20T01:30:00.000Z",
        "type": "ObjectEvent",
    }
    capture_document(actor=cast.office, document=document(first))

    job = capture_document(actor=cast.office, document=document(again))

    assert (job.status, job.event_count, job.stored_count) == (CaptureStatus.SUCCEEDED, 1, 0)
    assert Event.objects.count() == 1


def test_an_event_repeated_inside_a_document_is_stored_once(cast):
    job = capture_document(actor=cast.office, document=document(shipping(), shipping()))

    assert (job.event_count, job.stored_count) == (2, 1)


def test_a_new_event_next_to_known_ones_is_stored_alone(cast):
    capture_document(actor=cast.office, document=document(shipping()))

    job = capture_document(
        actor=cast.office, document=document(shipping(), shipping(bizStep="receiving"))
    )

    assert job.stored_count == 1
    assert sorted(Event.objects.values_list("biz_step", flat=True)) == ["receiving", "shipping"]


# --- all or nothing ----------------------------------------------------------------------------


def test_one_bad_event_among_good_ones_stores_nothing(cast):
    bad = shipping(bizStep="making tea")
    data = document(shipping(), bad, shipping(bizStep="receiving"))

    error = refusal(data, actor=cast.office)

    assert Event.objects.count() == 0
    assert EventEPC.objects.count() == 0
    assert error.status == 400
    assert [(e["event"], e["field"]) for e in error.errors] == [(1, f"{EVENTS}/1/bizStep")]
    job = error.job
    assert job is not None and CaptureJob.objects.get() == job
    assert (job.status, job.stored_count) == (CaptureStatus.FAILED, 0)
    assert job.errors[0]["field"] == f"{EVENTS}/1/bizStep"
    assert ActivityLog.objects.filter(action="traceability.capturejob.reject").count() == 1


def test_every_error_is_reported_not_only_the_first(cast):
    data = document(
        shipping(eventID="urn:uuid:3b2c8f0e-1111-4222-8333-944455556666", bizStep="x y"),
        shipping(eventTime="2026-10-20T08:30:00"),
        shipping(epcList=["urn:epc:id:sgtin:bad"]),
    )

    error = refusal(data, actor=cast.office)

    assert [(e["event"], e["field"]) for e in error.errors] == [
        (0, f"{EVENTS}/0/bizStep"),
        (1, f"{EVENTS}/1/eventTime"),
        (2, f"{EVENTS}/2/epcList/0"),
    ]
    assert error.errors[0]["eventID"] == "urn:uuid:3b2c8f0e-1111-4222-8333-944455556666"
    assert "eventID" not in error.errors[1]
    assert error.detail == "3 errors were found; no event was stored."
    assert isinstance(error, ValidationError)
    assert set(error.message_dict) == {e["field"] for e in error.errors}


# --- refusals ----------------------------------------------------------------------------------

REFUSALS = [
    (
        "invalid EPC URI",
        {"epcList": ["urn:epc:id:sgtin:0614141.107346"]},
        "/epcList/0",
        "is not a valid EPC URI",
    ),
    (
        "unknown EPC scheme",
        {"epcList": ["urn:epc:id:tea:1.2"]},
        "/epcList/0",
        "is not a valid EPC URI",
    ),
    (
        "Digital Link with a wrong check digit",
        {"epcList": ["https://id.example.vn/01/08931234567890/21/A1"]},
        "/epcList/0",
        "The check digit of GTIN 08931234567890 is wrong: it should end in 7.",
    ),
    (
        "class with a wrong check digit",
        {"quantityList": [{"epcClass": "https://example.vn/01/8931234567891/10/L1"}]},
        "/quantityList/0/epcClass",
        "check digit",
    ),
    (
        "lot too long",
        {"quantityList": [{"epcClass": "https://example.vn/01/8931234567897/10/" + "L" * 21}]},
        "/quantityList/0/epcClass",
        "is not a valid lot number (AI 10)",
    ),
    ("not a URI", {"epcList": ["A001"]}, "/epcList/0", "is not an absolute URI"),
    (
        "bizStep neither CBV nor URI",
        {"bizStep": "making tea"},
        "/bizStep",
        "is neither a CBV business step",
    ),
    ("bizStep misspelt", {"bizStep": "shiping"}, "/bizStep", "is neither a CBV business step"),
    ("bizStep not in CBV", {"bizStep": "cbv:BizStep-brewing"}, "/bizStep", "is not a term of"),
    (
        "bizStep as a CBV 1 URN",
        {"bizStep": "urn:epcglobal:cbv:bizstep:shipping"},
        "/bizStep",
        "is a CBV 1.x URN",
    ),
    (
        "disposition neither CBV nor URI",
        {"disposition": "broken"},
        "/disposition",
        "is neither a CBV disposition",
    ),
    (
        "time without time zone",
        {"eventTime": "2026-10-20T08:30:00"},
        "/eventTime",
        "has no time zone",
    ),
    (
        "record time without time zone",
        {"recordTime": "2026-10-20T08:30:00.5"},
        "/recordTime",
        "has no time zone",
    ),
    ("not a time", {"eventTime": "20/10/2026 08:30"}, "/eventTime", "is not a date and time"),
    (
        "time zone offset malformed",
        {"eventTimeZoneOffset": "+7"},
        "/eventTimeZoneOffset",
        "is not a time zone offset",
    ),
    (
        "unknown field",
        {"bizstep": "shipping"},
        "/bizstep",
        "is not a field of this EPCIS object",
    ),
    (
        "action not EPCIS",
        {"action": "ADDED"},
        "/action",
        "is not one of the values allowed here",
    ),
    (
        "read point not a URI",
        {"readPoint": {"id": "warehouse 2"}},
        "/readPoint/id",
        "is not an absolute URI",
    ),
]


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_refusal_names_the_event_and_the_field(cast, change, pointer, message):
    error = refusal(document(shipping(**change)), actor=cast.office)

    assert len(error.errors) == 1, error.errors
    found = error.errors[0]
    assert (found["event"], found["field"]) == (0, f"{EVENTS}/0{pointer}")
    assert message in found["message"]
    assert (error.status, error.kind) == (400, VALIDATION)
    assert Event.objects.count() == 0


def test_missing_time_zone_offset_is_refused_in_plain_words(cast):
    event = shipping()
    del event["eventTimeZoneOffset"]

    error = refusal(document(event), actor=cast.office)

    assert [e["field"] for e in error.errors] == [f"{EVENTS}/0/eventTimeZoneOffset"]
    assert "eventTimeZoneOffset) is missing" in error.errors[0]["message"]


def test_an_event_without_what_is_refused(cast):
    event = shipping()
    del event["epcList"]

    error = refusal(document(event), actor=cast.office)

    assert [e["field"] for e in error.errors] == [f"{EVENTS}/0"]
    assert "None of the allowed forms matches" in error.errors[0]["message"]
    assert "quantityList" in error.errors[0]["message"]


def test_malformed_json_is_refused_with_its_position(cast):
    error = refusal(b'{"type": "EPCISDocument",\n "epcisBody": {]}', actor=cast.office)

    assert error.status == 400
    assert error.errors == [
        {
            "field": None,
            "message": "The document is not valid JSON: Expecting property name enclosed in "
            "double quotes at line 2, column 16 (character 41).",
        }
    ]
    assert error.job is not None and error.job.status == CaptureStatus.FAILED


def test_nan_is_not_a_json_number(cast):
    data = as_bytes(document(shipping())).replace(b'"OBSERVE"', b"NaN")

    error = refusal(data, actor=cast.office)

    assert error.errors[0]["message"] == "The document is not valid JSON: NaN is not a JSON number."


def test_not_json_bytes_are_refused(cast):
    error = refusal(b"\xff\xfe\x00garbage", actor=cast.office)

    assert error.errors[0]["message"].startswith("The document is not valid JSON")


@pytest.mark.parametrize(
    "data",
    [[shipping()], {"type": "ObjectEvent", **shipping()}, "just text"],
    ids=["list", "bare event", "string"],
)
def test_only_epcis_documents_are_captured(cast, data):
    error = refusal(as_bytes(data), actor=cast.office)

    assert error.status == 400
    assert Event.objects.count() == 0


def test_a_document_over_the_size_limit_is_refused_unread(cast, settings):
    settings.OCOP_EPCIS_MAX_MB = 0.001  # 1,048 bytes
    data = as_bytes(document(*[shipping(bizStep="receiving")] * 5))

    error = refusal(data, actor=cast.office)

    assert (error.status, error.kind) == (413, TOO_LARGE)
    assert f"has {len(data)} bytes, more than 0.001 MB" in error.errors[0]["message"]
    assert error.job.size_bytes == len(data)
    assert Event.objects.count() == 0


# --- batches, stamps and the producer guard ------------------------------------------------------


def _batch(producer_product: Any, number: int, lot: str = "L1") -> Any:
    product = producer_product
    product.gtin = vn_gtin(number)
    product.save(update_fields=["gtin"])
    return BatchFactory(product=product, lot=lot)


def test_an_event_naming_a_lot_is_linked_to_the_batch(cast):
    batch = _batch(cast.product1, 11, "L-11")
    gtin = normalise_gtin(cast.product1.gtin)
    event = shipping(
        epcList=[],
        quantityList=[{"epcClass": f"https://anywhere.example/01/{gtin}/10/L-11", "quantity": 5}],
    )

    capture_document(actor=cast.office, document=document(event))

    stored = Event.objects.get()
    assert (stored.batch, stored.producer) == (batch, cast.prod1)


def test_an_lgtin_urn_is_linked_to_the_batch_too(cast):
    batch = _batch(cast.product1, 12, "L12")
    event = shipping(
        epcList=[], quantityList=[{"epcClass": "urn:epc:class:lgtin:8931234.000012.L12"}]
    )

    capture_document(actor=cast.office, document=document(event))

    assert Event.objects.get().batch == batch


def test_a_serial_is_linked_through_its_stamp(cast):
    batch = _batch(cast.product1, 13, "L13")
    stamp = StampFactory(batch=batch, serial="S13", status=StampStatus.ACTIVE)

    capture_document(
        actor=cast.office,
        document=document(shipping(epcList=[f"urn:epc:id:sgtin:8931234.000013.{stamp.serial}"])),
    )

    assert Event.objects.get().batch == batch


def test_a_producer_cannot_record_a_step_of_another_producers_batch(cast):
    other = _batch(cast.product2, 14, "L14")
    event = shipping(
        epcList=[], quantityList=[{"epcClass": "urn:epc:class:lgtin:8931234.000014.L14"}]
    )

    error = refusal(document(shipping(), event), actor=cast.producer1, producer=cast.prod1)

    assert [(e["event"], e["field"]) for e in error.errors] == [
        (1, f"{EVENTS}/1/quantityList/0/epcClass")
    ]
    assert "another producer" in error.errors[0]["message"]
    assert Event.objects.count() == 0
    assert other.events.count() == 0


def test_a_producer_cannot_name_another_producers_stamp(cast):
    stamp = StampFactory(batch=_batch(cast.product2, 15, "L15"), serial="X15")

    error = refusal(
        document(shipping(epcList=[f"https://x.vn/01/{stamp.gtin}/21/X15"])),
        actor=cast.producer1,
        producer=cast.prod1,
    )

    assert error.errors[0]["field"] == f"{EVENTS}/0/epcList/0"


def test_another_producers_batch_may_be_an_input(cast):
    own = _batch(cast.product1, 16, "OUT16")
    supplier = _batch(cast.product2, 17, "IN17")
    event = {
        "type": "TransformationEvent",
        "eventTime": "2026-10-20T08:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "bizStep": "commissioning",
        "inputQuantityList": [{"epcClass": "urn:epc:class:lgtin:8931234.000017.IN17"}],
        "outputQuantityList": [{"epcClass": "urn:epc:class:lgtin:8931234.000016.OUT16"}],
    }

    capture_document(actor=cast.producer1, document=document(event), producer=cast.prod1)

    stored = Event.objects.get()
    assert (stored.batch, stored.producer) == (own, cast.prod1)
    assert supplier.events.count() == 0


def test_a_producers_event_without_a_platform_batch_is_the_producers(cast):
    capture_document(actor=cast.producer1, document=document(shipping()), producer=cast.prod1)

    stored = Event.objects.get()
    assert (stored.batch, stored.producer, stored.job.producer) == (None, cast.prod1, cast.prod1)


def test_the_office_may_record_any_producers_batch(cast):
    batch = _batch(cast.product2, 18, "L18")
    event = shipping(
        epcList=[], quantityList=[{"epcClass": "urn:epc:class:lgtin:8931234.000018.L18"}]
    )

    capture_document(actor=cast.office, document=document(event))

    stored = Event.objects.get()
    assert (stored.batch, stored.producer) == (batch, cast.prod2)


# --- documents out -----------------------------------------------------------------------------


def test_events_document_is_a_valid_epcis_document(cast):
    context = [{"ocop": "https://ocop.example.vn/voc/"}]
    capture_document(
        actor=cast.office,
        document=document(
            shipping(**{"ocop:grade": "A"}), shipping(bizStep="receiving"), context=context
        ),
    )

    out = events_document(Event.objects.order_by("event_time", "pk"))

    assert list(_validator().iter_errors(out)) == []
    assert out["@context"] == [STANDARD_CONTEXT, {"ocop": "https://ocop.example.vn/voc/"}]
    events = out["epcisBody"]["eventList"]
    assert [e["bizStep"] for e in events] == ["shipping", "receiving"]
    assert all("@context" not in e for e in events)
    assert all(e["eventID"].startswith("ni:///sha-256;") for e in events)
    assert all(e["recordTime"].endswith("Z") for e in events)
    assert events[0]["ocop:grade"] == "A"


def test_batch_events_document_lists_the_batch_journey_oldest_first(cast):
    batch = _batch(cast.product1, 19, "L19")
    klass = "urn:epc:class:lgtin:8931234.000019.L19"
    later = shipping(
        epcList=[], quantityList=[{"epcClass": klass}], eventTime="2026-10-21T08:00:00+07:00"
    )
    earlier = copy.deepcopy(later) | {
        "bizStep": "commissioning",
        "action": "ADD",
        "eventTime": "2026-10-19T08:00:00+07:00",
    }
    capture_document(actor=cast.office, document=document(later, earlier, shipping()))

    out = batch_events_document(batch)

    assert [e["bizStep"] for e in out["epcisBody"]["eventList"]] == ["commissioning", "shipping"]
    assert list(_validator().iter_errors(out)) == []
