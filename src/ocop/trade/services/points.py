"""Points of sale (điểm giới thiệu và bán sản phẩm OCOP, supermarkets, shops, fairs): every write.

- `create_point_of_sale`: the provincial OCOP office (or the administrator), which may say which
  buyer runs the point;
- `update_point_of_sale`: the office, or the users of the buyer that runs the point (who may not
  hand it to another buyer);
- `change_point_of_sale_status`: the one transition (`POINT_OF_SALE_TRANSITIONS`: open <->
  closed), by the same people;
- `add_point_product`, `remove_point_product`: the products it carries. Only a product LISTED
  today (a certificate in force) may be added; one that later loses its certificate stays carried
  but is no longer shown anywhere public.

Refusals: `NotAllowed` (403) for someone who may see the point but not do this, `WrongState`
(409) for a move the transition table does not allow, `ValidationError` with field names for
bad input. Each write is atomic and writes its activity-log row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.catalog.queries.listing import listed_entries
from ocop.core.services.activity import diff, log_action, snapshot
from ocop.core.text import nfc
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit
from ocop.producers.validators import normalise_phone
from ocop.products.models import Product
from ocop.trade.enums import (
    POINT_OF_SALE_TRANSITIONS,
    BuyerStatus,
    PointOfSaleKind,
    PointOfSaleStatus,
)
from ocop.trade.models import Buyer, PointOfSale, PointOfSaleProduct
from ocop.trade.queries.points import can_change_point, can_manage_points

POINT_FIELDS = (
    "kind",
    "name",
    "address",
    "commune",
    "opening_hours",
    "phone",
    "email",
    "website",
    "operator_name",
    "buyer",
    "latitude",
    "longitude",
    "starts_on",
    "ends_on",
)
REQUIRED = ("kind", "name", "address", "commune")
_TEXT = ("name", "address", "opening_hours", "operator_name")
# The last part of the activity-log action of each move of change_point_of_sale_status.
STATUS_VERBS: dict[str, str] = {
    PointOfSaleStatus.OPEN: "open",
    PointOfSaleStatus.CLOSED: "close",
}
REASON_MAX = 500


def _max_length(name: str) -> int:
    return int(getattr(PointOfSale._meta.get_field(name), "max_length", None) or 0)


def _text(name: str, value: Any) -> str:
    text = nfc(value if value is not None else "")
    if not isinstance(text, str):
        raise ValidationError(_("Enter text."), code="invalid")
    limit = _max_length(name)
    if limit and len(text) > limit:
        raise ValidationError(
            _("Enter at most %(max)d characters."), code="max_length", params={"max": limit}
        )
    return text


def _commune(value: Any, point: PointOfSale | None) -> AdministrativeUnit | None:
    """A current commune or ward, as a unit or its key; a point may keep an ended commune it
    already has."""
    if value in (None, ""):
        return None
    if isinstance(value, AdministrativeUnit):
        unit: AdministrativeUnit | None = value
    else:
        unit = AdministrativeUnit.objects.filter(key=nfc(str(value))).first()
    unchanged = point is not None and unit is not None and unit.pk == point.commune_id
    if unit is None or unit.level != UnitLevel.COMMUNE or (unit.valid_to and not unchanged):
        raise ValidationError(_("Choose a current commune or ward."), code="commune")
    return unit


def _buyer(value: Any) -> Buyer | None:
    if value in (None, ""):
        return None
    buyer = value if isinstance(value, Buyer) else Buyer.objects.filter(code=str(value)).first()
    if buyer is None or buyer.status != BuyerStatus.ACTIVE:
        raise ValidationError(_("Choose an active buyer."), code="buyer")
    return buyer


def _coordinate(value: Any, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Enter a number."), code="invalid") from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise ValidationError(
            _("Enter a number between -%(limit)d and %(limit)d."),
            code="range",
            params={"limit": limit},
        )
    return number.quantize(Decimal("0.000001"))


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        raise ValidationError(_("Enter a valid date."), code="invalid_date")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_("Enter a valid date."), code="invalid_date") from None


def _clean_field(name: str, value: Any, point: PointOfSale | None) -> Any:
    if name == "kind":
        if value not in PointOfSaleKind.values:
            raise ValidationError(_("Choose a kind of point of sale."), code="kind")
        return value
    if name in _TEXT:
        return _text(name, value)
    if name == "phone":
        return normalise_phone(_text(name, value))
    if name == "email":
        email = _text(name, value).lower()
        if email:
            validate_email(email)
        return email
    if name == "website":
        website = _text(name, value)
        if website:
            URLValidator(schemes=["http", "https"])(website)
        return website
    if name == "commune":
        return _commune(value, point)
    if name == "buyer":
        return _buyer(value)
    if name == "latitude":
        return _coordinate(value, 90)
    if name == "longitude":
        return _coordinate(value, 180)
    return _date(value)  # starts_on, ends_on


def clean_point_data(data: Mapping[str, Any], point: PointOfSale | None = None) -> dict[str, Any]:
    """Every field of a point, checked and normalised (NFC text, phone digits, a current
    commune, coordinates in range and both or neither, the dates in order and both given for a
    fair); missing keys keep the point's values. One ValidationError with every field's error."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in POINT_FIELDS:
        raw = data[name] if name in data else (getattr(point, name) if point else None)
        try:
            values[name] = _clean_field(name, raw, point)
        except ValidationError as exc:
            errors[name] = exc
    for name in REQUIRED:
        if name not in errors and values.get(name) in (None, ""):
            errors[name] = ValidationError(_("This field is required."), code="required")
    latitude, longitude = values.get("latitude"), values.get("longitude")
    both_read = "latitude" not in errors and "longitude" not in errors
    if both_read and (latitude is None) != (longitude is None):
        field = "longitude" if longitude is None else "latitude"
        errors[field] = ValidationError(
            _("Give both the latitude and the longitude, or neither."), code="coordinates"
        )
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if "starts_on" not in errors and "ends_on" not in errors:
        if starts and ends and ends < starts:
            errors["ends_on"] = ValidationError(
                _("The last day cannot be before the first day."), code="dates"
            )
        if values.get("kind") == PointOfSaleKind.FAIR:
            for name, day in (("starts_on", starts), ("ends_on", ends)):
                if day is None:
                    errors[name] = ValidationError(
                        _("A fair needs its first and last day."), code="fair_dates"
                    )
    if errors:
        raise ValidationError(errors)
    return values


