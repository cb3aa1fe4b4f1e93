"""Products in the admin, read-only: every change goes through the services (and the log)."""

from __future__ import annotations

from django.contrib import admin

from ocop.core.admin import ReadOnlyAdmin
from ocop.products.models import Product, ProductPhoto


class ProductPhotoInline(admin.TabularInline):
    model = ProductPhoto
    fields = ("file", "caption", "position", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "producer", "gtin", "producer_sku", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("producer",)
    search_fields = ("code", "name", "name_folded", "gtin", "producer_sku", "producer__name")
    readonly_fields = ("code", "created_at", "updated_at")
    inlines = [ProductPhotoInline]
