"""OCOP certificates (giấy chứng nhận sản phẩm OCOP, QĐ 26/2026 Điều 4.3): one per product and
recognition, valid 36 months from the decision.

A certificate copies what it certifies at issue (product and producer names, the unit, stars,
criteria set, decision number and date): it is a document, and later edits of the registry do
not change what was printed. `verification_code` is `<code>-<MAC>`, the MAC an HMAC of those
fields (`ocop.certificates.signing`): a printed code whose fields were altered, in the paper or in
the database, no longer verifies.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop.certificates.enums import Authority, CertificateStatus, NoticeKind, VerificationState
from ocop.core.models.base import CodedModel


class Certificate(CodedModel):
    CODE_PREFIX = "C"
    CODE_LENGTH = 8

    number = models.CharField(_("certificate number"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence in the year"))
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
        help_text=_("The province whose numbering the certificate follows."),
    )
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("product"),
    )
    producer = models.ForeignKey(
        "producers.Producer",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("producer"),
    )
    # What was certified, copied at issue.
    product_name = models.CharField(_("product name"), max_length=255)
    producer_name = models.CharField(_("producer name"), max_length=255)
    unit_name = models.CharField(_("administrative unit"), max_length=255, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"))
    mean_total = models.DecimalField(
        _("mean score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # The criteria set of the platform it was evaluated under; a certificate recorded from a
    # paper decision of a period whose criteria the platform does not hold (QĐ 148/2023) has
    # none, and names them in `criteria_code` / `criteria_name` (which every certificate has).
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("criteria set"),
    )
    criteria_code = models.CharField(_("criteria code"), max_length=40)
    criteria_name = models.CharField(_("criteria"), max_length=255)
    # The decision: a platform decision, or (certificates issued before the platform) only its
    # number and date.
    decision = models.ForeignKey(
        "evaluation.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("decision"),
    )
    decision_item = models.OneToOneField(
        "evaluation.DecisionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
    )
    decision_number = models.CharField(_("decision number"), max_length=60)
    decided_on = models.DateField(_("decision date"))
    authority = models.CharField(_("issuing authority"), max_length=10, choices=Authority.choices)
    authority_name = models.CharField(_("name of the issuing authority"), max_length=255)
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(_("expiry date"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
        db_index=True,
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=pgettext_lazy("certificate", "replaces"),
    )
    verification_code = models.CharField(
        _("verification code"), max_length=60, unique=True, editable=False
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ("-issued_on", "-sequence")
        constraints = [
            models.UniqueConstraint(
                fields=("province", "year", "sequence"), name="certificate_number_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(stars__gte=3, stars__lte=5), name="certificate_three_stars_up"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("decided_on")),
                name="certificate_expires_after_decision",
            ),
        ]
        indexes = [models.Index(fields=("status", "expires_on"))]

    def __str__(self) -> str:
        return f"{self.number} · {self.product_name} ({self.stars}★)"

    @property
    def valid_until(self) -> dt.date:
        """The last day the certificate is valid: the day before `expires_on`, the day it
        expires (36 months from the decision's day: signed 30/06/2026, valid until 29/06/2029,
        expired on 30/06/2029)."""
        return self.expires_on - dt.timedelta(days=1)

    def state_on(self, day: dt.date, expiring_days: int | None = None) -> str:
        """The verification state on `day` (a VerificationState value).

        The stored status is the truth for revoked and superseded; a valid certificate whose
        expiry date has passed reads as expired even before the daily sweep wrote it."""
        if self.status in (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED):
            return str(self.status)
        if self.status == CertificateStatus.EXPIRED or day >= self.expires_on:
            return VerificationState.EXPIRED
        window = settings.OCOP_CERTIFICATE_EXPIRING_DAYS if expiring_days is None else expiring_days
        if (self.expires_on - day).days <= window:
            return VerificationState.EXPIRING
        return VerificationState.VALID


class CertificateNotice(models.Model):
    """A life-cycle notice the sweep sent: at most one of each kind per certificate, which is what
    makes the sweep idempotent (the unique constraint, not a flag read and written)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate notice")
        verbose_name_plural = _("certificate notices")
        constraints = [
            models.UniqueConstraint(fields=("certificate", "kind"), name="one_notice_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} · {self.kind} · {self.sent_on:%d/%m/%Y}"
