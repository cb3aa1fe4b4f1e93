"""Every EPCIS 2.0 example document GS1 publishes (../shared/gs1/epcis/examples, subfolders
included) is captured, and each of its events is found again through GET /epcis/events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from ocop.traceability.models import CaptureJob, Event
from ocop.traceability.services.epcis import capture_document, event_list
from ocop.traceability.services.event_hash import context_prefixes, event_hash

EXAMPLES = Path(settings.REPO_DIR).parent / "shared" / "gs1" / "epcis" / "examples"
FILES = sorted(EXAMPLES.rglob("*.jsonld")) if EXAMPLES.is_dir() else []

pytestmark = pytest.mark.skipif(
    not FILES, reason=f"GS1's example documents are not at {EXAMPLES} (../shared is missing)"
)

EPC_FIELDS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
CLASS_FIELDS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


def _query_for(event: dict[str, Any]) -> dict[str, str]:
    """The query that must find the event: by one of its EPCs, else by one of its classes,
    else by its business step, else by its read point."""
    for name in EPC_FIELDS:
        if event.get(name):
            return {"MATCH_anyEPC": event[name][0]}
    if event.get("parentID"):
        return {"MATCH_anyEPC": event["parentID"]}
    for name in CLASS_FIELDS:
        if event.get(name):
            return {"MATCH_anyEPCClass": event[name][0]["epcClass"]}
    if event.get("bizStep"):
        return {"EQ_bizStep": event["bizStep"]}
    return {"EQ_readPoint": event["readPoint"]["id"]}


def test_the_examples_are_there():
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(EXAMPLES)) for p in FILES])
def test_example_is_captured_and_queried_back(path, cast, client_for):
    raw = path.read_bytes()
    document = json.loads(raw)
    events, _pointer = event_list(document)
    assert events, "every example has events"

    job = capture_document(actor=cast.office, document=raw)

    assert job.status == "succeeded"
    assert job.errors == []
    assert job.event_count == len(events)
    prefixes = context_prefixes(document.get("@context"))
    hashes = {event_hash(event, prefixes) for event in events}
    assert job.stored_count == len(hashes)
    assert set(Event.objects.filter(job=job).values_list("hash", flat=True)) == hashes

    client = client_for(cast.office)
    for event in events:
        stored = Event.objects.get(hash=event_hash(event, prefixes))
        answer = client.get("/epcis/events", {**_query_for(event), "perPage": 500})
        assert answer.status_code == 200, answer.content
        found = answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        assert stored.event_id in {item["eventID"] for item in found}


@pytest.mark.parametrize("path", FILES[:3], ids=[p.name for p in FILES[:3]])
def test_example_captured_twice_stores_nothing_new(path, cast):
    raw = path.read_bytes()
    first = capture_document(actor=cast.office, document=raw)
    count = Event.objects.count()

    second = capture_document(actor=cast.office, document=raw)

    assert first.stored_count == count
    assert (second.status, second.stored_count, second.event_count) == (
        "succeeded",
        0,
        first.event_count,
    )
    assert Event.objects.count() == count
    assert CaptureJob.objects.count() == 2
