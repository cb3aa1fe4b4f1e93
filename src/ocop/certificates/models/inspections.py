"""Post-certification checks (hậu kiểm, QĐ 26/2026 Điều 9): planned and unannounced inspections of
a certified product, their findings and the follow-up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.certificates.enums import InspectionKind, InspectionOutcome, InspectionStatus
from ocop.core.models.base import CodedModel


class Inspection(CodedModel):
    CODE_PREFIX = "HK"
    CODE_LENGTH = 6

    certificate = models.ForeignKey(
        "certificates.Certificate",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("certificate"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
        db_index=True,
    )
    planned_on = models.DateField(_("planned for"))
    carried_out_on = models.DateField(_("carried out on"), null=True, blank=True)
    inspectors = models.CharField(_("inspectors"), max_length=300, blank=True)
    # What the check covers (Điều 9: the criteria of the dossier, use of the mark, information).
    checks_criteria = models.BooleanField(_("product still meets the criteria"), default=True)
    checks_mark_use = models.BooleanField(_("use of the OCOP mark"), default=True)
    checks_information = models.BooleanField(_("product information and promotion"), default=True)
    findings = models.TextField(_("findings"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=InspectionOutcome.choices, blank=True
    )
    follow_up = models.TextField(_("follow-up required"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    closed_on = models.DateField(_("follow-up closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ("-planned_on", "-created_at")

    def __str__(self) -> str:
        return f"{self.code} · {self.certificate.number}"
