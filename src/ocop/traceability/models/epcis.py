"""EPCIS 2.0 events, stored whole (`document`, as captured) with the columns the queries filter
on, and one row per identifier (`EventEPC`) for MATCH_epc / MATCH_anyEPC. Idempotent by the CBV
2.0 event hash (`hash`, unique)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.traceability.enums import CaptureStatus, EpcRole


class CaptureJob(models.Model):
    """One POST /epcis/capture: readable back at /epcis/capture/{capture_id}."""

    capture_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=CaptureStatus.choices, default=CaptureStatus.RUNNING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    size_bytes = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)  # events in the document
    stored_count = models.PositiveIntegerField(default=0)  # new events stored (not duplicates)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("capture job")
        verbose_name_plural = _("capture jobs")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return str(self.capture_id)


class Event(models.Model):
    job = models.ForeignKey(CaptureJob, on_delete=models.PROTECT, related_name="events")
    hash = models.CharField(max_length=100, unique=True)  # ni:///sha-256;…?ver=CBV2.0
    event_id = models.CharField(max_length=300)  # the eventID given, or the hash
    event_type = models.CharField(max_length=24, db_index=True)
    action = models.CharField(max_length=8, blank=True)
    event_time = models.DateTimeField(db_index=True)
    event_time_zone_offset = models.CharField(max_length=6)
    record_time = models.DateTimeField(auto_now_add=True)
    biz_step = models.CharField(max_length=200, blank=True, db_index=True)
    disposition = models.CharField(max_length=200, blank=True)
    read_point = models.CharField(max_length=300, blank=True)
    biz_location = models.CharField(max_length=300, blank=True, db_index=True)
    document = models.JSONField()
    producer = models.ForeignKey(
        "producers.Producer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    batch = models.ForeignKey(
        "traceability.Batch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )

    class Meta:
        verbose_name = _("EPCIS event")
        verbose_name_plural = _("EPCIS events")
        ordering = ("event_time", "id")
        indexes = [models.Index(fields=("batch", "event_time"))]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_time:%Y-%m-%d %H:%M}"


class EventEPC(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="epcs")
    epc = models.CharField(max_length=300)
    role = models.CharField(max_length=16, choices=EpcRole.choices)

    class Meta:
        indexes = [models.Index(fields=("epc", "event"))]

    def __str__(self) -> str:
        return self.epc
