"""Objects of the traceability app for the authorisation matrix (see tests/security/world.py).

Producer A keeps a place and an open batch of product A (editable: the most revealing state)
with one input, one issued stamp (so the label sheet prints) and one EPCIS event captured by
producer A's owner (its capture job is theirs)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from tests.factories.traceability import (
    BatchFactory,
    BatchInputFactory,
    CaptureJobFactory,
    EventFactory,
    LocationFactory,
    StampFactory,
    gtin14,
)

from .. import matrix as m


def build(world: Any) -> None:
    """Add this app's objects to world.objects (producer A's, commune A's, the world council's)."""
    producer = world.producer_a
    location = LocationFactory(producer=producer, name="Xưởng gốm Bát Tràng")
    batch = BatchFactory(product=world.product_a, location=location, lot="MX-2026-01")
    job = CaptureJobFactory(producer=producer, captured_by=world.user(m.PRODUCER_A))
    world.objects["trace_location"] = location
    world.objects["trace_batch"] = batch
    world.objects["trace_input"] = BatchInputFactory(batch=batch, material="Đất sét trắng")
    world.objects["trace_stamp"] = StampFactory(batch=batch)
    world.objects["trace_job"] = job
    world.objects["trace_event"] = EventFactory(
        batch=batch,
        job=job,
        event_id=f"urn:uuid:{uuid.uuid4()}",
        event_time=dt.datetime(2026, 10, 20, 8, 30, tzinfo=dt.UTC),
    )
    world.objects["trace_gtin"] = gtin14(world.product_a)
