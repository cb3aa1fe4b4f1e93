"""The producers in Django's admin: for looking up records. Changes go through the registry's
screens, whose services keep the activity log, so the admin is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from ocop.producers.models import Producer


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "commune", "tax_code", "status", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("code", "name", "name_folded", "tax_code", "registration_number")
    list_select_related = ("commune",)
    ordering = ("name_folded",)
    readonly_fields = ("approved_by", "created_by")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
