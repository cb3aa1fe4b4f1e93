"""The CBV 2.0 event hash: stable, blind to how an event is written (order of keys and lists,
time zone, URN or Digital Link, bare word or URI, CURIE or full URI), different when anything
the event says changes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ocop.traceability.services.event_hash import event_hash, hash_timestamp, prehash

PREFIXES = {"example": "http://ns.example.com/epcis/"}


def event() -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventTime": "2005-04-03T20:33:31.116-06:00",
        "eventTimeZoneOffset": "-06:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "epcList": [
            "urn:epc:id:sgtin:0614141.107346.2017",
            "urn:epc:id:sgtin:0614141.107346.2018",
        ],
        "quantityList": [
            {
                "epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                "quantity": 200,
                "uom": "KGM",
            },
            {"epcClass": "urn:epc:idpat:sgtin:4012345.098765.*", "quantity": 10},
        ],
        "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"},
        "bizTransactionList": [
            {"type": "po", "bizTransaction": "http://transaction.acme.com/po/12345678"},
            {"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:0614141073467:1152"},
        ],
        "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:0614141.00777"}],
        "example:myField": "Example of a vendor/user extension",
    }


def test_the_pre_hash_string_is_as_the_algorithm_writes_it():
    assert prehash(event(), PREFIXES) == (
        "eventType=ObjectEvent"
        "eventTime=2005-04-04T02:33:31.116Z"
        "eventTimeZoneOffset=-06:00"
        "epcList"
        "epc=https://id.gs1.org/01/10614141073464/21/2017"
        "epc=https://id.gs1.org/01/10614141073464/21/2018"
        "quantityList"
        "quantityElementepcClass=https://id.gs1.org/01/04012345123456/10/998877quantity=200uom=KGM"
        "quantityElementepcClass=https://id.gs1.org/01/04012345987652quantity=10"
        "action=OBSERVE"
        "bizStep=https://ref.gs1.org/cbv/BizStep-shipping"
        "disposition=https://ref.gs1.org/cbv/Disp-in_transit"
        "readPointid=https://id.gs1.org/414/0614141073467/254/1234"
        "bizTransactionList"
        "bizTransaction=http://transaction.acme.com/po/12345678type=https://ref.gs1.org/cbv/BTT-po"
        "bizTransaction=urn:epcglobal:cbv:bt:0614141073467:1152type=https://ref.gs1.org/cbv/BTT-desadv"
        "sourceList"
        "source=https://id.gs1.org/417/0614141007776type=https://ref.gs1.org/cbv/SDT-owning_party"
        "{http://ns.example.com/epcis/}myField=Example of a vendor/user extension"
    )


def test_the_hash_is_a_named_information_uri_and_stable():
    first = event_hash(event(), PREFIXES)

    assert first == event_hash(event(), PREFIXES)
    assert first.startswith("ni:///sha-256;") and first.endswith("?ver=CBV2.0")
    assert len(first) == len("ni:///sha-256;") + 64 + len("?ver=CBV2.0")


def _same(**changes: Any) -> dict[str, Any]:
    changed = event()
    changed.update(changes)
    return changed


SAME = {
    "keys in another order": dict(reversed(list(event().items()))),
    "lists in another order": _same(
        epcList=list(reversed(event()["epcList"])),
        quantityList=list(reversed(event()["quantityList"])),
        bizTransactionList=list(reversed(event()["bizTransactionList"])),
    ),
    "time in UTC": _same(eventTime="2005-04-04T02:33:31.116Z"),
    "time with microseconds": _same(eventTime="2005-04-03T20:33:31.116000-06:00"),
    "Digital Links instead of URNs": _same(
        epcList=[
            "https://id.gs1.org/01/10614141073464/21/2017",
            "https://example.com/shop/01/10614141073464/10/LOT9/21/2018?17=261231",
        ],
        readPoint={"id": "https://example.com/414/0614141073467/254/1234"},
    ),
    "CBV as URIs and CURIEs": _same(
        bizStep="https://ref.gs1.org/cbv/BizStep-shipping",
        disposition="cbv:Disp-in_transit",
    ),
    "CBV 1.x URN": _same(bizStep="urn:epcglobal:cbv:bizstep:shipping"),
    "quantity written 200.0": _same(
        quantityList=[
            {
                "epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                "quantity": 200.0,
                "uom": "KGM",
            },
            {"epcClass": "urn:epc:idpat:sgtin:4012345.098765.*", "quantity": 10},
        ]
    ),
    "eventID, recordTime and a comment": _same(
        eventID="urn:uuid:0b7f3c2e-8d2a-4d6f-9f52-2b1c3a4d5e6f",
        recordTime="2026-01-01T00:00:00Z",
        **{"rdfs:comment": "a comment"},
    ),
}


@pytest.mark.parametrize("other", list(SAME.values()), ids=list(SAME))
def test_the_same_event_written_otherwise_has_the_same_hash(other):
    assert event_hash(other, PREFIXES) == event_hash(event(), PREFIXES)


def test_an_extension_written_as_a_full_uri_is_the_same():
    other = event()
    other["http://ns.example.com/epcis/myField"] = other.pop("example:myField")

    assert event_hash(other, {}) == event_hash(event(), PREFIXES)


def _changed(**changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(event())
    changed.update(changes)
    return changed


DIFFERENT = {
    "a millisecond later": _changed(eventTime="2005-04-03T20:33:31.117-06:00"),
    "another serial": _changed(epcList=["urn:epc:id:sgtin:0614141.107346.2017"]),
    "another step": _changed(bizStep="receiving"),
    "another quantity": _changed(
        quantityList=[
            {
                "epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                "quantity": 201,
                "uom": "KGM",
            },
            {"epcClass": "urn:epc:idpat:sgtin:4012345.098765.*", "quantity": 10},
        ]
    ),
    "a field added": _changed(bizLocation={"id": "urn:epc:id:sgln:0614141.00888.0"}),
    "a field removed": {k: v for k, v in event().items() if k != "disposition"},
    "an extension changed": _changed(**{"example:myField": "other"}),
    "an ILMD": _changed(ilmd={"example:bestBefore": "2026-01-01"}),
    "an error declaration": _changed(
        errorDeclaration={"declarationTime": "2020-01-01T00:00:00Z", "reason": "incorrect_data"}
    ),
    "another offset": _changed(eventTimeZoneOffset="-05:00"),
    "another type": _changed(type="TransactionEvent"),
}


@pytest.mark.parametrize("other", list(DIFFERENT.values()), ids=list(DIFFERENT))
def test_any_change_changes_the_hash(other):
    assert event_hash(other, PREFIXES) != event_hash(event(), PREFIXES)


@pytest.mark.parametrize(
    ("written", "hashed"),
    [
        ("2023-01-18T11:04:03.1415Z", "2023-01-18T11:04:03.142Z"),
        ("2023-01-18T11:04:03.1414Z", "2023-01-18T11:04:03.141Z"),
        ("2023-01-18T11:04:03.9996Z", "2023-01-18T11:04:04.000Z"),
        ("2023-01-18T11:04:03Z", "2023-01-18T11:04:03.000Z"),
        ("2023-01-18T08:04:03.5+07:00", "2023-01-18T01:04:03.500Z"),
    ],
)
def test_timestamps_are_utc_with_milliseconds(written, hashed):
    assert hash_timestamp(written) == hashed


def test_sensor_data_and_persistent_disposition_are_hashed_in_order():
    sensor = {
        "type": "ObjectEvent",
        "eventTime": "2019-04-02T14:05:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "epcList": ["urn:epc:id:sgtin:4012345.011111.9876"],
        "persistentDisposition": {
            "set": ["completeness_verified"],
            "unset": ["completeness_inferred"],
        },
        "sensorElementList": [
            {
                "sensorMetadata": {
                    "time": "2019-04-02T13:05:00.000Z",
                    "deviceID": "urn:epc:id:giai:4000001.111",
                },
                "sensorReport": [
                    {"type": "Temperature", "value": 26.0, "uom": "CEL"},
                    {"type": "gs1:AbsoluteHumidity", "value": 12.1, "uom": "A93"},
                ],
            }
        ],
    }

    text = prehash(sensor)

    assert text.endswith(
        "persistentDisposition"
        "set=https://ref.gs1.org/cbv/Disp-completeness_verified"
        "unset=https://ref.gs1.org/cbv/Disp-completeness_inferred"
        "sensorElementList"
        "sensorElement"
        "sensorMetadatatime=2019-04-02T13:05:00.000ZdeviceID=https://id.gs1.org/8004/4000001111"
        "sensorReporttype=https://gs1.org/voc/AbsoluteHumidityvalue=12.1uom=A93"
        "sensorReporttype=https://gs1.org/voc/Temperaturevalue=26uom=CEL"
    )
