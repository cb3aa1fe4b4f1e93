"""Traceability in the admin, read-only: every change goes through the services (the checks of
lots and GLNs, the transitions of batches and stamps, the EPCIS capture and the activity log)."""

from __future__ import annotations

from django.contrib import admin

from ocop.core.admin import ReadOnlyAdmin
from ocop.traceability.models import (
    Batch,
    BatchInput,
    CaptureJob,
    Event,
    Location,
    Scan,
    Shipment,
    Stamp,
)


@admin.register(Location)
class LocationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "producer", "gln", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("producer",)
    search_fields = ("code", "name", "gln", "producer__name")


class BatchInputInline(admin.TabularInline):
    model = BatchInput
    fk_name = "batch"
    extra = 0
    can_delete = False
    readonly_fields = (
        "input_batch",
        "material",
        "supplier_name",
        "supplier_lot",
        "quantity",
        "unit",
        "received_on",
    )

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ("code", "lot", "product", "producer", "produced_on", "expires_on", "status")
    list_filter = ("status",)
    list_select_related = ("product", "producer")
    search_fields = ("code", "lot", "product__name", "producer__name")
    readonly_fields = ("code", "created_at", "updated_at")
    date_hierarchy = "produced_on"
    inlines = (BatchInputInline,)


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "batch", "buyer_name", "quantity", "unit", "shipped_on")
    list_select_related = ("batch",)
    search_fields = ("code", "buyer_name", "batch__code", "batch__lot")
    date_hierarchy = "shipped_on"


@admin.register(Stamp)
class StampAdmin(ReadOnlyAdmin):
    list_display = ("short_code", "gtin", "serial", "batch", "status", "scan_count")
    list_filter = ("status",)
    list_select_related = ("batch",)
    search_fields = ("short_code", "serial", "gtin", "batch__code")


@admin.register(Scan)
class ScanAdmin(ReadOnlyAdmin):
    list_display = ("scanned_at", "product", "batch", "stamp", "warning")
    list_filter = ("warning",)
    list_select_related = ("product", "batch", "stamp")
    date_hierarchy = "scanned_at"


@admin.register(CaptureJob)
class CaptureJobAdmin(ReadOnlyAdmin):
    list_display = ("capture_id", "status", "created_at", "event_count", "stored_count")
    list_filter = ("status",)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("event_time", "event_type", "biz_step", "batch", "producer")
    list_filter = ("event_type",)
    list_select_related = ("batch", "producer")
    search_fields = ("event_id", "hash", "biz_step", "batch__code")
    date_hierarchy = "event_time"
