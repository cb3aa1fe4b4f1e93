"""Connections: a buyer's contact request (from a match, an offer or a product page), the list
(the buyer's, the producer's, the officials' with filters), a connection with the reasons it was
made on, its status moves and its history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
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
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.services.refusals import NotAllowed, Refusal
from ocop.geo.queries.gazetteer import commune_choices
from ocop.products.models import Product
from ocop.trade.enums import (
    CONNECTION_TRANSITIONS,
    BuyerStatus,
    ConnectionStatus,
    DemandStatus,
    OfferStatus,
)
from ocop.trade.forms import ConnectionForm, ConnectionStatusForm
from ocop.trade.models import Connection
from ocop.trade.queries.board import (
    access_connection,
    connections_visible_to,
    filter_connections,
    is_connection_party,
    offers_visible_to,
    open_offers,
    with_connection_columns,
)
from ocop.trade.queries.buyers import buyer_of
from ocop.trade.queries.matching import stored_reasons
from ocop.trade.rules import is_trade_official, uses_board
from ocop.trade.services.connections import change_connection_status, request_connection
from ocop.trade.views.common import date_from, refuse, year_from

SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "created": (["-created_at"], gettext_lazy("Newest first")),
    "changed": (["-status_changed_at", "-created_at"], gettext_lazy("Last change")),
}
LIST_COLUMNS = [
    Column(gettext_lazy("Connection"), "code"),
    Column(gettext_lazy("Buyer"), "buyer.name", width=30),
    Column(gettext_lazy("Producer"), "producer.name", width=30),
    Column(gettext_lazy("Producer's commune"), "producer.commune.name", width=24),
    Column(gettext_lazy("Product"), "product.name", width=30),
    Column(gettext_lazy("Demand"), "demand.title", width=30),
    Column(gettext_lazy("Offer"), "offer.code"),
    Column(gettext_lazy("Sent on"), "created_at", kind="datetime"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Status changed at"), "status_changed_at", kind="datetime"),
]


@login_required
@require_GET
def connection_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not uses_board(access):
        raise Http404
    raw = {
        name: request.GET.get(name, "").strip()[:20]
        for name in ("status", "commune", "year", "from", "to", "demand")
    }
    queryset = filter_connections(
        with_connection_columns(connections_visible_to(access)),
        status=raw["status"],
        commune=raw["commune"],
        year=year_from(raw["year"]),
        date_from=date_from(raw["from"]),
        date_to=date_from(raw["to"]),
        demand=raw["demand"],
    )
    state = list_state(request, queryset, sort_options=SORT_OPTIONS, default_sort="created")
    if wants_xlsx(request):
        return xlsx_response(_("Connections"), _("Connections"), LIST_COLUMNS, state.queryset)
    official = is_trade_official(access)
    return render(
        request,
        "trade/board/connection_list.html",
        {
            "state": state,
            "filters": raw,
            "statuses": ConnectionStatus.choices,
            "official": official,
            "communes": [(unit.key, unit.name) for unit in commune_choices()] if official else [],
        },
    )


def _subject(request: HttpRequest, access: Any) -> tuple[Product, Any]:
    """The product (and offer) a request is about, from `offer` or `product` (a code): an open
    offer the buyer sees, or a product in the catalogue or on offer; else 404."""
    source = request.POST if request.method == "POST" else request.GET
    offer_code = source.get("offer", "").strip()
    product_code = source.get("product", "").strip()
    if offer_code:
        offer = (
            offers_visible_to(access)
            .filter(code=offer_code, status=OfferStatus.OPEN)
            .select_related("product__producer")
            .first()
        )
        if offer is None:
            raise Http404
        return offer.product, offer
    if not product_code:
        raise Http404
    product = (
        Product.objects.select_related("producer", "producer__commune")
        .filter(code=product_code)
        .first()
    )
    if product is None:
        raise Http404
    listed = listed_entries(timezone.localdate()).filter(product=product).exists()
    if not listed and not open_offers().filter(product=product).exists():
        raise Http404
    return product, None


@login_required
@require_http_methods(["GET", "POST"])
def connection_create(request: HttpRequest) -> HttpResponse:
    """The contact request form: ?product=<code> (a product page), ?offer=<code> (an offer),
    with &demand=<code> from a match."""
    access = access_for(request.user)
    buyer = buyer_of(access)
    if buyer is None:
        raise Http404
    if buyer.status != BuyerStatus.ACTIVE:
        return render(request, "trade/board/connection_form.html", {"buyer": buyer, "form": None})
    product, offer = _subject(request, access)
    demands = list(
        buyer.demands.filter(status=DemandStatus.OPEN).order_by("-created_at", "-pk")[:100]
    )
    by_code = {demand.code: demand for demand in demands}
    context: dict[str, Any] = {"buyer": buyer, "product": product, "offer": offer}
    if request.method == "POST":
        form = ConnectionForm(request.POST, demands=demands)
        if form.is_valid():
            demand = by_code.get(form.cleaned_data["demand"])
            try:
                connection, created = request_connection(
                    actor=request.user,
                    message=form.cleaned_data["message"],
                    product=product,
                    offer=offer,
                    demand=demand,
                )
            except NotAllowed as exc:
                raise refuse(exc) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if created:
                    messages.success(
                        request,
                        _("Your request is sent to %(producer)s.")
                        % {"producer": connection.producer.name},
                    )
                else:
                    messages.info(
                        request,
                        _("You are already in touch with this producer about this: here it is."),
                    )
                return redirect("trade:connection", code=connection.code)
        context["form"] = form
        return render(request, "trade/board/connection_form.html", context, status=422)
    initial = {"demand": request.GET.get("demand", "")}
    context["form"] = ConnectionForm(demands=demands, initial=initial)
    return render(request, "trade/board/connection_form.html", context)


def _allowed(connection: Connection) -> frozenset[str]:
    return CONNECTION_TRANSITIONS.get(connection.status, frozenset())


def connection_context(
    request: HttpRequest, connection: Connection, form: ConnectionStatusForm | None = None
) -> dict[str, Any]:
    access = access_for(request.user)
    party = is_connection_party(access, connection)
    allowed = _allowed(connection)
    if form is None and party and allowed:
        form = ConnectionStatusForm(allowed=allowed)
    return {
        "connection": connection,
        "party": party,
        "reasons": stored_reasons(connection.reasons),
        "form": form if party and allowed else None,
        "history": history_for(connection),
    }


@login_required
@require_GET
def connection_detail(request: HttpRequest, code: str) -> HttpResponse:
    connection = access_connection(request.user, code)
    return render(
        request, "trade/board/connection_detail.html", connection_context(request, connection)
    )


@login_required
@require_POST
def connection_status(request: HttpRequest, code: str) -> HttpResponse:
    # Only the two parties move it: anyone else, officials who read it included, gets 404.
    connection = access_connection(request.user, code, write=True)
    form = ConnectionStatusForm(request.POST, allowed=_allowed(connection))
    if form.is_valid():
        try:
            change_connection_status(
                actor=request.user,
                connection=connection,
                to=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
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
                request,
                _("The connection is now “%(status)s”.")
                % {"status": ConnectionStatus(connection.status).label},
            )
            return redirect("trade:connection", code=connection.code)
    context = connection_context(request, connection, form)
    return render(request, "trade/board/connection_detail.html", context, status=422)
