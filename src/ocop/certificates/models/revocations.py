"""Revocations (thu hồi, QĐ 26/2026 Điều 8): the office proposes on a ground with its basis (an
inspection or an authority's conclusion), the authority that issued the certificate decides
within 15 days of the conclusion."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.certificates.enums import Authority, RevocationGround, RevocationStatus
from ocop.core.models.base import CodedModel


class Revocation(CodedModel):
    CODE_PREFIX = "TH"
    CODE_LENGTH = 6

    certificate = models.ForeignKey(
        "certificates.Certificate",
        on_delete=models.PROTECT,
        related_name="revocations",
        verbose_name=_("certificate"),
    )
    ground = models.CharField(_("ground"), max_length=24, choices=RevocationGround.choices)
    authority = models.CharField(_("deciding authority"), max_length=10, choices=Authority.choices)
    basis = models.CharField(
        _("basis"),
        max_length=300,
        help_text=_("The conclusion or document the revocation rests on, with its number."),
    )
    concluded_on = models.DateField(_("date of the conclusion"))
    due_on = models.DateField(_("decide by"))
    inspection = models.ForeignKey(
        "certificates.Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revocations",
        verbose_name=_("inspection"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RevocationStatus.choices,
        default=RevocationStatus.PROPOSED,
        db_index=True,
    )
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_number = models.CharField(_("revocation decision number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    # The decider's note: why the certificate is not revoked (rejected), or a note on the decision.
    decision_note = models.TextField(_("note of the decision"), blank=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")
        ordering = ("-created_at",)
        constraints = [
            # At most one open proposal per certificate.
            models.UniqueConstraint(
                fields=("certificate",),
                condition=models.Q(status=RevocationStatus.PROPOSED),
                name="one_open_revocation_per_certificate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.certificate.number}"
