"""Every write to the offers of the board (chào bán): post, change, close, reopen.

The owner or staff of an APPROVED producer post offers for their own active products (any: a
product with a certificate in force is marked OCOP and matches better): the capacity per month
(above zero) and its unit, the season (months 1–12; none: all year), a price range in VND (not
negative, the lowest not above the highest), the delivery area (current communes; none: the whole
province), the certifications held, a note. One open offer per product: change it rather than
post a second one. `change_offer_status` is the one transition (`OFFER_TRANSITIONS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.core.services.activity import log_action
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.producers.enums import ProducerStatus
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from ocop.trade.enums import OFFER_TRANSITIONS, OfferStatus
from ocop.trade.models import Offer
from ocop.trade.rules import producer_organisations
from ocop.trade.services.posts import post_snapshot, save_post_changes
from ocop.trade.validators import (
    PRICE_MAX,
    clean_amount,
    clean_certifications,
    clean_communes,
    clean_text,
)

OFFER_FIELDS: tuple[str, ...] = (
    "capacity_per_month",
    "unit",
    "season_months",
    "price_min",
    "price_max",
    "delivery_units",
    "certifications",
    "note",
)
NOTE_MAX = 2000
OFFER_VERBS: dict[str, str] = {OfferStatus.CLOSED: "close", OfferStatus.OPEN: "reopen"}


def _months(value: Any) -> list[int]:
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple | set):
        raise ValidationError(_("Choose months from 1 to 12."), code="months")
    months = set()
    for item in value:
        if isinstance(item, bool):
            raise ValidationError(_("Choose months from 1 to 12."), code="months")
        try:
            month = int(item)
        except (TypeError, ValueError):
            raise ValidationError(_("Choose months from 1 to 12."), code="months") from None
        if not 1 <= month <= 12 or str(item).strip() != str(month):
            raise ValidationError(_("Choose months from 1 to 12."), code="months")
        months.add(month)
    return sorted(months) if len(months) < 12 else []


def _price(value: Any) -> Any:
    if value in (None, ""):
        return None
    return clean_amount(value, positive=False, limit=PRICE_MAX, places=0)


def _clean_field(name: str, value: Any) -> Any:
    if name == "capacity_per_month":
        return clean_amount(value)
    if name == "unit":
        return clean_text(value, limit=30)
    if name == "season_months":
        return _months(value)
    if name in ("price_min", "price_max"):
        return _price(value)
    if name == "delivery_units":
        return clean_communes(value)
    if name == "certifications":
        return clean_certifications(value)
    if name == "note":
        return clean_text(value, limit=NOTE_MAX)
    raise KeyError(name)  # pragma: no cover - OFFER_FIELDS lists every name handled above


def clean_offer_data(data: Mapping[str, Any], *, offer: Offer | None = None) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in OFFER_FIELDS:
        if name not in data:
            continue
        try:
            values[name] = _clean_field(name, data[name])
        except ValidationError as exc:
            errors[name] = exc
    merged: dict[str, Any] = {}
    if offer is not None:
        merged = {name: getattr(offer, name) for name in OFFER_FIELDS if name != "delivery_units"}
    merged.update(values)
    for name in ("capacity_per_month", "unit"):
        if name not in errors and merged.get(name) in (None, ""):
            errors[name] = ValidationError(_("This field is required."), code="required")
    low, high = merged.get("price_min"), merged.get("price_max")
    if (
        "price_min" not in errors
        and "price_max" not in errors
        and low is not None
        and high is not None
        and high < low
    ):
        errors["price_max"] = ValidationError(
            _("The highest price cannot be below the lowest."), code="prices_out_of_order"
        )
    if errors:
        raise ValidationError(errors)
    return values


def _audit(offer: Offer) -> dict[str, Any]:
    return post_snapshot(
        offer, ["product", *[name for name in OFFER_FIELDS if name != "delivery_units"], "status"]
    )


def _product(actor: Any, value: Any) -> Product:
    """The actor's product (a Product or its code), of an approved producer, active."""
    own = producer_organisations(access_for(actor))
    if not own:
        raise NotAllowed(_("Only a producer's people post offers."))
    if isinstance(value, Product):
        product: Product | None = value
    elif isinstance(value, str) and value.strip():
        product = Product.objects.filter(code=value.strip()).first()
    else:
        raise ValidationError({"product": _("Choose one of your products.")})
    if product is None or product.producer.organisation_id not in own:
        raise ValidationError({"product": _("Choose one of your products.")})
    if product.producer.status != ProducerStatus.APPROVED:
        raise NotAllowed(
            _("Your producer is not approved yet: offers can be posted once it is approved.")
        )
    if product.status != ProductStatus.ACTIVE:
        raise ValidationError({"product": _("This product is archived: it cannot be offered.")})
    return product


