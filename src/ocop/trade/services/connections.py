"""Connections (kết nối): a buyer's contact request to a producer, followed to its end.

- `request_connection`: the people of an ACTIVE buyer send a message (required, at most 2,000
  characters) about a product, an offer, or a product matched to one of their open demands. The
  connection keeps the match's reasons as they were then; the producer's people are told.
  Idempotent: the same buyer asking again about the same demand and producer (or, without a
  demand, the same product while the first request is still going) gets the first connection
  back; the database's unique constraint settles a race between two requests.
- `change_connection_status`: the one transition (`CONNECTION_TRANSITIONS`: new → contacted →
  sample sent → deal / closed without a deal, a step may be skipped, the last two are final),
  by the producer's or the buyer's people (officials read), with an outcome note. The other party
  is told.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.catalog.queries.listing import listed_entries
from ocop.certificates.services.people import producer_users, site_language
from ocop.core.services.activity import log_action
from ocop.evaluation.services.notifications import notify
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.producers.enums import ProducerStatus
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from ocop.trade.enums import (
    CONNECTION_FINAL,
    CONNECTION_TRANSITIONS,
    BuyerStatus,
    ConnectionStatus,
    DemandStatus,
)
from ocop.trade.models import Buyer, Connection, Demand, Offer
from ocop.trade.queries.board import open_offers
from ocop.trade.queries.buyers import buyer_of
from ocop.trade.queries.matching import match_product
from ocop.trade.rules import buyer_organisations, producer_organisations
from ocop.trade.services.buyers import buyer_users
from ocop.trade.validators import clean_text

MESSAGE_MAX = 2000
NOTE_MAX = 2000


def connection_url(connection: Connection) -> str:
    return reverse("trade:connection", kwargs={"code": connection.code})


def _requesting_buyer(actor: Any) -> Buyer:
    buyer = buyer_of(actor)
    if buyer is None:
        raise NotAllowed(_("Only a buyer's people send contact requests."))
    if buyer.status != BuyerStatus.ACTIVE:
        raise NotAllowed(
            _(
                "Your buyer is not active on the board yet: contact requests can be sent once "
                "the provincial office approves it."
            )
        )
    return buyer


def _on_the_board(product: Product) -> bool:
    """A product a buyer may ask about: listed in the catalogue or offered on the board."""
    if product.status != ProductStatus.ACTIVE:
        return False
    if product.producer.status != ProducerStatus.APPROVED:
        return False
    if listed_entries().filter(product=product).exists():
        return True
    return open_offers().filter(product=product).exists()


def _existing(buyer: Buyer, producer_id: int, demand: Demand | None, product: Product) -> Any:
    if demand is not None:
        return Connection.objects.filter(demand=demand, producer_id=producer_id).first()
    return (
        Connection.objects.filter(
            buyer=buyer, producer_id=producer_id, product=product, demand__isnull=True
        )
        .exclude(status__in=CONNECTION_FINAL)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def request_connection(
    *,
    actor: Any,
    message: Any,
    product: Product | None = None,
    offer: Offer | None = None,
    demand: Demand | None = None,
) -> tuple[Connection, bool]:
    """Send a contact request (a new connection, status NEW) and tell the producer; or return
    the connection already made for the same demand and producer. Returns (connection, created)."""
    buyer = _requesting_buyer(actor)
    errors: dict[str, Any] = {}
    try:
        text = clean_text(message, limit=MESSAGE_MAX, required=True)
    except ValidationError as exc:
        errors["message"] = exc
        text = ""
    if offer is not None:
        if not open_offers().filter(pk=offer.pk).exists():
            errors["offer"] = ValidationError(_("This offer is closed."), code="offer_closed")
        elif product is not None and product.pk != offer.product_id:
            errors["product"] = ValidationError(
                _("The offer is for another product."), code="offer_product"
            )
        product = offer.product
    if product is None:
        errors["product"] = ValidationError(_("Choose the product."), code="required")
    elif "offer" not in errors and offer is None and not _on_the_board(product):
        errors["product"] = ValidationError(
            _("This product is neither in the catalogue nor offered on the board."),
            code="not_on_board",
        )
    if demand is not None:
        if demand.buyer_id != buyer.pk:
            errors["demand"] = ValidationError(_("Choose one of your demands."), code="demand")
        elif demand.status != DemandStatus.OPEN:
            errors["demand"] = ValidationError(
                _("This demand is not open."), code="demand_not_open"
            )
    if errors:
        raise ValidationError(errors)
    assert product is not None
    producer_id = product.producer_id
    existing = _existing(buyer, producer_id, demand, product)
    if existing is not None:
        return existing, False
    reasons: list[dict[str, Any]] = []
    if demand is not None:
        match = match_product(demand, product=product, offer=offer)
        if match is not None:
            reasons = match.reasons_as_dicts()
            offer = offer or match.offer
    try:
        with transaction.atomic():
            connection = Connection.objects.create(
                buyer=buyer,
                producer_id=producer_id,
                demand=demand,
                product=product,
                offer=offer,
                message=text,
                reasons=reasons,
                status=ConnectionStatus.NEW,
                status_changed_at=timezone.now(),
                created_by=actor,
            )
    except IntegrityError:
        existing = _existing(buyer, producer_id, demand, product)
        if existing is None:
            raise
        return existing, False
    log_action(
        actor,
        "trade.connection.create",
        connection,
        new={
            "buyer": buyer.code,
            "producer": connection.producer.code,
            "demand": demand.code if demand else None,
            "product": product.code,
            "offer": offer.code if offer else None,
            "status": connection.status,
        },
    )
    with site_language():
        if demand is not None:
            notice = _(
                "%(buyer)s asks to be in touch about %(product)s, for its demand “%(title)s”."
            ) % {"buyer": buyer.name, "product": product.name, "title": demand.title}
        else:
            notice = _("%(buyer)s asks to be in touch about %(product)s.") % {
                "buyer": buyer.name,
                "product": product.name,
            }
    notify(producer_users(connection.producer), notice, url=connection_url(connection))
    return connection, True


def _is_party(actor: Any, connection: Connection) -> bool:
    access = access_for(actor)
    if connection.buyer.organisation_id in buyer_organisations(access):
        return True
    return connection.producer.organisation_id in producer_organisations(access)


@transaction.atomic
def change_connection_status(
    *, actor: Any, connection: Connection, to: str, note: Any = ""
) -> Connection:
    """The one way through CONNECTION_TRANSITIONS, by either party; `note` (the outcome, at
    most 2,000 characters) replaces the connection's outcome note when given. Writes
    `trade.connection.status` and the time of the change; the other party is told."""
    if not _is_party(actor, connection):
        raise NotAllowed(_("Only the buyer and the producer of a connection change its status."))
    locked = Connection.objects.select_for_update().get(pk=connection.pk)
    current = locked.status
    if to not in CONNECTION_TRANSITIONS.get(current, frozenset()):
        raise WrongState(
            _("The connection cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": ConnectionStatus(current).label,
                "new": ConnectionStatus(to).label if to in ConnectionStatus.values else to,
            }
        )
    text = clean_text(note, limit=NOTE_MAX) if note else ""
    old = {"status": current, "outcome_note": locked.outcome_note}
    locked.status = to
    locked.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at", "updated_at"]
    if text:
        locked.outcome_note = text
        fields.append("outcome_note")
    locked.save(update_fields=fields)
    log_action(
        actor,
        "trade.connection.status",
        locked,
        old=old,
        new={"status": to, "outcome_note": locked.outcome_note},
    )
    access = access_for(actor)
    buyer_side = connection.buyer.organisation_id in buyer_organisations(access)
    others = producer_users(connection.producer) if buyer_side else buyer_users(connection.buyer)
    with site_language():
        message = _("Connection %(code)s (%(product)s) is now “%(status)s”.") % {
            "code": locked.code,
            "product": connection.product.name if connection.product else "",
            "status": ConnectionStatus(to).label,
        }
    actor_id = getattr(actor, "pk", None)
    notify(
        [user for user in others if user.pk != actor_id],
        message,
        url=connection_url(locked),
        email=False,
    )
    connection.status = locked.status
    connection.status_changed_at = locked.status_changed_at
    connection.outcome_note = locked.outcome_note
    return locked
