"""Keeps the catalogue's search index in step with the apps below it.

The registry and the certificates never call the catalogue (ARCHITECTURE.md: nothing points back
up); the catalogue listens to their `post_save`/`post_delete` and refreshes the product's row
after the commit (so a rolled-back change leaves the index alone). Bulk writes that bypass
signals (`bulk_create`, `QuerySet.update`) are followed by `ocop catalog-rebuild` (also worth a
daily cron entry after `ocop certificates-sweep`, as a safety net: the sweep itself saves each
certificate it changes, so its changes reach the index through these signals).

The same signals move the generations of the cached public pages (`ocop.core.pagecache`,
docs/developer/caching.md), after the index's refresh in the same commit: a change to a
product, its photos, its certificates (and their revocations), its producer, its store links or
the points of sale that carry it moves the generations of every page of that producer (the
producer's page, each of its products' pages, each of its certificates' verification pages)
and the catalogue's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ocop.certificates.models import Certificate, Revocation
from ocop.core import pagecache
from ocop.producers.models import Producer
from ocop.products.models import Product, ProductPhoto
from ocop.trade.models import PointOfSale, PointOfSaleProduct, StoreLink


def _later(product_ids: list[int]) -> None:
    if not product_ids:
        return

    def run() -> None:
        from ocop.catalog.services.index import refresh_products

        refresh_products(product_ids)

    transaction.on_commit(run)


def _pages(
    *,
    producer_ids: Iterable[int | None] = (),
    product_ids: Iterable[int | None] = (),
    point_ids: Iterable[int | None] = (),
    names: Iterable[str] = (),
) -> None:
    """After the commit (and the index's refresh registered before): move the generations of
    every public page of the producers named, of the products' producers and of the producers
    of the products the points of sale carry (and the generations `names`)."""
    producers = {pk for pk in producer_ids if pk is not None}
    products = {pk for pk in product_ids if pk is not None}
    points = {pk for pk in point_ids if pk is not None}
    extra = list(names)

    def run() -> None:
        found = set(producers)
        if points:
            products.update(
                PointOfSaleProduct.objects.filter(point_id__in=points).values_list(
                    "product_id", flat=True
                )
            )
        if products:
            found.update(
                Product.objects.filter(pk__in=products).values_list("producer_id", flat=True)
            )
        names = [pagecache.CATALOGUE, *extra]
        names += [
            pagecache.producer(code)
            for code in Producer.objects.filter(pk__in=found).values_list("code", flat=True)
        ]
        names += [
            pagecache.product(code)
            for code in Product.objects.filter(producer_id__in=found).values_list("code", flat=True)
        ]
        names += [
            pagecache.certificate(code)
            for code in Certificate.objects.filter(producer_id__in=found).values_list(
                "verification_code", flat=True
            )
        ]
        pagecache.bump(names)

    transaction.on_commit(run)


@receiver(post_save, sender=Product, dispatch_uid="catalog_product_saved")
def _product_saved(sender: Any, instance: Product, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _later([instance.pk])
        _pages(producer_ids=[instance.producer_id], names=[pagecache.product(instance.code)])


@receiver(post_delete, sender=Product, dispatch_uid="catalog_product_deleted_pages")
def _product_deleted(sender: Any, instance: Product, **kwargs: Any) -> None:
    _pages(producer_ids=[instance.producer_id], names=[pagecache.product(instance.code)])


@receiver(post_save, sender=Certificate, dispatch_uid="catalog_certificate_saved")
@receiver(post_delete, sender=Certificate, dispatch_uid="catalog_certificate_deleted")
def _certificate_changed(
    sender: Any, instance: Certificate, raw: bool = False, **kwargs: Any
) -> None:
    if not raw and instance.product_id:
        _later([instance.product_id])
    if not raw:
        _pages(
            producer_ids=[instance.producer_id],
            product_ids=[instance.product_id],
            names=[pagecache.certificate(instance.verification_code)],
        )


@receiver(post_save, sender=Revocation, dispatch_uid="catalog_revocation_saved_pages")
def _revocation_saved(sender: Any, instance: Revocation, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _pages(producer_ids=[instance.certificate.producer_id])


@receiver(post_save, sender=ProductPhoto, dispatch_uid="catalog_photo_saved")
@receiver(post_delete, sender=ProductPhoto, dispatch_uid="catalog_photo_deleted")
def _photo_changed(sender: Any, instance: ProductPhoto, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _later([instance.product_id])
        _pages(product_ids=[instance.product_id])


@receiver(post_save, sender=Producer, dispatch_uid="catalog_producer_saved")
def _producer_saved(sender: Any, instance: Producer, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    _later(list(Product.objects.filter(producer=instance).values_list("pk", flat=True)))
    _pages(producer_ids=[instance.pk])


@receiver(post_save, sender=StoreLink, dispatch_uid="catalog_store_link_saved_pages")
@receiver(post_delete, sender=StoreLink, dispatch_uid="catalog_store_link_deleted_pages")
@receiver(post_save, sender=PointOfSaleProduct, dispatch_uid="catalog_point_product_saved_pages")
@receiver(
    post_delete, sender=PointOfSaleProduct, dispatch_uid="catalog_point_product_deleted_pages"
)
def _product_link_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _pages(product_ids=[instance.product_id])


@receiver(post_save, sender=PointOfSale, dispatch_uid="catalog_point_saved_pages")
def _point_saved(sender: Any, instance: PointOfSale, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _pages(point_ids=[instance.pk])
