from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import TimeStampedModel


class Plan(TimeStampedModel):
    """A year's targets (kế hoạch) for a province, a district (before 1/7/2025) or a commune:
    products to evaluate and rank (≥3★), and how many should reach 3★, 4★ and 5★. Addressed by
    its year and its unit's official code; written only through `ocop.reports.services.plans`."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("administrative unit"),
    )
    products_target = models.PositiveIntegerField(_("products to evaluate and rank"))
    stars_3_target = models.PositiveIntegerField(_("products to reach 3★"), default=0)
    stars_4_target = models.PositiveIntegerField(_("products to reach 4★"), default=0)
    stars_5_target = models.PositiveIntegerField(_("products to reach 5★"), default=0)
    reference = models.CharField(_("plan document"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "unit__name"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="reports_plan_one_per_unit_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2018) & models.Q(year__lte=2100),
                name="reports_plan_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.unit}"
