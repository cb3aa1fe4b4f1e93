"""A batch's journey in words (the batch page and the API): each EPCIS event of the batch as a
step people read — what (the form's step, or the bizStep as written), when (Hà Nội time), where
(the producer's place by name, else the identifier), how much, and the note of the form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ocop.traceability.enums import Step
from ocop.traceability.models import Batch, Event, Location
from ocop.traceability.services.steps import VOCAB_PREFIX, location_uri, step_of


@dataclass(frozen=True)
class JourneyRow:
    step: Step | None
    label: str
    at: dt.datetime
    event_type: str
    place: str
    quantity: str
    note: str
    event_id: str


def _label(biz_step: str, step: Step | None) -> str:
    if step is not None:
        return str(step.label)
    text = biz_step.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return text.removeprefix("BizStep-").replace("_", " ") or "–"


# UN/ECE codes of `uom` → the unit people write.
UNITS = {"KGM": "kg", "GRM": "g", "TNE": "t", "LTR": "l", "MLT": "ml"}


def _quantity(document: dict[str, Any], unit: str) -> str:
    """The first quantity of the event (output, then plain list), as "12,5 kg"; a count (no
    `uom`) is in the batch's unit."""
    for key in ("outputQuantityList", "quantityList", "childQuantityList"):
        for element in document.get(key) or []:
            amount = element.get("quantity")
            if amount is None:
                continue
            text = f"{amount:g}".replace(".", ",") if isinstance(amount, float) else str(amount)
            uom = element.get("uom")
            return f"{text} {UNITS.get(uom, uom) if uom else unit}".strip()
    epcs = document.get("epcList") or document.get("outputEPCList") or []
    return str(len(epcs)) if epcs else ""


def places_of(batch: Batch) -> dict[str, str]:
    """Identifier → name of the producer's places (one query)."""
    return {
        location_uri(place): place.name
        for place in Location.objects.filter(producer=batch.producer)
    }


def journey_rows(batch: Batch, events: list[Event]) -> list[JourneyRow]:
    places = places_of(batch) if events else {}
    rows = []
    for event in events:
        document = event.document if isinstance(event.document, dict) else {}
        step = step_of(event.biz_step)
        where = event.biz_location or event.read_point
        rows.append(
            JourneyRow(
                step=step,
                label=_label(event.biz_step, step),
                at=timezone.localtime(event.event_time),
                event_type=event.event_type,
                place=places.get(where, where),
                quantity=_quantity(document, batch.unit),
                note=str(document.get(f"{VOCAB_PREFIX}:note", "")),
                event_id=event.event_id,
            )
        )
    return rows
