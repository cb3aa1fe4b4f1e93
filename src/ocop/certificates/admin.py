"""Certificates, their notices, revocations and inspections in the admin, read-only: every change
goes through the services (numbering, signing, the transitions and the activity log)."""

from __future__ import annotations

from django.contrib import admin

from ocop.certificates.models import Certificate, CertificateNotice, Inspection, Revocation
from ocop.core.admin import ReadOnlyAdmin


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "code",
        "product_name",
        "producer_name",
        "stars",
        "authority",
        "issued_on",
        "expires_on",
        "status",
    )
    list_filter = ("status", "stars", "authority", "year")
    list_select_related = ("product", "producer")
    search_fields = ("number", "code", "product_name", "producer_name", "decision_number")
    readonly_fields = ("code", "verification_code", "created_at", "updated_at")
    date_hierarchy = "issued_on"


@admin.register(CertificateNotice)
class CertificateNoticeAdmin(ReadOnlyAdmin):
    list_display = ("certificate", "kind", "sent_on", "created_at")
    list_filter = ("kind",)
    list_select_related = ("certificate",)
    search_fields = ("certificate__number", "certificate__code")


@admin.register(Revocation)
class RevocationAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "certificate",
        "ground",
        "status",
        "concluded_on",
        "due_on",
        "decided_on",
    )
    list_filter = ("status", "ground", "authority")
    list_select_related = ("certificate",)
    search_fields = ("code", "certificate__number", "basis", "decision_number")
    readonly_fields = ("code", "created_at", "updated_at")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "certificate",
        "kind",
        "status",
        "planned_on",
        "carried_out_on",
        "outcome",
    )
    list_filter = ("status", "kind", "outcome")
    list_select_related = ("certificate",)
    search_fields = ("code", "certificate__number", "findings")
    readonly_fields = ("code", "created_at", "updated_at")