def _one_open_offer(product: Product, exclude: Offer | None = None) -> None:
    others = Offer.objects.filter(product=product, status=OfferStatus.OPEN)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    other = others.first()
    if other is not None:
        raise WrongState(
            _("This product already has an open offer (%(code)s): change that one instead.")
            % {"code": other.code}
        )


def _require_owner(actor: Any, offer: Offer) -> None:
    if offer.producer.organisation_id not in producer_organisations(access_for(actor)):
        raise NotAllowed(_("Only the producer's people change its offers."))
    if offer.producer.status != ProducerStatus.APPROVED:
        raise NotAllowed(_("Your producer is not approved: its offers cannot be changed."))


@transaction.atomic
def create_offer(*, actor: Any, product: Any, data: Mapping[str, Any]) -> Offer:
    """Post an offer (OPEN) for one of the actor's products (a Product or its code)."""
    errors: dict[str, Any] = {}
    found: Product | None = None
    try:
        found = _product(actor, product)
    except NotAllowed:
        raise
    except ValidationError as exc:
        errors.update(exc.error_dict)
    missing = {name: None for name in OFFER_FIELDS if name not in data}
    try:
        values = clean_offer_data({**missing, **data})
    except ValidationError as exc:
        values = {}
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    assert found is not None
    _one_open_offer(found)
    units = values.pop("delivery_units", [])
    offer = Offer.objects.create(producer=found.producer, product=found, created_by=actor, **values)
    offer.delivery_units.set(units)
    log_action(actor, "trade.offer.create", offer, new=_audit(offer))
    return offer


@transaction.atomic
def update_offer(*, actor: Any, offer: Offer, data: Mapping[str, Any]) -> Offer:
    """Change the fields given (a partial update is fine); the product stays."""
    _require_owner(actor, offer)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    values = clean_offer_data(data, offer=locked)
    old, new = save_post_changes(post=locked, values=values, audit=_audit)
    if old != new:
        log_action(actor, "trade.offer.update", locked, old=old, new=new)
    return locked


@transaction.atomic
def change_offer_status(*, actor: Any, offer: Offer, to: str) -> Offer:
    """The one way through OFFER_TRANSITIONS, by the producer's people: close, reopen (when the
    product is still active and has no other open offer)."""
    _require_owner(actor, offer)
    locked = Offer.objects.select_for_update().select_related("product").get(pk=offer.pk)
    current = locked.status
    if to not in OFFER_TRANSITIONS.get(current, frozenset()):
        raise WrongState(
            _("The offer cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": OfferStatus(current).label,
                "new": OfferStatus(to).label if to in OfferStatus.values else to,
            }
        )
    if to == OfferStatus.OPEN:
        if locked.product.status != ProductStatus.ACTIVE:
            raise WrongState(_("This product is archived: its offer cannot be reopened."))
        _one_open_offer(locked.product, exclude=locked)
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    log_action(
        actor,
        f"trade.offer.{OFFER_VERBS[to]}",
        locked,
        old={"status": current},
        new={"status": to},
    )
    offer.status = locked.status
    return locked
