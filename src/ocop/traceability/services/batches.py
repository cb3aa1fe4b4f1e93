"""Locations, batches (lô), their inputs (one step back) and shipments (one step forward): every
write. The callers have passed the permission loader (`access_batch(..., write=True)`,
`access_location(..., write=True)`, `access_product_for_batches`); the services check again that
the actor keeps the producer (`NotAllowed`, 403) and refuse bad input with a `ValidationError`
naming the field. Nothing is half-written: every service is atomic.

- `create_location`, `update_location`: a producer's farm, workshop, warehouse or shop, with its
  GLN (13 digits, GS1 check digit, unique) or, without one, the platform's location code.
- `create_batch`, `update_batch`: the lot (AI 10: 1–20 characters of the GS1 set, unique per
  product; fixed once stamps or events name it), dates (expiry not before production),
  quantity and unit, place of production. A product without a GTIN is given a platform GTIN
  (`services/gtins.assign_platform_gtin`) with its first batch, so that every batch has a
  Digital Link.
- `add_batch_input`, `remove_batch_input`: a raw material from a platform batch (any producer's,
  by its code; never the batch itself nor one made from it) or from an outside supplier's lot.
- `add_shipment`: where (part of) the batch went — the buyer (an organisation on the platform or
  a name), the destination (a commune and/or an address), quantity and date. The shipping step
  (`services/steps.record_step`) calls it.
- `change_batch_status`: the one transition (`BATCH_TRANSITIONS`): in production → finished →
  recalled (a recall needs its reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Organisation
from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.geo.models import AdministrativeUnit
from ocop.producers.models import Producer
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from ocop.traceability.enums import BATCH_TRANSITIONS, BatchStatus, LocationKind
from ocop.traceability.identifiers import IdentifierError, check_gln, check_lot
from ocop.traceability.models import Batch, BatchInput, Event, Location, Shipment
from ocop.traceability.queries.batches import descendants_of, keeps

LOCATION_FIELDS = ("name", "kind", "address", "unit", "gln", "is_active")
BATCH_FIELDS = ("lot", "produced_on", "expires_on", "quantity", "unit", "location", "note")
INPUT_FIELDS = (
    "input_batch",
    "material",
    "supplier_name",
    "supplier_lot",
    "quantity",
    "unit",
    "received_on",
)
SHIPMENT_FIELDS = (
    "buyer_name",
    "buyer_organisation",
    "destination",
    "destination_unit",
    "quantity",
    "unit",
    "shipped_on",
    "note",
)
NOTE_MAX = 2000
REASON_MAX = 1000
QUANTITY_MAX = Decimal("999999999.999")
# The last part of the activity-log action of each move of change_batch_status.
BATCH_VERBS: dict[str, str] = {
    BatchStatus.CLOSED: "close",
    BatchStatus.RECALLED: "recall",
}


# --- helpers --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """NFC, trimmed, without NUL (PostgreSQL refuses it in text)."""
    return nfc("" if value is None else str(value)).replace("\x00", "")


def _max_length(model: type[models.Model], name: str) -> int:
    return cast(models.CharField, model._meta.get_field(name)).max_length or 0


def _too_long(model: type[models.Model], name: str, value: str, errors: dict[str, Any]) -> None:
    limit = _max_length(model, name)
    if len(value) > limit:
        errors[name] = _("At most %(count)s characters.") % {"count": limit}


def require_keeper(actor: Any, producer: Producer) -> None:
    """Only the producer's owner and staff, the officers of its commune and the provincial
    office keep its batches, locations and stamps."""
    if not keeps(actor, producer):
        raise NotAllowed(
            _("Only the producer, its commune's officer and the provincial OCOP office do this.")
        )


def _author(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def parse_quantity(value: Any, *, required: bool, name: str = "quantity") -> Decimal | None:
    """A positive quantity with at most 3 decimals, or None when empty and not required."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({name: _("Enter the quantity.")})
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({name: _("Enter a number.")}) from None
    if not number.is_finite() or number <= 0:
        raise ValidationError({name: _("The quantity must be more than zero.")})
    if number > QUANTITY_MAX or number != number.quantize(Decimal("0.001")):
        raise ValidationError(
            {name: _("At most 9 digits before the decimal point and 3 after it.")}
        )
    return number


