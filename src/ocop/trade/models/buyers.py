from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel
from ocop.core.text import fold
from ocop.trade.enums import BuyerKind, BuyerStatus


class Buyer(CodedModel):
    """A buyer on the supply–demand board (a supermarket chain, a shop, an exporter, a
    restaurant …): its organisation (kind BUYER) holds the users with the BUYER role. Registered
    by the buyer, approved by the provincial office; status only through `change_buyer_status`."""

    CODE_PREFIX = "MB"

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="buyer",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind of buyer"), max_length=30, choices=BuyerKind.choices)
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    tax_code = models.CharField(_("tax code (MST)"), max_length=14, blank=True)
    address = models.CharField(_("address"), max_length=300)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("about the buyer"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=BuyerStatus.choices,
        default=BuyerStatus.PENDING,
        db_index=True,
    )
    status_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)
