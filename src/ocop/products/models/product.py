from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel
from ocop.core.text import fold
from ocop.products.enums import ProductStatus


class Product(CodedModel):
    """A producer's product. Changes go through ocop.products.services; status only through
    change_product_status.

    Classification: the OCOP classification (the leaf of ngành/nhóm/phân nhóm that picks the
    scorecard, QĐ 26/2026 Phụ lục I) is a node of the criteria app's classification. Only a node
    with a scorecard (a leaf) of a criteria set usable for new scoring may be chosen
    (`ocop.products.queries.classification.classification_problem`, checked by the services).
    """

    CODE_PREFIX = "SP"
    CODE_LENGTH = 7

    producer = models.ForeignKey(
        "producers.Producer",
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("producer"),
    )
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    description = models.TextField(_("description"), blank=True)
    gtin = models.CharField(_("GTIN (barcode)"), max_length=14, blank=True)
    producer_sku = models.CharField(_("producer's own code"), max_length=50, blank=True)
    classification = models.ForeignKey(
        "criteria.ClassificationNode",
        verbose_name=_("OCOP classification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProductStatus.choices,
        default=ProductStatus.ACTIVE,
        db_index=True,
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gtin"], condition=~Q(gtin=""), name="products_unique_gtin"
            ),
            models.UniqueConstraint(
                fields=["producer", "producer_sku"],
                condition=~Q(producer_sku=""),
                name="products_unique_sku",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class ProductPhoto(models.Model):
    """A photo of a product: a StoredFile (JPEG, PNG or WebP) served only through the product's
    permission-checked photo view."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.file.original_name
