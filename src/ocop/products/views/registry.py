"""The registry's read screens: the list, a product's overview and its history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ocop.accounts.rules import access_for
from ocop.core.queries.activity import history_for
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.geo.models import AdministrativeUnit
from ocop.producers.queries.producers import producers_visible_to
from ocop.products.enums import ProductStatus
from ocop.products.forms import PhotoForm, StatusForm
from ocop.products.models import Product
from ocop.products.queries.classification import categories_for_filter
from ocop.products.queries.products import (
    access_product,
    can_edit_product,
    filter_products,
    photos_of,
    producers_open_to,
    products_visible_to,
    search_products,
    with_list_columns,
)

SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "name": ("name_folded", _("Name")),
    "producer": (("producer__name_folded", "name_folded"), _("Producer")),
    "status": (("status", "name_folded"), _("Status")),
    "photos": (("-photo_count", "name_folded"), _("Most photos")),
    "newest": ("-created_at", _("Newest first")),
}
FILTERS = ("status", "producer", "commune", "category")
LIST_COLUMNS = [
    Column(_("Code"), "code"),
    Column(_("Name"), "name", width=40),
    Column(_("Producer"), "producer.name", width=36),
    Column(_("Producer code"), "producer.code"),
    Column(_("Classification"), "classification.code"),
    Column(_("Product group"), "classification.name", width=30),
    Column(_("GTIN (barcode)"), "gtin", width=16),
    Column(_("Producer's own code"), "producer_sku"),
    Column(_("Status"), "get_status_display"),
    Column(_("Photos"), "photo_count", kind="int"),
    Column(_("Registered on"), "created_at", kind="date"),
]


@login_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    filters = {key: request.GET.get(key, "").strip()[:40] for key in FILTERS}
    queryset = filter_products(products_visible_to(access), **filters)
    queryset = with_list_columns(search_products(queryset, request.GET.get("q", "")))
    state = list_state(request, queryset, sort_options=SORT_OPTIONS, default_sort="name")
    if wants_xlsx(request):
        return xlsx_response(_("Products"), _("Products"), LIST_COLUMNS, state.queryset)
    producers = producers_visible_to(access)
    context = {
        "state": state,
        "filters": filters,
        "statuses": ProductStatus.choices,
        "producers": list(producers.order_by("name", "pk").values_list("code", "name")),
        "communes": list(
            AdministrativeUnit.objects.filter(producers__in=producers)
            .distinct()
            .order_by("name")
            .values_list("key", "name")
        ),
        "categories": categories_for_filter(),
        "can_create": producers_open_to(access).exists(),
    }
    return render(request, "products/list.html", context)


def detail_context(request: HttpRequest, product: Product, tab: str, **extra: Any) -> dict:
    return {
        "product": product,
        "tab": tab,
        "can_edit": can_edit_product(access_for(request.user), product),
        **extra,
    }


@login_required
@require_GET
def product_detail(request: HttpRequest, code: str) -> HttpResponse:
    product = access_product(request.user, code)
    photos = list(photos_of(product))
    context = detail_context(
        request,
        product,
        "overview",
        photos=photos,
        room_for_photos=len(photos) < settings.PRODUCT_PHOTOS_MAX,
        photo_form=PhotoForm(),
        status_form=StatusForm(),
    )
    return render(request, "products/detail.html", context)


@login_required
@require_GET
def product_history(request: HttpRequest, code: str) -> HttpResponse:
    product = access_product(request.user, code)
    context = detail_context(request, product, "history", history=history_for(product))
    return render(request, "products/history.html", context)
