from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel, TimeStampedModel
from ocop.core.text import fold
from ocop.trade.enums import PointOfSaleKind, PointOfSaleStatus, StorePlatform


class PointOfSale(CodedModel):
    """A place where OCOP products are sold (điểm giới thiệu và bán sản phẩm OCOP, a supermarket,
    a shop, a fair): kept by the provincial office (or the buyer that runs it)."""

    CODE_PREFIX = "DB"

    kind = models.CharField(_("kind"), max_length=20, choices=PointOfSaleKind.choices)
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    address = models.CharField(_("address"), max_length=300)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    operator_name = models.CharField(_("operated by"), max_length=255, blank=True)
    buyer = models.ForeignKey(
        "trade.Buyer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="points_of_sale",
        verbose_name=_("buyer that runs it"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PointOfSaleStatus.choices,
        default=PointOfSaleStatus.OPEN,
        db_index=True,
    )
    products = models.ManyToManyField(
        "products.Product",
        through="trade.PointOfSaleProduct",
        related_name="points_of_sale",
        verbose_name=_("products carried"),
    )

    class Meta:
        verbose_name = _("point of sale")
        verbose_name_plural = _("points of sale")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="trade_point_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class PointOfSaleProduct(models.Model):
    point = models.ForeignKey(PointOfSale, on_delete=models.CASCADE, related_name="carried")
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product carried")
        verbose_name_plural = _("products carried")
        constraints = [
            models.UniqueConstraint(fields=["point", "product"], name="trade_point_product_once")
        ]

    def __str__(self) -> str:
        return f"{self.point_id} → {self.product_id}"


class StoreLink(TimeStampedModel):
    """A product's page on an e-commerce store (Shopee, Tiki, Postmart …) or the producer's own
    site: the platform links out, it never sells."""

    product = models.ForeignKey(
        "products.Product", on_delete=models.CASCADE, related_name="store_links"
    )
    platform = models.CharField(_("store"), max_length=20, choices=StorePlatform.choices)
    url = models.URLField(_("address (URL)"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("store link")
        verbose_name_plural = _("store links")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "url"], name="trade_store_link_once")
        ]

    def __str__(self) -> str:
        return self.url
