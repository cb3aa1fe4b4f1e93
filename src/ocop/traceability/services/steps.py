"""The people's forms, written as EPCIS 2.0 events: `record_step`.

A producer records the usual steps of a batch with a few fields (date and time, place, quantity,
a note; for shipping, the buyer). The platform writes the EPCIS 2.0 event behind each
(`build_step_document`) and captures it through the one capture service
(`ocop.traceability.services.epcis.capture_document`), so that a step recorded on a form and an
event posted to `/epcis/capture` are the same thing: validated against GS1's schema, stored all
or nothing, idempotent by the CBV 2.0 event hash (the same step recorded twice is refused as
already recorded).

What each step writes (documented in docs/developer/traceability.md):

| step | event | action | bizStep | disposition |
|---|---|---|---|---|
| harvest | ObjectEvent | ADD | `urn:ocop:bizstep:harvesting` | active |
| production start | ObjectEvent | ADD | `commissioning` | active |
| processing | TransformationEvent (inputs: the platform batches of the inputs; output: the batch), ObjectEvent OBSERVE without such inputs | — | `urn:ocop:bizstep:transforming` | in_progress |
| packing | ObjectEvent (+ the active stamps' Digital Links in epcList) | OBSERVE | `packing` | in_progress |
| shipping | ObjectEvent (+ the shipment as a despatch advice, the buyer on the platform as destination) | OBSERVE | `shipping` | in_transit |
| receiving | ObjectEvent | OBSERVE | `receiving` | in_progress |
| sale | ObjectEvent | OBSERVE | `retail_selling` | retail_sold |

CBV 2.0 has no bizStep for a harvest nor for processing into a new lot; those two are URIs of
the platform's own vocabulary (`urn:ocop:…`, as GS1 allows "any URI"); `step_of(biz_step)` reads
any form back (bare word, `https://ref.gs1.org/cbv/BizStep-…`, `urn:epcglobal:cbv:bizstep:…`).

Identifiers: the batch is its LGTIN as a GS1 Digital Link on the platform's domain
(`{SITE_URL}/01/{gtin}/10/{lot}`) with the quantity in `quantityList` (the unit as a UN/ECE rec.
20 code when it is one of kg, g, t, l, ml; else a count); a stamp is its SGTIN Digital Link
(`…/10/{lot}/21/{serial}`). A place is `https://id.gs1.org/414/{gln}` when it has a GLN, else
`urn:ocop:location:{code}` (`location_uri`). Times are written in Hà Nội time with the +07:00
offset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action
from ocop.core.text import fold
from ocop.traceability.enums import StampStatus, Step
from ocop.traceability.identifiers import DigitalLink, normalise_gtin
from ocop.traceability.models import Batch, BatchInput, Event, Location, Shipment
from ocop.traceability.services.batches import (
    _text,
    add_shipment,
    ensure_gtin,
    parse_quantity,
    require_editable,
    require_keeper,
)
from ocop.traceability.services.trace_cache import forget_traces

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
VOCAB_PREFIX = "ocop"
VOCAB = "urn:ocop:voc:"  # the platform's extension properties: ocop:note
BIZSTEP_URN = "urn:ocop:bizstep:"
LOCATION_URN = "urn:ocop:location:"
SHIPMENT_URN = "urn:ocop:shipment:"
PARTY_URN = "urn:ocop:organisation:"
GLN_BASE = "https://id.gs1.org/414/"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOTE_MAX = 500
FUTURE_SLACK = dt.timedelta(minutes=5)  # a phone's clock a little ahead is not the future

BIZ_STEPS: dict[str, str] = {
    Step.HARVESTING: f"{BIZSTEP_URN}harvesting",
    Step.COMMISSIONING: "commissioning",
    Step.PROCESSING: f"{BIZSTEP_URN}transforming",
    Step.PACKING: "packing",
    Step.SHIPPING: "shipping",
    Step.RECEIVING: "receiving",
    Step.RETAIL_SELLING: "retail_selling",
}
DISPOSITIONS: dict[str, str] = {
    Step.HARVESTING: "active",
    Step.COMMISSIONING: "active",
    Step.PROCESSING: "in_progress",
    Step.PACKING: "in_progress",
    Step.SHIPPING: "in_transit",
    Step.RECEIVING: "in_progress",
    Step.RETAIL_SELLING: "retail_sold",
}
ADDING = frozenset({Step.HARVESTING, Step.COMMISSIONING})
# The forms of a CBV bizStep that `step_of` reads back to the bare word.
STEP_PREFIXES = (
    "https://ref.gs1.org/cbv/BizStep-",
    "http://ref.gs1.org/cbv/BizStep-",
    "https://gs1.org/voc/BizStep-",
    "urn:epcglobal:cbv:bizstep:",
    "cbv:BizStep-",
    BIZSTEP_URN,
)
# Units people type → UN/ECE Recommendation 20 codes (EPCIS `uom`); folded (no diacritics).
UOM: dict[str, str] = {
    "kg": "KGM",
    "kilogram": "KGM",
    "kilogam": "KGM",
    "can": "KGM",  # "cân", the Vietnamese kilogram
    "g": "GRM",
    "gram": "GRM",
    "gam": "GRM",
    "t": "TNE",
    "tan": "TNE",
    "l": "LTR",
    "lit": "LTR",
    "litre": "LTR",
    "liter": "LTR",
    "ml": "MLT",
}


def step_of(biz_step: str) -> Step | None:
    """The form step a stored bizStep stands for (any of its written forms), or None."""
    value = (biz_step or "").strip()
    for prefix in STEP_PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    try:
        return Step(value)
    except ValueError:
        return None


def location_uri(location: Location) -> str:
    """A place in events: its GLN as a GS1 Digital Link (AI 414), else the platform's code."""
    if location.gln:
        return f"{GLN_BASE}{location.gln}"
    return f"{LOCATION_URN}{location.code}"


