"""The activity log and stored files in the admin: read-only, since only services write them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ocop.core.models import ActivityLog, StoredFile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "object_repr", "actor")
    list_filter = ("content_type",)
    list_select_related = ("actor", "content_type")
    search_fields = ("action", "object_repr", "object_id", "actor__username")
    date_hierarchy = "created_at"
    fields = ("created_at", "actor", "action", "content_type", "object_id", "object_repr", "data")


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ("code", "original_name", "content_type", "size", "uploaded_by", "created_at")
    list_select_related = ("uploaded_by",)
    search_fields = ("code", "original_name", "sha256")
    fields = (
        "code",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "created_at",
    )
