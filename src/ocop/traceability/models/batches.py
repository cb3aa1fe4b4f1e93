"""Locations, batches (lô) with their inputs (one step back) and shipments (one step forward),
as Circular 02/2024/TT-BKHCN asks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models.base import CodedModel
from ocop.traceability.enums import BatchStatus, LocationKind


class Location(CodedModel):
    """A place where events happen: the producer's farm, workshop, warehouse, a shop. Identified
    by its GLN when the producer has one, else by the platform's location code (`code`)."""

    CODE_PREFIX = "DD"
    CODE_LENGTH = 6

    producer = models.ForeignKey(
        "producers.Producer",
        on_delete=models.CASCADE,
        related_name="locations",
        verbose_name=_("producer"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=LocationKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    gln = models.CharField(_("GLN"), max_length=13, blank=True, help_text=_("13 digits, if any."))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("gln",), condition=~models.Q(gln=""), name="location_gln_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Batch(CodedModel):
    """A production lot of a product: AI 10 `lot` (unique per product), dates, quantity, place."""

    CODE_PREFIX = "LO"
    CODE_LENGTH = 7

    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("product"),
    )
    producer = models.ForeignKey(
        "producers.Producer",
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("producer"),
    )
    lot = models.CharField(
        _("lot number"), max_length=20, help_text=_("Up to 20 letters, digits or - . / _")
    )
    produced_on = models.DateField(_("production date"))
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20)
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("place of production"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BatchStatus.choices,
        default=BatchStatus.OPEN,
        db_index=True,
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ("-produced_on", "-id")
        constraints = [
            models.UniqueConstraint(fields=("product", "lot"), name="batch_lot_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.lot} · {self.product_id}"


class BatchInput(models.Model):
    """One step back: a raw material of the batch, from a platform batch or an outside
    supplier's lot."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="inputs")
    input_batch = models.ForeignKey(
        Batch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="used_in",
        verbose_name=_("batch on the platform"),
    )
    material = models.CharField(_("material"), max_length=200)
    supplier_name = models.CharField(_("supplier"), max_length=255, blank=True)
    supplier_lot = models.CharField(_("supplier's lot"), max_length=20, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)

    class Meta:
        verbose_name = _("input")
        verbose_name_plural = _("inputs")
        ordering = ("id",)

    def __str__(self) -> str:
        return self.material


class Shipment(CodedModel):
    """One step forward: where (part of) a batch went, so that a recall can list it."""

    CODE_PREFIX = "GH"
    CODE_LENGTH = 7

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="shipments")
    buyer_name = models.CharField(_("buyer"), max_length=255)
    buyer_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("buyer on the platform"),
    )
    destination = models.CharField(_("destination"), max_length=300, blank=True)
    destination_unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("destination commune"),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20)
    shipped_on = models.DateField(_("shipped on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ("-shipped_on", "-id")

    def __str__(self) -> str:
        return f"{self.code} · {self.buyer_name}"
