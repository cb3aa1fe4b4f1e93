"""Keeps the catalogue's search index in step with the apps below it.

The registry and the certificates never call the catalogue (ARCHITECTURE.md: nothing points back
up); the catalogue listens to their `post_save`/`post_delete` and refreshes the product's row
after the commit (so a rolled-back change leaves the index alone). Bulk writes that bypass
signals (`bulk_create`, `QuerySet.update`) are followed by `ocop catalog-rebuild` (also worth a
daily cron entry after `ocop certificates-sweep`, as a safety net: the sweep itself saves each
certificate it changes, so its changes reach the index through these signals).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ocop.certificates.models import Certificate
from ocop.producers.models import Producer
from ocop.products.models import Product, ProductPhoto


def _later(product_ids: list[int]) -> None:
    if not product_ids:
        return

    def run() -> None:
        from ocop.catalog.services.index import refresh_products

        refresh_products(product_ids)

    transaction.on_commit(run)


@receiver(post_save, sender=Product, dispatch_uid="catalog_product_saved")
def _product_saved(sender: Any, instance: Product, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _later([instance.pk])


@receiver(post_save, sender=Certificate, dispatch_uid="catalog_certificate_saved")
@receiver(post_delete, sender=Certificate, dispatch_uid="catalog_certificate_deleted")
def _certificate_changed(
    sender: Any, instance: Certificate, raw: bool = False, **kwargs: Any
) -> None:
    if not raw and instance.product_id:
        _later([instance.product_id])


@receiver(post_save, sender=ProductPhoto, dispatch_uid="catalog_photo_saved")
@receiver(post_delete, sender=ProductPhoto, dispatch_uid="catalog_photo_deleted")
def _photo_changed(sender: Any, instance: ProductPhoto, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _later([instance.product_id])


@receiver(post_save, sender=Producer, dispatch_uid="catalog_producer_saved")
def _producer_saved(sender: Any, instance: Producer, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    _later(list(Product.objects.filter(producer=instance).values_list("pk", flat=True)))
