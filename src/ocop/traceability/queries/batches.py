"""Reads of locations, batches, their inputs and shipments, and their permission loaders.

Who sees a batch (and a location) on the management pages and the API:

- the provincial OCOP office and the administrator: every producer's;
- a commune officer: those of the producers of their commune(s);
- the producer's owner and staff: their own producer's;
- nobody else (council, approver, buyers, anyone signed in without a role): 404.

Who keeps them (creates, edits, records steps, issues and voids stamps, recalls): the same
people, as for the producer's products (`ocop.products.queries.products.can_edit_products_of`).

One step back and one step forward cross producers: a batch may name another producer's batch
(by its code) as an input. Each side sees the link (the input's code, product and producer on the
buyer's batch; the batch made from it on the supplier's), never the other's batch page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.core.text import fold
from ocop.producers.models import Producer
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from ocop.products.queries.products import can_edit_products_of, producers_open_to
from ocop.traceability.enums import BatchStatus, StampStatus
from ocop.traceability.models import Batch, BatchInput, Event, Location, Shipment

# How far "where a batch went" follows batches made from batches (a recall page stays bounded).
RECALL_MAX_LEVELS = 10


def sees_all_batches(access: Access) -> bool:
    """The provincial office and the administrator."""
    if access.is_admin:
        return True
    return access.is_province_officer


def may_see_any(user_or_access: Any) -> bool:
    """Whether the traceability pages are for this user at all (else 404)."""
    access = as_access(user_or_access)
    if sees_all_batches(access):
        return True
    if access.is_commune_officer:
        return True
    return bool(access.organisations_with(*PRODUCER_ROLES))


def _producer_condition(access: Access, prefix: str = "producer__") -> Q | None:
    """The condition on a producer (through `prefix`) for the user; None means every one."""
    if sees_all_batches(access):
        return None
    condition = Q(pk__in=[])
    if access.is_commune_officer:
        condition |= Q(**{f"{prefix}commune_id__in": access.commune_unit_ids})
    own = access.organisations_with(*PRODUCER_ROLES)
    if own:
        condition |= Q(**{f"{prefix}organisation_id__in": own})
    return condition


def producers_visible_to(user_or_access: Any) -> QuerySet[Producer]:
    access = as_access(user_or_access)
    if not access.is_authenticated:
        return Producer.objects.none()
    condition = _producer_condition(access, prefix="")
    queryset = Producer.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def producers_kept_by(user_or_access: Any) -> QuerySet[Producer]:
    """The producers whose batches, locations and stamps the user may keep."""
    access = as_access(user_or_access)
    if not may_see_any(access):
        return Producer.objects.none()
    return producers_open_to(access)


def keeps(user_or_access: Any, producer: Producer) -> bool:
    access = as_access(user_or_access)
    if not may_see_any(access):
        return False
    return can_edit_products_of(access, producer)


def batches_visible_to(user_or_access: Any) -> QuerySet[Batch]:
    access = as_access(user_or_access)
    if not access.is_authenticated or not may_see_any(access):
        return Batch.objects.none()
    condition = _producer_condition(access)
    queryset = Batch.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def locations_visible_to(user_or_access: Any) -> QuerySet[Location]:
    access = as_access(user_or_access)
    if not access.is_authenticated or not may_see_any(access):
        return Location.objects.none()
    condition = _producer_condition(access)
    queryset = Location.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def access_batch(user_or_access: Any, code: str, *, write: bool = False) -> Batch:
    """The batch with this code if the user may see it (and keep it, when `write`); else 404,
    so that existence does not leak."""
    access = as_access(user_or_access)
    batch = (
        batches_visible_to(access)
        .select_related("product", "producer__commune", "location", "created_by")
        .filter(code=str(code)[:20])
        .first()
    )
    if batch is None:
        raise Http404
    if write and not keeps(access, batch.producer):
        raise Http404
    return batch


def access_location(user_or_access: Any, code: str, *, write: bool = False) -> Location:
    access = as_access(user_or_access)
    location = (
        locations_visible_to(access)
        .select_related("producer", "unit")
        .filter(code=str(code)[:20])
        .first()
    )
    if location is None:
        raise Http404
    if write and not keeps(access, location.producer):
        raise Http404
    return location


def access_producer_for_batches(user_or_access: Any, code: str) -> Producer:
    """A producer the user keeps (to add a location to); else 404."""
    producer = producers_kept_by(user_or_access).filter(code=str(code)[:20]).first()
    if producer is None:
        raise Http404
    return producer


def products_for_batches(user_or_access: Any) -> QuerySet[Product]:
    """The products a new batch may be of: the active products of the producers the user keeps."""
    return (
        Product.objects.filter(
            producer__in=producers_kept_by(user_or_access), status=ProductStatus.ACTIVE
        )
        .select_related("producer")
        .order_by("producer__name", "name")
    )


def access_product_for_batches(user_or_access: Any, code: str) -> Product:
    product = products_for_batches(user_or_access).filter(code=str(code)[:20]).first()
    if product is None:
        raise Http404
    return product


def locations_of(producer: Producer, *, active_only: bool = True) -> QuerySet[Location]:
    queryset = Location.objects.filter(producer=producer)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("name", "pk")


# --- lists ----------------------------------------------------------------------------------


def filter_batches(
    queryset: QuerySet[Batch],
    *,
    status: str | None = None,
    producer: str | None = None,
    product: str | None = None,
    q: str | None = None,
) -> QuerySet[Batch]:
    """The list filters shared by the page and the API: an unknown status is ignored, an unknown
    producer or product code matches nothing; `q` searches the lot, the batch code and the
    product's and producer's names without regard to case or diacritics."""
    if status in BatchStatus.values:
        queryset = queryset.filter(status=status)
    if producer:
        queryset = queryset.filter(producer__code=producer)
    if product:
        queryset = queryset.filter(product__code=product)
    query = (q or "").strip()[:100]
    if query:
        folded = fold(query)
        queryset = queryset.filter(
            Q(lot__icontains=query)
            | Q(code__iexact=query)
            | Q(product__name_folded__icontains=folded)
            | Q(producer__name_folded__icontains=folded)
            | Q(product__gtin__contains=query)
        )
    return queryset


def with_list_columns(queryset: QuerySet[Batch]) -> QuerySet[Batch]:
    """What a list row shows, in the list's one query: product, producer, place, stamp count."""
    return queryset.select_related("product", "producer", "location").annotate(
        stamp_count=Count("stamps", distinct=True),
        active_stamp_count=Count(
            "stamps", filter=Q(stamps__status=StampStatus.ACTIVE), distinct=True
        ),
    )