def _require_office(actor: Any) -> None:
    if not can_manage_points(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office adds points of sale."))


def _require_change(actor: Any, point: PointOfSale) -> None:
    if not can_change_point(access_for(actor), point):
        raise NotAllowed(
            _("Only the provincial OCOP office and the buyer that runs it change a point of sale.")
        )


@transaction.atomic
def create_point_of_sale(*, actor: Any, data: Mapping[str, Any]) -> PointOfSale:
    """A new point of sale, open (the office or the administrator)."""
    _require_office(actor)
    values = clean_point_data(data)
    point = PointOfSale.objects.create(**values)
    log_action(actor, "trade.pointofsale.create", point, new=snapshot(point, POINT_FIELDS))
    return point


@transaction.atomic
def update_point_of_sale(*, actor: Any, point: PointOfSale, data: Mapping[str, Any]) -> PointOfSale:
    """Change a point's details (the fields in `data`; the others stay). The buyer that runs it
    may change everything but who runs it."""
    _require_change(actor, point)
    locked = (
        PointOfSale.objects.select_for_update(of=("self",)).select_related("buyer").get(pk=point.pk)
    )
    values = clean_point_data(data, locked)
    if values["buyer"] != locked.buyer and not can_manage_points(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office says which buyer runs a point."))
    old = snapshot(locked, POINT_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    before, after = diff(old, snapshot(locked, POINT_FIELDS))
    if after:
        log_action(actor, "trade.pointofsale.update", locked, old=before, new=after)
    return locked


@transaction.atomic
def change_point_of_sale_status(
    *, actor: Any, point: PointOfSale, to: str, reason: str = ""
) -> PointOfSale:
    """The one way a point's status changes: open -> closed (it leaves the public pages at
    once) and closed -> open."""
    _require_change(actor, point)
    reason = nfc(reason or "")
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Enter at most %(max)d characters.") % {"max": REASON_MAX}}
        )
    locked = PointOfSale.objects.select_for_update().get(pk=point.pk)
    if to not in POINT_OF_SALE_TRANSITIONS.get(locked.status, frozenset()):
        raise WrongState(
            _("The point of sale %(name)s is %(status)s: this cannot be done now.")
            % {"name": locked.name, "status": locked.get_status_display()}
        )
    old_status = locked.status
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    log_action(
        actor,
        f"trade.pointofsale.{STATUS_VERBS[to]}",
        locked,
        old={"status": old_status},
        new={"status": to},
        data={"reason": reason} if reason else None,
    )
    point.status = locked.status
    return locked


@transaction.atomic
def add_point_product(*, actor: Any, point: PointOfSale, product: Product) -> PointOfSaleProduct:
    """The point carries `product` from now on: only a product listed today (an OCOP
    certificate in force) may be added, and only once."""
    _require_change(actor, point)
    if not listed_entries().filter(product_id=product.pk).exists():
        raise ValidationError(
            {
                "product": _(
                    "Only products with an OCOP certificate in force can be added: %(product)s "
                    "has none."
                )
                % {"product": product.name}
            }
        )
    locked = PointOfSale.objects.select_for_update().get(pk=point.pk)
    if PointOfSaleProduct.objects.filter(point=locked, product=product).exists():
        raise ValidationError(
            {"product": _("%(product)s is already carried here.") % {"product": product.name}}
        )
    row = PointOfSaleProduct.objects.create(point=locked, product=product)
    log_action(
        actor,
        "trade.pointofsale.add_product",
        locked,
        data={"product": product.code, "name": product.name},
    )
    return row


@transaction.atomic
def remove_point_product(*, actor: Any, point: PointOfSale, product: Product) -> None:
    """The point no longer carries `product`."""
    _require_change(actor, point)
    locked = PointOfSale.objects.select_for_update().get(pk=point.pk)
    deleted, _rows = PointOfSaleProduct.objects.filter(point=locked, product=product).delete()
    if not deleted:
        raise ValidationError(
            {"product": _("%(product)s is not carried here.") % {"product": product.name}}
        )
    log_action(
        actor,
        "trade.pointofsale.remove_product",
        locked,
        data={"product": product.code, "name": product.name},
    )
