from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel
from ocop.core.text import fold
from ocop.trade.enums import ConnectionStatus, DemandStatus, OfferStatus


class Demand(CodedModel):
    """A buyer's demand on the board (nhu cầu): what, how much, when, where to deliver, the least
    stars and the certifications required. Status only through `change_demand_status`."""

    CODE_PREFIX = "NC"

    buyer = models.ForeignKey(
        "trade.Buyer", on_delete=models.PROTECT, related_name="demands", verbose_name=_("buyer")
    )
    title = models.CharField(_("title"), max_length=255)
    group_code = models.CharField(_("product group"), max_length=20, blank=True)
    group_name = models.CharField(_("product group"), max_length=300, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    keywords_folded = models.CharField(max_length=300, blank=True, editable=False)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=30)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    delivery_units = models.ManyToManyField(
        "geo.AdministrativeUnit",
        blank=True,
        related_name="+",
        verbose_name=_("delivery area"),
        help_text=_("Empty: anywhere in the province."),
    )
    min_stars = models.PositiveSmallIntegerField(_("least stars"), null=True, blank=True)
    certifications = models.JSONField(_("certifications required"), default=list, blank=True)
    description = models.TextField(_("details"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DemandStatus.choices,
        default=DemandStatus.OPEN,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="trade_demand_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="trade_demand_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(min_stars__isnull=True)
                | models.Q(min_stars__gte=3, min_stars__lte=5),
                name="trade_demand_stars_3_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.keywords_folded = fold(self.keywords)
        super().save(*args, **kwargs)


class Offer(CodedModel):
    """A producer's offer on the board (chào bán): a product, the capacity per month, the season,
    a price range and where it can deliver."""

    CODE_PREFIX = "CB"

    producer = models.ForeignKey(
        "producers.Producer",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("producer"),
    )
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("product"),
    )
    capacity_per_month = models.DecimalField(
        _("capacity per month"), max_digits=14, decimal_places=2
    )
    unit = models.CharField(_("unit"), max_length=30)
    season_months = models.JSONField(
        _("season (months)"),
        default=list,
        blank=True,
        help_text=_("The months of supply (1–12); empty: all year."),
    )
    price_min = models.DecimalField(
        _("lowest price (VND)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    price_max = models.DecimalField(
        _("highest price (VND)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    delivery_units = models.ManyToManyField(
        "geo.AdministrativeUnit",
        blank=True,
        related_name="+",
        verbose_name=_("delivery area"),
        help_text=_("Empty: anywhere in the province."),
    )
    certifications = models.JSONField(_("certifications held"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OfferStatus.choices,
        default=OfferStatus.OPEN,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity_per_month__gt=0),
                name="trade_offer_capacity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(price_min__isnull=True)
                | models.Q(price_max__isnull=True)
                | models.Q(price_max__gte=models.F("price_min")),
                name="trade_offer_prices_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.producer})"


class DemandNotice(models.Model):
    """That a producer was told of a demand that fits it (each producer once per demand)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="notices")
    producer = models.ForeignKey("producers.Producer", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["demand", "producer"], name="trade_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} → {self.producer_id}"


class Connection(CodedModel):
    """A buyer's contact request to a producer (about a demand, a product or an offer), followed
    to its end: new, contacted, sample sent, deal, closed without a deal. Status only through
    `change_connection_status` (which writes the audit row), so officials can count what the
    programme connected."""

    CODE_PREFIX = "KN"

    buyer = models.ForeignKey("trade.Buyer", on_delete=models.PROTECT, related_name="connections")
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.PROTECT, related_name="connections"
    )
    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.PROTECT, related_name="connections"
    )
    product = models.ForeignKey(
        "products.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="connections",
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="connections"
    )
    message = models.TextField(_("message"))
    reasons = models.JSONField(_("why they were matched"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.NEW,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "producer"],
                condition=models.Q(demand__isnull=False),
                name="trade_one_connection_per_demand_producer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.buyer} → {self.producer}"
