from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel
from ocop.producers.enums import ProducerKind, ProducerStatus, Sex


class Producer(CodedModel):
    """A chủ thể OCOP. Changes go through ocop.producers.services; status only through
    change_producer_status."""

    CODE_PREFIX = "CT"
    CODE_LENGTH = 6

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="producer",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ProducerKind.choices)
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    tax_code = models.CharField(_("tax code (MST)"), max_length=14, blank=True)
    registration_number = models.CharField(
        _("business registration number"), max_length=50, blank=True
    )
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="producers",
        verbose_name=_("commune"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Legal representative: the scorecards award points for these.
    representative_name = models.CharField(_("legal representative"), max_length=200)
    representative_sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    representative_ethnicity = models.CharField(_("ethnicity"), max_length=50, default="Kinh")
    representative_disability = models.BooleanField(_("person with a disability"), default=False)
    # Workforce
    workforce_total = models.PositiveIntegerField(_("total workers"), default=0)
    workforce_local = models.PositiveIntegerField(_("local workers"), default=0)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProducerStatus.choices,
        default=ProducerStatus.PENDING,
        db_index=True,
    )
    status_reason = models.TextField(_("reason"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"], condition=~Q(tax_code=""), name="producers_unique_tax_code"
            ),
            models.CheckConstraint(
                condition=Q(workforce_local__lte=models.F("workforce_total")),
                name="producers_local_le_total",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from ocop.core.text import fold  # leaf

        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def representative_is_ethnic_minority(self) -> bool:
        return self.representative_ethnicity.strip().lower() != "kinh"
