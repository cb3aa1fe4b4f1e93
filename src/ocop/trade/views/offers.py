"""Offers: the list, post (a producer's own product), an offer, edit, close / reopen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.catalog.queries.listing import listed_entries
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response, yes_no
from ocop.evaluation.services.refusals import NotAllowed, Refusal
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from ocop.trade.enums import OfferStatus
from ocop.trade.forms import OfferForm
from ocop.trade.models import Offer
from ocop.trade.queries.board import (
    access_offer,
    approved_producers_of,
    can_write_offer,
    connections_visible_to,
    filter_offers,
    offers_visible_to,
    with_connection_columns,
    with_offer_columns,
)
from ocop.trade.queries.buyers import active_buyer_of
from ocop.trade.queries.statistics import filter_offers_for_counts
from ocop.trade.rules import is_trade_official, producer_organisations, uses_board
from ocop.trade.services.offers import OFFER_FIELDS, change_offer_status, create_offer, update_offer
from ocop.trade.views.common import refuse, unit_from_key, year_from

SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "created": (["-created_at"], gettext_lazy("Newest first")),
    "product": (["product__name_folded"], gettext_lazy("Product")),
}
LIST_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Product"), "product.name", width=36),
    Column(gettext_lazy("Product code"), "product.code"),
    Column(gettext_lazy("Producer"), "producer.name", width=36),
    Column(gettext_lazy("Commune or ward"), "producer.commune.name", width=24),
    Column(gettext_lazy("In the OCOP catalogue"), lambda offer: yes_no(offer.listed)),
    Column(gettext_lazy("Capacity per month"), "capacity_per_month", kind="decimal"),
    Column(gettext_lazy("Unit"), "unit"),
    Column(
        gettext_lazy("Season (months)"),
        lambda offer: ", ".join(str(month) for month in offer.season_months or []),
    ),
    Column(gettext_lazy("Lowest price (VND)"), "price_min", kind="decimal", decimals=0),
    Column(gettext_lazy("Highest price (VND)"), "price_max", kind="decimal", decimals=0),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Posted on"), "created_at", kind="date"),
]
STATUS_ACTIONS: dict[str, tuple[str, Any, str]] = {
    "close": (OfferStatus.CLOSED, gettext_lazy("Close the offer"), OfferStatus.OPEN),
    "reopen": (OfferStatus.OPEN, gettext_lazy("Reopen the offer"), OfferStatus.CLOSED),
}


def listed_product_ids(product_ids: list[int]) -> set[int]:
    """Which of these products are in the catalogue today (a certificate in force): one query."""
    if not product_ids:
        return set()
    return set(
        listed_entries(timezone.localdate())
        .filter(product_id__in=product_ids)
        .values_list("product_id", flat=True)
    )


@login_required
@require_GET
def offer_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not uses_board(access):
        raise Http404
    filters = {name: request.GET.get(name, "").strip() for name in ("status",)}
    queryset = filter_offers(
        with_offer_columns(offers_visible_to(access)),
        status=filters["status"],
        q=request.GET.get("q", ""),
    )
    queryset = filter_offers_for_counts(
        queryset,
        year=year_from(request.GET.get("year", "")),
        unit=unit_from_key(request.GET.get("commune", "").strip()),
    )
    state = list_state(request, queryset, sort_options=SORT_OPTIONS, default_sort="created")
    if wants_xlsx(request):
        listed = listed_entries(timezone.localdate()).filter(product_id=OuterRef("product_id"))
        rows = state.queryset.annotate(listed=Exists(listed))
        return xlsx_response(_("Offers"), _("Offers"), LIST_COLUMNS, rows)
    offers = state.items
    listed = listed_product_ids([offer.product_id for offer in offers])
    return render(
        request,
        "trade/board/offer_list.html",
        {
            "state": state,
            "rows": [(offer, offer.product_id in listed) for offer in offers],
            "filters": filters,
            "statuses": OfferStatus.choices,
            "can_post": approved_producers_of(access).exists(),
        },
    )


def _products_of(request: HttpRequest) -> QuerySet[Product]:
    return (
        Product.objects.filter(
            producer__in=approved_producers_of(request.user), status=ProductStatus.ACTIVE
        )
        .select_related("producer")
        .order_by("name", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not producer_organisations(access):
        raise Http404
    if not approved_producers_of(access).exists():
        return render(request, "trade/board/offer_form.html", {"form": None, "offer": None})
    products = _products_of(request)
    if request.method == "POST":
        form = OfferForm(request.POST, products=products)
        if form.is_valid():
            try:
                offer = create_offer(
                    actor=request.user,
                    product=form.cleaned_data["product"],
                    data=form.offer_data(),
                )
            except NotAllowed as exc:
                raise refuse(exc) from None
            except ValidationError as exc:
                if isinstance(exc, Refusal):
                    form.add_error(None, exc.text)
                else:
                    add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Offer %(code)s is on the board.") % {"code": offer.code}
                )
                return redirect("trade:offer", code=offer.code)
        return render(
            request, "trade/board/offer_form.html", {"form": form, "offer": None}, status=422
        )
    initial = {}
    chosen = request.GET.get("product", "")
    if chosen:
        initial["product"] = chosen
    form = OfferForm(products=products, initial=initial)
    return render(request, "trade/board/offer_form.html", {"form": form, "offer": None})


def _initial(offer: Offer) -> dict[str, Any]:
    initial = {name: getattr(offer, name) for name in OFFER_FIELDS if name != "delivery_units"}
    initial["delivery_units"] = [unit.key for unit in offer.delivery_units.all()]
    initial["season_months"] = [str(month) for month in offer.season_months or []]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, code: str) -> HttpResponse:
    offer = access_offer(request.user, code, write=True)
    if request.method == "POST":
        form = OfferForm(request.POST)
        if form.is_valid():
            try:
                update_offer(actor=request.user, offer=offer, data=form.offer_data())
            except NotAllowed as exc:
                raise refuse(exc) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The offer is saved."))
                return redirect("trade:offer", code=offer.code)
        return render(
            request, "trade/board/offer_form.html", {"form": form, "offer": offer}, status=422
        )
    form = OfferForm(initial=_initial(offer))
    return render(request, "trade/board/offer_form.html", {"form": form, "offer": offer})


@login_required
@require_GET
def offer_detail(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    offer = access_offer(access, code)
    owner = can_write_offer(access, offer)
    connections = list(
        with_connection_columns(connections_visible_to(access).filter(offer=offer)).order_by(
            "-created_at", "-pk"
        )
    )
    buyer = active_buyer_of(access)
    context = {
        "offer": offer,
        "owner": owner,
        "listed": bool(listed_product_ids([offer.product_id])),
        "connections": connections,
        "actions": [
            {"action": action, "label": label}
            for action, (_to, label, start) in STATUS_ACTIONS.items()
            if owner and offer.status == start
        ],
        "can_contact": buyer is not None and offer.status == OfferStatus.OPEN,
        "history": history_for(offer) if owner or is_trade_official(access) else None,
    }
    return render(request, "trade/board/offer_detail.html", context)


@login_required
@require_POST
def offer_status(request: HttpRequest, code: str) -> HttpResponse:
    offer = access_offer(request.user, code, write=True)
    action = request.POST.get("action", "")
    if action not in STATUS_ACTIONS:
        raise Http404
    to = STATUS_ACTIONS[action][0]
    try:
        change_offer_status(actor=request.user, offer=offer, to=to)
    except NotAllowed as exc:
        raise refuse(exc) from None
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    else:
        messages.success(
            request, _("The offer is now “%(status)s”.") % {"status": OfferStatus(to).label}
        )
    return redirect("trade:offer", code=offer.code)
