"""Stamps (tem): serials (AI 21, unique per GTIN) issued for a batch, printed as GS1 Digital Link
QR codes; and the scans of consumers (no personal data: the time and, when the phone shares it,
a coarse place)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.traceability.enums import ScanWarning, StampStatus


class Stamp(models.Model):
    batch = models.ForeignKey("traceability.Batch", on_delete=models.PROTECT, related_name="stamps")
    gtin = models.CharField(_("GTIN"), max_length=14)  # GTIN-14 form
    serial = models.CharField(_("serial"), max_length=20)
    short_code = models.CharField(_("short code"), max_length=12, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=StampStatus.choices,
        default=StampStatus.ISSUED,
        db_index=True,
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    # Kept on the stamp so that the trace page needs no count query.
    scan_count = models.PositiveIntegerField(default=0)
    first_scanned_at = models.DateTimeField(null=True, blank=True)
    last_scanned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stamp")
        verbose_name_plural = _("stamps")
        constraints = [
            models.UniqueConstraint(fields=("gtin", "serial"), name="stamp_serial_per_gtin")
        ]

    def __str__(self) -> str:
        return f"{self.gtin}/{self.serial}"


class Scan(models.Model):
    stamp = models.ForeignKey(
        Stamp, on_delete=models.CASCADE, null=True, blank=True, related_name="scans"
    )
    batch = models.ForeignKey(
        "traceability.Batch",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scans",
    )
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="scans")
    scanned_at = models.DateTimeField()  # indexed with `warning` below
    # Rounded to 0.1° (about 11 km) before storing: a coarse place, never a person's position.
    latitude = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    longitude = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    warning = models.CharField(max_length=12, choices=ScanWarning.choices, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        indexes = [
            models.Index(fields=("product", "scanned_at")),
            # The officials' dashboard counts a period's scans and the flagged ones: the index
            # answers both without reading the table (bench/dashboard_bench.py: on SQLite with a
            # million scans the dashboard went from 859 ms to about 110 ms).
            models.Index(fields=("scanned_at", "warning"), name="scan_time_warning"),
            # The trace page asks whether a stamp was ever scanned too far from another: an
            # index of those few scans answers at once, however often the stamp was scanned.
            models.Index(
                fields=("stamp",),
                condition=models.Q(warning=ScanWarning.TOO_FAR),
                name="scan_too_far_per_stamp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.scanned_at:%d/%m/%Y %H:%M}"