def _date(value: Any, name: str, errors: dict[str, Any], *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[name] = _("Enter the date.")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[name] = _("Enter a valid date.")
        return None


def _lock_batch(batch: Batch) -> str:
    """Lock the batch's row until the transaction ends; return its status as stored."""
    return Batch.objects.select_for_update().values_list("status", flat=True).get(pk=batch.pk)


def require_editable(batch: Batch) -> None:
    """A recalled batch takes no more changes, steps or stamps."""
    batch.status = _lock_batch(batch)
    if batch.status == BatchStatus.RECALLED:
        raise WrongState(_("The batch has been recalled: it cannot be changed any more."))


# --- locations ------------------------------------------------------------------------------


def _clean_location(data: Mapping[str, Any], *, location: Location | None) -> dict[str, Any]:
    unknown = set(data) - set(LOCATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown location fields: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name in ("name", "address", "gln"):
        if name in data:
            values[name] = _text(data[name])
            _too_long(Location, name, values[name], errors)
    if "name" in values and not values["name"]:
        errors["name"] = _("Enter the name of the place.")
    if "kind" in data:
        values["kind"] = str(data["kind"] or "")
        if values["kind"] not in LocationKind.values:
            errors["kind"] = _("Choose the kind of place.")
    if "unit" in data:
        unit = data["unit"] or None
        if unit is not None and not isinstance(unit, AdministrativeUnit):
            raise TypeError("unit must be an AdministrativeUnit or None")
        values["unit"] = unit
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    if values.get("gln"):
        try:
            values["gln"] = check_gln(values["gln"])
        except IdentifierError as exc:
            errors["gln"] = str(exc)
        else:
            others = Location.objects.exclude(pk=location.pk) if location else Location.objects
            if others.filter(gln=values["gln"]).exists():
                errors["gln"] = _("Another place already has this GLN.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def create_location(*, actor: Any, producer: Producer, data: Mapping[str, Any]) -> Location:
    """A place of `producer` where steps happen; `data` holds LOCATION_FIELDS (name and kind
    required; the GLN if the producer has one, else the place is known by its platform code)."""
    require_keeper(actor, producer)
    defaults: dict[str, Any] = {
        "name": "",
        "kind": "",
        "address": "",
        "unit": None,
        "gln": "",
        "is_active": True,
    }
    values = _clean_location(defaults | dict(data), location=None)
    location = Location(producer=producer, **values)
    location.save()
    log_action(
        actor,
        "traceability.location.create",
        location,
        new=snapshot(location, ("producer", *LOCATION_FIELDS)),
    )
    return location


@transaction.atomic
def update_location(*, actor: Any, location: Location, data: Mapping[str, Any]) -> Location:
    """Change some of LOCATION_FIELDS. The GLN of a place that events already name stays as it
    is (the events keep the identifier they were recorded with)."""
    require_keeper(actor, location.producer)
    values = _clean_location(data, location=location)
    changed = [name for name, value in values.items() if getattr(location, name) != value]
    if (
        "gln" in changed
        and Event.objects.filter(
            models.Q(read_point=location_uri_of(location))
            | models.Q(biz_location=location_uri_of(location))
        ).exists()
    ):
        raise ValidationError(
            {"gln": _("Steps were recorded at this place: its identifier cannot change.")}
        )
    if not changed:
        return location
    old = snapshot(location, changed)
    for name in changed:
        setattr(location, name, values[name])
    location.save(update_fields=[*changed, "updated_at"])
    log_action(
        actor, "traceability.location.update", location, old=old, new=snapshot(location, changed)
    )
    return location


def location_uri_of(location: Location) -> str:
    """The identifier events give the place (see `services/steps.location_uri`)."""
    from ocop.traceability.services.steps import location_uri

    return location_uri(location)


# --- batches --------------------------------------------------------------------------------


def ensure_gtin(*, actor: Any, product: Product) -> str:
    """The product's GTIN; a product without one is given the next platform GTIN (through
    `services/gtins.assign_platform_gtin`, which records it in the product's history)."""
    if product.gtin:
        return product.gtin
    from ocop.traceability.services.gtins import assign_platform_gtin, lock_platform_gtins

    # The caller's copy may be stale: another request (stamps for another batch of the product)
    # may have given the product its GTIN since it was read. Look again under the assignments'
    # lock, taken in the same order as `assign_platform_gtin` takes it.
    lock_platform_gtins()
    stored = Product.objects.values_list("gtin", flat=True).get(pk=product.pk)
    if stored:
        product.gtin = stored
        return stored
    gtin = assign_platform_gtin(actor=actor, product=product)
    product.gtin = gtin
    return gtin


def _clean_batch(
    data: Mapping[str, Any], *, product: Product, batch: Batch | None
) -> dict[str, Any]:
    unknown = set(data) - set(BATCH_FIELDS)
    if unknown:
        raise TypeError(f"Unknown batch fields: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if "lot" in data:
        lot = _text(data["lot"])
        if not lot:
            errors["lot"] = _("Enter the lot number.")
        else:
            try:
                values["lot"] = check_lot(lot)
            except IdentifierError as exc:
                errors["lot"] = str(exc)
            else:
                others = Batch.objects.filter(product=product)
                if batch is not None:
                    others = others.exclude(pk=batch.pk)
                if others.filter(lot=lot).exists():
                    errors["lot"] = _("This product already has a batch with this lot number.")
    if "produced_on" in data:
        values["produced_on"] = _date(data["produced_on"], "produced_on", errors, required=True)
    if "expires_on" in data:
        values["expires_on"] = _date(data["expires_on"], "expires_on", errors, required=False)
    if "quantity" in data:
        try:
            values["quantity"] = parse_quantity(data["quantity"], required=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "unit" in data:
        values["unit"] = _text(data["unit"])
        if not values["unit"]:
            errors["unit"] = _("Enter the unit (kg, box, bottle …).")
        _too_long(Batch, "unit", values["unit"], errors)
    if "note" in data:
        values["note"] = _text(data["note"])
        if len(values["note"]) > NOTE_MAX:
            errors["note"] = _("At most %(count)s characters.") % {"count": NOTE_MAX}
    if "location" in data:
        place = data["location"] or None
        if place is not None and not isinstance(place, Location):
            raise TypeError("location must be a Location or None")
        if place is not None and place.producer_id != product.producer_id:
            errors["location"] = _("Choose one of the producer's own places.")
        values["location"] = place
    produced = values.get("produced_on", batch.produced_on if batch else None)
    expires = values.get("expires_on", batch.expires_on if batch else None)
    if produced and expires and expires < produced and "expires_on" not in errors:
        errors["expires_on"] = _("The expiry date cannot be before the production date.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def create_batch(*, actor: Any, product: Product, data: Mapping[str, Any]) -> Batch:
    """A batch of `product`; `data` holds BATCH_FIELDS (lot, production date, quantity and unit
    required). The product gets a platform GTIN if it has none."""
    require_keeper(actor, product.producer)
    if product.status != ProductStatus.ACTIVE:
        raise WrongState(_("The product is archived: record no new batch of it."))
    defaults: dict[str, Any] = {
        "lot": "",
        "produced_on": None,
        "expires_on": None,
        "quantity": None,
        "unit": "",
        "location": None,
        "note": "",
    }
    values = _clean_batch(defaults | dict(data), product=product, batch=None)
    ensure_gtin(actor=actor, product=product)
    batch = Batch(product=product, producer=product.producer, created_by=_author(actor), **values)
    batch.save()
    log_action(
        actor,
        "traceability.batch.create",
        batch,
        new=snapshot(batch, ("product", *BATCH_FIELDS, "status")),
    )
    return batch


def lot_is_fixed(batch: Batch) -> bool:
    """The lot is printed in Digital Links once stamps are issued or events name the batch."""
    return batch.stamps.exists() or Event.objects.filter(batch=batch).exists()


@transaction.atomic
def update_batch(*, actor: Any, batch: Batch, data: Mapping[str, Any]) -> Batch:
    """Change some of BATCH_FIELDS; the log keeps the diff. A recalled batch is not changed; the
    lot of a batch with stamps or events is fixed."""
    require_keeper(actor, batch.producer)
    require_editable(batch)
    values = _clean_batch(data, product=batch.product, batch=batch)
    changed = [name for name, value in values.items() if getattr(batch, name) != value]
    if "lot" in changed and lot_is_fixed(batch):
        raise ValidationError(
            {"lot": _("Stamps or steps already carry this lot number: it cannot change.")}
        )
    if not changed:
        return batch
    old = snapshot(batch, changed)
    for name in changed:
        setattr(batch, name, values[name])
    batch.save(update_fields=[*changed, "updated_at"])
    log_action(actor, "traceability.batch.update", batch, old=old, new=snapshot(batch, changed))
    return batch


@transaction.atomic
def change_batch_status(*, actor: Any, batch: Batch, to: str, reason: str = "") -> Batch:
    """The one way to move a batch between statuses (BATCH_TRANSITIONS): in production →
    finished → recalled; a recall needs its reason (the recall page then lists where the batch,
    and the batches made from it, went)."""
    require_keeper(actor, batch.producer)
    current = _lock_batch(batch)
    batch.status = current
    labels = dict(BatchStatus.choices)
    if to not in BATCH_TRANSITIONS.get(current, frozenset()):
        raise WrongState(
            _("A batch that is %(current)s cannot become %(new)s.")
            % {"current": labels[current], "new": labels.get(to, to)}
        )
    reason = _text(reason)
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("At most %(count)s characters.") % {"count": REASON_MAX}}
        )
    if to == BatchStatus.RECALLED and not reason:
        raise ValidationError({"reason": _("Say why the batch is recalled.")})
    batch.status = to
    batch.save(update_fields=["status", "updated_at"])
    log_action(
        actor,
        f"traceability.batch.{BATCH_VERBS[to]}",
        batch,
        old={"status": current},
        new={"status": to},
        data={"reason": reason} if reason else None,
    )
    return batch


# --- inputs (one step back) -----------------------------------------------------------------


def _clean_input(batch: Batch, data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(INPUT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown input fields: {', '.join(sorted(unknown))}")
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in ("material", "supplier_name", "supplier_lot", "unit"):
        values[name] = _text(data.get(name))
        _too_long(BatchInput, name, values[name], errors)
    source = data.get("input_batch") or None
    if isinstance(source, str):
        code = _text(source).upper()
        source = Batch.objects.select_related("product", "producer").filter(code=code).first()
        if source is None:
            errors["input_batch"] = _("There is no batch %(code)s on the platform.") % {
                "code": code
            }
    elif source is not None and not isinstance(source, Batch):
        raise TypeError("input_batch must be a Batch, its code or None")
    if isinstance(source, Batch):
        if source.pk == batch.pk:
            errors["input_batch"] = _("A batch cannot be its own input.")
        elif source.pk in descendants_of(batch):
            errors["input_batch"] = _(
                "Batch %(code)s is made from this batch: it cannot also be its input."
            ) % {"code": source.code}
        else:
            values["supplier_name"] = values["supplier_name"] or source.producer.name
            values["supplier_lot"] = values["supplier_lot"] or source.lot
            values["material"] = values["material"] or source.product.name
    values["input_batch"] = source if isinstance(source, Batch) else None
    if not values["material"] and "input_batch" not in errors:
        errors["material"] = _("Enter the material, or the code of a batch on the platform.")
    if values["input_batch"] is None and not values["supplier_name"] and not errors:
        errors["supplier_name"] = _("Enter the supplier, or the code of a batch on the platform.")
    if values["supplier_lot"] and "supplier_lot" not in errors:
        try:
            check_lot(values["supplier_lot"])
        except IdentifierError as exc:
            errors["supplier_lot"] = str(exc)
    try:
        values["quantity"] = parse_quantity(data.get("quantity"), required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        values["quantity"] = None
    if values["quantity"] is not None and not values["unit"]:
        errors.setdefault("unit", _("Enter the unit of the quantity."))
    values["received_on"] = _date(data.get("received_on"), "received_on", errors, required=False)
    if values["received_on"] and values["received_on"] > timezone.localdate():
        errors["received_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def add_batch_input(*, actor: Any, batch: Batch, data: Mapping[str, Any]) -> BatchInput:
    """One step back: a raw material of the batch. `input_batch` is a platform batch (or its
    code: any producer's — the supplier's delivery note carries it), or empty with the outside
    supplier's name and lot."""
    require_keeper(actor, batch.producer)
    require_editable(batch)
    values = _clean_input(batch, data)
    row = BatchInput(batch=batch, **values)
    row.save()
    log_action(
        actor,
        "traceability.batch.add_input",
        batch,
        data={
            "material": row.material,
            "input_batch": row.input_batch.code if row.input_batch else "",
            "supplier": row.supplier_name,
            "supplier_lot": row.supplier_lot,
        },
    )
    return row


@transaction.atomic
def remove_batch_input(*, actor: Any, batch_input: BatchInput) -> None:
    """Take back an input entered by mistake, while the batch is in production."""
    batch = batch_input.batch
    require_keeper(actor, batch.producer)
    require_editable(batch)
    if batch.status != BatchStatus.OPEN:
        raise WrongState(_("The inputs of a finished batch no longer change."))
    data = {
        "material": batch_input.material,
        "input_batch": batch_input.input_batch.code if batch_input.input_batch else "",
        "supplier": batch_input.supplier_name,
    }
    batch_input.delete()
    log_action(actor, "traceability.batch.remove_input", batch, data=data)


# --- shipments (one step forward) -----------------------------------------------------------


def _clean_shipment(batch: Batch, data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(SHIPMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown shipment fields: {', '.join(sorted(unknown))}")
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in ("buyer_name", "destination", "unit", "note"):
        values[name] = _text(data.get(name))
        _too_long(Shipment, name, values[name], errors)
    organisation = data.get("buyer_organisation") or None
    if organisation is not None and not isinstance(organisation, Organisation):
        raise TypeError("buyer_organisation must be an Organisation or None")
    values["buyer_organisation"] = organisation
    if organisation is not None and not values["buyer_name"]:
        values["buyer_name"] = organisation.name
    if not values["buyer_name"]:
        errors["buyer_name"] = _("Enter the buyer.")
    unit = data.get("destination_unit") or None
    if unit is not None and not isinstance(unit, AdministrativeUnit):
        raise TypeError("destination_unit must be an AdministrativeUnit or None")
    values["destination_unit"] = unit
    try:
        values["quantity"] = parse_quantity(data.get("quantity"), required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not values["unit"]:
        values["unit"] = batch.unit
    values["shipped_on"] = _date(data.get("shipped_on"), "shipped_on", errors, required=True)
    shipped = values["shipped_on"]
    if shipped and shipped > timezone.localdate():
        errors["shipped_on"] = _("The date cannot be in the future.")
    elif shipped and shipped < batch.produced_on:
        errors["shipped_on"] = _("The batch cannot be shipped before it was produced.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def add_shipment(*, actor: Any, batch: Batch, data: Mapping[str, Any]) -> Shipment:
    """One step forward: part of the batch went to a buyer; `data` holds SHIPMENT_FIELDS (buyer,
    quantity and date required; the unit defaults to the batch's)."""
    require_keeper(actor, batch.producer)
    require_editable(batch)
    values = _clean_shipment(batch, data)
    shipment = Shipment(batch=batch, **values)
    shipment.save()
    log_action(
        actor,
        "traceability.shipment.create",
        shipment,
        new=snapshot(shipment, ("batch", *SHIPMENT_FIELDS)),
    )
    return shipment
