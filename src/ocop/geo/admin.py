"""The administrative map in the admin: for looking things up. Units, links and imports change
only through `ocop import-geo` (the gazetteer file is the one source), so the admin is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ocop.geo.models import AdministrativeUnit, GazetteerImport, UnitSuccession


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "successor"
    verbose_name = _("formed from")
    verbose_name_plural = _("formed from")
    fields = ("predecessor", "partial", "effective_on", "legal_reference")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "code",
        "key",
        "level",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
        "confirmed",
    )
    list_filter = ("level", "kind", "confirmed", ("valid_to", admin.EmptyFieldListFilter))
    search_fields = ("name", "name_folded", "code", "key")
    list_select_related = ("parent",)
    inlines = [SuccessionInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ("predecessor", "successor", "partial", "effective_on", "legal_reference")
    list_filter = ("partial", "effective_on")
    search_fields = ("predecessor__name", "predecessor__code", "successor__name", "successor__code")
    list_select_related = ("predecessor", "successor")


@admin.register(GazetteerImport)
class GazetteerImportAdmin(ReadOnlyAdmin):
    list_display = ("imported_at", "province_code", "file_name", "sha256", "legal_reference")
    list_filter = ("province_code",)