def list_producers(user_or_access: Any) -> list[tuple[str, str]]:
    """(code, name) of the producers the list can be filtered by (those with batches)."""
    rows = (
        producers_visible_to(user_or_access)
        .filter(batches__isnull=False)
        .distinct()
        .order_by("name")
        .values_list("code", "name")[:300]
    )
    return list(rows)


# --- a batch --------------------------------------------------------------------------------


def inputs_of(batch: Batch) -> QuerySet[BatchInput]:
    """One step back: the batch's inputs, with the platform batch each names (its product and
    producer), in the order they were added."""
    return batch.inputs.select_related("input_batch__product", "input_batch__producer").order_by(
        "pk"
    )


def used_in(batch: Batch) -> QuerySet[BatchInput]:
    """The other way: the batches that name this one as an input."""
    return (
        BatchInput.objects.filter(input_batch=batch)
        .select_related("batch__product", "batch__producer")
        .order_by("batch__produced_on", "pk")
    )


def shipments_of(batch: Batch) -> QuerySet[Shipment]:
    return batch.shipments.select_related("buyer_organisation", "destination_unit").order_by(
        "shipped_on", "pk"
    )


def events_of(batch: Batch) -> QuerySet[Event]:
    """The batch's journey: its EPCIS events, oldest first."""
    return Event.objects.filter(batch=batch).order_by("event_time", "pk")


def input_position(batch: Batch, number: int) -> BatchInput:
    """The batch's `number`-th input (1-based, in the order they were added); else 404."""
    if number < 1:
        raise Http404
    found = inputs_of(batch)[number - 1 : number]
    row = next(iter(found), None)
    if row is None:
        raise Http404
    return row


@dataclass
class RecallLevel:
    """One level of "where a batch went": the batches at this distance from the recalled one
    (0: itself; 1: batches made from it; …) and their shipments."""

    depth: int
    batches: list[Batch]
    shipments: list[Shipment] = field(default_factory=list)


def recall_tree(batch: Batch, *, max_levels: int = RECALL_MAX_LEVELS) -> list[RecallLevel]:
    """Where a batch went: its shipments, then the batches made from it (any producer's) and
    their shipments, level by level. One query per level finds the next level's batches, one
    more query all the shipments; a batch met twice is listed once (at its first level)."""
    seen = {batch.pk}
    levels = [RecallLevel(depth=0, batches=[batch])]
    current = [batch.pk]
    while current and len(levels) < max_levels:
        following = list(
            Batch.objects.filter(inputs__input_batch_id__in=current)
            .exclude(pk__in=seen)
            .select_related("product", "producer__commune")
            .distinct()
            .order_by("produced_on", "pk")
        )
        if not following:
            break
        seen.update(item.pk for item in following)
        levels.append(RecallLevel(depth=len(levels), batches=following))
        current = [item.pk for item in following]
    by_batch: dict[int, list[Shipment]] = {}
    shipments = (
        Shipment.objects.filter(batch_id__in=seen)
        .select_related("batch", "buyer_organisation", "destination_unit")
        .order_by("shipped_on", "pk")
    )
    for shipment in shipments:
        by_batch.setdefault(shipment.batch_id, []).append(shipment)
    for level in levels:
        level.shipments = [item for b in level.batches for item in by_batch.get(b.pk, [])]
    return levels


def descendants_of(batch: Batch, *, max_levels: int = RECALL_MAX_LEVELS) -> set[int]:
    """The ids of the batches made (directly or not) from `batch` (to refuse a cycle)."""
    found: set[int] = set()
    current = [batch.pk]
    for _level in range(max_levels):
        following = (
            set(
                BatchInput.objects.filter(input_batch_id__in=current).values_list(
                    "batch_id", flat=True
                )
            )
            - found
        )
        if not following:
            break
        found |= following
        current = list(following)
    return found


def batch_with_relations(batch: Batch) -> Batch:
    """Prefetch what the batch page shows below its facts (inputs, shipments)."""
    return (
        Batch.objects.filter(pk=batch.pk)
        .select_related("product", "producer__commune", "location", "created_by")
        .prefetch_related(
            Prefetch("inputs", queryset=inputs_of(batch)),
            Prefetch("shipments", queryset=shipments_of(batch)),
        )
        .get()
    )


def is_editable(batch: Batch) -> bool:
    return batch.status != BatchStatus.RECALLED


def today_local() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
