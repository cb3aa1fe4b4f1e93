"""Moves the generations of the trace pages when what they show is saved or deleted
(`services/trace_cache.py`): the processes' copies of those traces are then read again.

The apps below (products, producers, certificates, geo) never call traceability (ARCHITECTURE.md:
nothing points back up): traceability listens to their `post_save`/`post_delete`, as the
catalogue does. Bulk writes skip the signals: the traceability services that write in bulk call
`forget_traces` themselves. Without REDIS_URL every receiver returns at once (no process keeps
a copy).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ocop.certificates.models import Certificate
from ocop.geo.models import AdministrativeUnit
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.traceability.enums import ScanWarning
from ocop.traceability.models import Batch, Event, Location, Scan, Stamp
from ocop.traceability.services.trace_cache import enabled, forget_traces


def _skip(kwargs: dict[str, Any]) -> bool:
    return bool(kwargs.get("raw")) or not enabled()


@receiver(post_save, sender=Product, dispatch_uid="trace_product_saved")
@receiver(post_delete, sender=Product, dispatch_uid="trace_product_deleted")
def _product_changed(sender: Any, instance: Product, **kwargs: Any) -> None:
    if not _skip(kwargs):
        forget_traces(product_ids=[instance.pk])


@receiver(post_save, sender=Certificate, dispatch_uid="trace_certificate_saved")
@receiver(post_delete, sender=Certificate, dispatch_uid="trace_certificate_deleted")
def _certificate_changed(sender: Any, instance: Certificate, **kwargs: Any) -> None:
    if not _skip(kwargs):
        forget_traces(product_ids=[instance.product_id])


@receiver(post_save, sender=Producer, dispatch_uid="trace_producer_saved")
@receiver(post_delete, sender=Producer, dispatch_uid="trace_producer_deleted")
def _producer_changed(sender: Any, instance: Producer, **kwargs: Any) -> None:
    if not _skip(kwargs):
        forget_traces(producer_ids=[instance.pk])


@receiver(post_save, sender=AdministrativeUnit, dispatch_uid="trace_unit_saved")
@receiver(post_delete, sender=AdministrativeUnit, dispatch_uid="trace_unit_deleted")
def _unit_changed(sender: Any, instance: AdministrativeUnit, **kwargs: Any) -> None:
    # A commune's or a province's name is on the pages of all its producers: every page.
    if not _skip(kwargs):
        forget_traces(everything=True)


@receiver(post_save, sender=Batch, dispatch_uid="trace_batch_saved")
@receiver(post_delete, sender=Batch, dispatch_uid="trace_batch_deleted")
def _batch_changed(sender: Any, instance: Batch, **kwargs: Any) -> None:
    if not _skip(kwargs):
        forget_traces(product_ids=[instance.product_id])


@receiver(post_save, sender=Stamp, dispatch_uid="trace_stamp_saved")
@receiver(post_delete, sender=Stamp, dispatch_uid="trace_stamp_deleted")
def _stamp_changed(sender: Any, instance: Stamp, **kwargs: Any) -> None:
    if not _skip(kwargs):
        forget_traces(batch_ids=[instance.batch_id])


@receiver(post_save, sender=Event, dispatch_uid="trace_event_saved")
@receiver(post_delete, sender=Event, dispatch_uid="trace_event_deleted")
def _event_changed(sender: Any, instance: Event, **kwargs: Any) -> None:
    if not _skip(kwargs):
        forget_traces(batch_ids=[instance.batch_id])


@receiver(post_save, sender=Location, dispatch_uid="trace_location_saved")
@receiver(post_delete, sender=Location, dispatch_uid="trace_location_deleted")
def _location_changed(sender: Any, instance: Location, **kwargs: Any) -> None:
    # The journeys of the producer's batches name its places.
    if not _skip(kwargs):
        forget_traces(producer_ids=[instance.producer_id])


@receiver(post_save, sender=Scan, dispatch_uid="trace_scan_saved")
@receiver(post_delete, sender=Scan, dispatch_uid="trace_scan_deleted")
def _scan_changed(sender: Any, instance: Scan, **kwargs: Any) -> None:
    # A scan found too far from another: every later visit of the stamp's page warns.
    if instance.warning == ScanWarning.TOO_FAR and not _skip(kwargs):
        forget_traces(product_ids=[instance.product_id])