def location_code_of(uri: str) -> str | None:
    """The platform code in a `urn:ocop:location:` identifier (None for other forms)."""
    if uri.startswith(LOCATION_URN):
        return uri[len(LOCATION_URN) :]
    return None


def gln_of(uri: str) -> str | None:
    if uri.startswith(GLN_BASE):
        return uri[len(GLN_BASE) :].split("/", 1)[0]
    return None


def uom_of(unit: str) -> str | None:
    return UOM.get(fold(unit or "").replace(".", ""))


def batch_link(batch: Batch) -> str:
    """The batch's LGTIN as a Digital Link on the platform's domain."""
    return DigitalLink(normalise_gtin(batch.product.gtin), batch.lot).uri()


def _local(at: dt.datetime) -> dt.datetime:
    if timezone.is_naive(at):
        at = timezone.make_aware(at, ZONE)
    return at.astimezone(ZONE)


def _offset(at: dt.datetime) -> str:
    offset = at.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _quantity_element(epc_class: str, quantity: Decimal | None, unit: str) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": epc_class}
    if quantity is not None:
        element["quantity"] = _number(quantity)
        uom = uom_of(unit)
        if uom:
            element["uom"] = uom
    return element


def build_step_document(
    *,
    batch: Batch,
    step: str,
    at: dt.datetime,
    location: Location | None = None,
    quantity: Decimal | None = None,
    note: str = "",
    shipment: Shipment | None = None,
    inputs: list[BatchInput] | None = None,
    stamp_links: list[str] | None = None,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """The EPCIS 2.0 document (one event) of a step of `batch` (whose product has a GTIN).

    `inputs` (processing) are the batch's inputs that name a platform batch; `stamp_links`
    (packing) the active stamps' Digital Links; `shipment` (shipping) the shipment made with the
    step. Reads nothing from the database."""
    step = Step(step)
    local = _local(at)
    output = _quantity_element(batch_link(batch), quantity, batch.unit)
    event: dict[str, Any] = {"eventTime": local.isoformat(timespec="milliseconds")}
    event["eventTimeZoneOffset"] = _offset(local)
    platform_inputs = [row for row in inputs or [] if row.input_batch is not None]
    if step == Step.PROCESSING and platform_inputs:
        event["type"] = "TransformationEvent"
        event["inputQuantityList"] = [
            _quantity_element(
                batch_link(row.input_batch),  # type: ignore[arg-type]
                row.quantity,
                row.unit,
            )
            for row in platform_inputs
        ]
        event["outputQuantityList"] = [output]
    else:
        event["type"] = "ObjectEvent"
        event["action"] = "ADD" if step in ADDING else "OBSERVE"
        if stamp_links:
            event["epcList"] = list(stamp_links)
        event["quantityList"] = [output]
    event["bizStep"] = BIZ_STEPS[step]
    event["disposition"] = DISPOSITIONS[step]
    if location is not None:
        place = location_uri(location)
        event["readPoint"] = {"id": place}
        event["bizLocation"] = {"id": place}
    if shipment is not None:
        event["bizTransactionList"] = [
            {"type": "desadv", "bizTransaction": f"{SHIPMENT_URN}{shipment.code}"}
        ]
        event["sourceList"] = [
            {"type": "owning_party", "source": f"{PARTY_URN}{batch.producer.organisation.code}"}
        ]
        if shipment.buyer_organisation is not None:
            event["destinationList"] = [
                {
                    "type": "owning_party",
                    "destination": f"{PARTY_URN}{shipment.buyer_organisation.code}",
                }
            ]
    ilmd: dict[str, Any] = {}
    if step in ADDING and batch.expires_on:
        ilmd["cbvmda:itemExpirationDate"] = batch.expires_on.isoformat()
    if step == Step.HARVESTING:
        ilmd["cbvmda:harvestStartDate"] = local.date().isoformat()
    if ilmd:
        event["ilmd"] = ilmd
    if note:
        event[f"{VOCAB_PREFIX}:note"] = note
    moment = _local(created or timezone.now())
    return {
        "@context": [EPCIS_CONTEXT, {VOCAB_PREFIX: VOCAB}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": moment.isoformat(timespec="milliseconds"),
        "epcisBody": {"eventList": [event]},
    }


# --- recording ------------------------------------------------------------------------------


def _capture(*, actor: Any, document: dict[str, Any], batch: Batch) -> Any:
    """Capture the step's document through the one capture service. Its refusal (a
    `CaptureError`, a ValidationError naming the JSON pointers) goes up to the form or the API;
    the failed capture job it recorded is rolled back with the rest of the step."""
    from ocop.traceability.services.epcis import capture_document

    return capture_document(actor=actor, document=document, producer=batch.producer)


@transaction.atomic
def record_step(
    *,
    actor: Any,
    batch: Batch,
    step: str,
    at: dt.datetime | None,
    location: Location | None = None,
    quantity: Any = None,
    note: str = "",
    shipment_data: Mapping[str, Any] | None = None,
) -> list[Event]:
    """Record a step of the batch (one of `enums.Step`): write its EPCIS event and capture it.

    `at` is when it happened (not in the future); `location` one of the producer's places;
    `quantity` defaults to the batch's (to the shipment's for shipping); `note` is free text.
    Shipping needs `shipment_data` (the fields of `services/batches.add_shipment`: the buyer,
    quantity, destination) and also records the Shipment. Returns the stored event(s)."""
    require_keeper(actor, batch.producer)
    require_editable(batch)
    errors: dict[str, Any] = {}
    if step not in Step.values:
        errors["step"] = _("Choose the step.")
    if at is None:
        errors["at"] = _("Enter the date and time of the step.")
    elif _local(at) > timezone.now() + FUTURE_SLACK:
        errors["at"] = _("The step cannot be in the future.")
    if location is not None and (
        location.producer_id != batch.producer_id or not location.is_active
    ):
        errors["location"] = _("Choose one of the producer's own places.")
    note = _text(note)
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(count)s characters.") % {"count": NOTE_MAX}
    try:
        amount = parse_quantity(quantity, required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        amount = None
    if step == Step.SHIPPING and not shipment_data:
        errors["buyer_name"] = _("Enter the buyer.")
    if errors:
        raise ValidationError(errors)
    assert at is not None
    ensure_gtin(actor=actor, product=batch.product)
    shipment = None
    if step == Step.SHIPPING and shipment_data:
        data = dict(shipment_data)
        data.setdefault("shipped_on", _local(at).date())
        if data.get("quantity") in (None, ""):
            data["quantity"] = amount if amount is not None else batch.quantity
        shipment = add_shipment(actor=actor, batch=batch, data=data)
        amount = shipment.quantity
    inputs = (
        list(batch.inputs.select_related("input_batch__product").order_by("pk"))
        if step == Step.PROCESSING
        else []
    )
    links: list[str] = []
    if step == Step.PACKING:
        serials = batch.stamps.filter(status=StampStatus.ACTIVE).order_by("pk")
        links = [
            DigitalLink(gtin, batch.lot, serial).uri()
            for gtin, serial in serials.values_list("gtin", "serial")
        ]
    document = build_step_document(
        batch=batch,
        step=step,
        at=at,
        location=location,
        quantity=amount if amount is not None else batch.quantity,
        note=note,
        shipment=shipment,
        inputs=inputs,
        stamp_links=links,
    )
    job = _capture(actor=actor, document=document, batch=batch)
    events = list(Event.objects.filter(job=job).order_by("pk"))
    if not events:
        raise ValidationError(
            {"at": _("This step is already recorded with the same time, place and quantity.")}
        )
    # The step is this batch's, whatever other batches (inputs) the event also names.
    stray = [event.pk for event in events if event.batch_id != batch.pk]
    if stray:
        Event.objects.filter(pk__in=stray).update(batch=batch, producer=batch.producer)
        forget_traces(batch_ids=[batch.pk, *(event.batch_id for event in events)])
        for event in events:
            event.batch = batch
            event.producer = batch.producer
    log_action(
        actor,
        "traceability.batch.record_step",
        batch,
        data={
            "step": step,
            "at": _local(at),
            "location": location.code if location else "",
            "quantity": amount,
            "shipment": shipment.code if shipment else "",
            "events": [event.hash for event in events],
        },
    )
    return events
