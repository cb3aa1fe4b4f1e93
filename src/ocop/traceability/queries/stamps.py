"""Reads of a batch's stamps: the counts by status, the list (in the order of issue, which is the
order of the label sheets) and the stamps of a label PDF. The batch has passed `access_batch`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from ocop.traceability.enums import StampStatus
from ocop.traceability.models import Batch, Stamp


@dataclass(frozen=True)
class StampSummary:
    issued: int = 0
    active: int = 0
    void: int = 0
    scans: int = 0

    @property
    def total(self) -> int:
        return self.issued + self.active + self.void

    @property
    def printable(self) -> int:
        return self.issued + self.active


def stamp_summary(batch: Batch) -> StampSummary:
    """How many stamps of the batch are issued, active and void, and their scans (one query)."""
    counts = batch.stamps.aggregate(
        issued=Count("pk", filter=Q(status=StampStatus.ISSUED)),
        active=Count("pk", filter=Q(status=StampStatus.ACTIVE)),
        void=Count("pk", filter=Q(status=StampStatus.VOID)),
        scans=Sum("scan_count"),
    )
    return StampSummary(**{name: int(value or 0) for name, value in counts.items()})


def stamps_of(batch: Batch, *, status: str | None = None) -> QuerySet[Stamp]:
    """The batch's stamps in the order of issue; `status` narrows them (unknown: all)."""
    queryset = batch.stamps.order_by("pk")
    if status in StampStatus.values:
        queryset = queryset.filter(status=status)
    return queryset


def printable_stamps(batch: Batch, status: str | None = None) -> QuerySet[Stamp]:
    """The stamps a label sheet prints: issued and active ones (void stamps are never printed
    again), or only those of `status`."""
    if status in (StampStatus.ISSUED, StampStatus.ACTIVE):
        return stamps_of(batch, status=status)
    return stamps_of(batch).exclude(status=StampStatus.VOID)
