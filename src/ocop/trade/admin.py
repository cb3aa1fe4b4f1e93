"""The board in the admin, read-only: buyers, demands, offers, notices and connections change
through the services (the transitions and the activity log), points of sale and store links
through theirs (`services/points.py`, `services/store_links.py`)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from ocop.core.admin import ReadOnlyAdmin
from ocop.trade.models import (
    Buyer,
    Connection,
    Demand,
    DemandNotice,
    Offer,
    PointOfSale,
    PointOfSaleProduct,
    StoreLink,
)

# URL fields on a form: no scheme warning (Django 6 assumes https).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Buyer)
class BuyerAdmin(ReadOnlyAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("name", "code", "kind", "commune", "contact_name", "status", "created_at")
    list_filter = ("status", "kind")
    list_select_related = ("commune",)
    search_fields = ("name", "code", "tax_code", "contact_name", "email")
    readonly_fields = ("code", "created_at", "updated_at")


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "title",
        "buyer",
        "group_code",
        "quantity",
        "unit",
        "period_start",
        "period_end",
        "status",
    )
    list_filter = ("status", "group_code", "min_stars")
    list_select_related = ("buyer",)
    search_fields = ("code", "title", "keywords", "buyer__name")
    readonly_fields = ("code", "created_at", "updated_at")
    date_hierarchy = "created_at"


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("code", "product", "producer", "capacity_per_month", "unit", "status")
    list_filter = ("status",)
    list_select_related = ("product", "producer")
    search_fields = ("code", "product__name", "producer__name")
    readonly_fields = ("code", "created_at", "updated_at")


@admin.register(DemandNotice)
class DemandNoticeAdmin(ReadOnlyAdmin):
    list_display = ("demand", "producer", "score", "created_at")
    list_select_related = ("demand", "producer")
    search_fields = ("demand__code", "producer__name")


@admin.register(Connection)
class ConnectionAdmin(ReadOnlyAdmin):
    list_display = ("code", "buyer", "producer", "product", "demand", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("buyer", "producer", "product", "demand")
    search_fields = ("code", "buyer__name", "producer__name", "product__name", "demand__code")
    readonly_fields = ("code", "created_at", "updated_at")
    date_hierarchy = "created_at"


@admin.register(PointOfSale)
class PointOfSaleAdmin(ReadOnlyAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("name", "code", "kind", "commune", "status")
    list_filter = ("status", "kind")
    list_select_related = ("commune",)
    search_fields = ("name", "code", "address", "operator_name")
    readonly_fields = ("code", "created_at", "updated_at")


@admin.register(PointOfSaleProduct)
class PointOfSaleProductAdmin(ReadOnlyAdmin):
    list_display = ("point", "product", "added_at")
    list_select_related = ("point", "product")
    search_fields = ("point__name", "product__name")


@admin.register(StoreLink)
class StoreLinkAdmin(ReadOnlyAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("product", "platform", "url", "position")
    list_filter = ("platform",)
    list_select_related = ("product",)
    search_fields = ("product__name", "url")
