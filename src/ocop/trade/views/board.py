"""The supply–demand board's home (/ket-noi/): what each person has to do there.

- a visitor, or someone signed in without a part on the board: what the board is, how a buyer
  registers;
- a buyer: its status (a pending buyer reads that posting opens after approval), its demands and
  its latest connections;
- a producer: the open demands that fit it (with its match reasons), every open demand, its
  offers and its latest connections;
- an official: the counts (connections per status, open demands and offers, buyers waiting),
  the latest demands, the links to the lists and the statistics.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ocop.accounts.rules import access_for
from ocop.core.views.lists import list_state
from ocop.core.xlsx import wants_xlsx, xlsx_response
from ocop.trade.queries.board import (
    board_producer_of,
    connections_visible_to,
    demands_visible_to,
    open_demands,
    with_connection_columns,
    with_demand_columns,
    with_offer_columns,
)
from ocop.trade.queries.buyers import buyer_of
from ocop.trade.queries.matching import matches_for_producer
from ocop.trade.queries.statistics import trade_figures
from ocop.trade.rules import is_trade_official, producer_organisations, uses_board
from ocop.trade.views.demands import LIST_COLUMNS as DEMAND_COLUMNS

# How many of the newest open demands are matched against a producer's products on its home.
FIT_SCAN = 200
RECENT = 10
SORT_OPTIONS: dict[str, tuple[Any, Any]] = {"created": (["-created_at"], "")}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not uses_board(access):
        return render(request, "trade/board/landing.html", {"buyer": buyer_of(access)})
    context: dict[str, Any] = {"official": is_trade_official(access)}
    producer = board_producer_of(access)
    if producer is not None or context["official"]:
        demands = demands_visible_to(access)
        if producer is not None:
            demands = demands.filter(pk__in=open_demands().values("pk"))
        context["state"] = list_state(
            request,
            with_demand_columns(demands),
            sort_options=SORT_OPTIONS,
            default_sort="created",
            per_page=RECENT if context["official"] else 25,
        )
        if wants_xlsx(request):
            rows = context["state"].queryset
            return xlsx_response(_("Demands"), _("Demands"), DEMAND_COLUMNS, rows)
    recent_connections = with_connection_columns(connections_visible_to(access)).order_by(
        "-created_at", "-pk"
    )[:RECENT]
    context["connections"] = list(recent_connections)
    buyer = buyer_of(access)
    if buyer is not None:
        context["buyer"] = buyer
        context["my_demands"] = list(
            with_demand_columns(buyer.demands.all()).order_by("-created_at", "-pk")[:RECENT]
        )
    if producer is not None:
        context["producer"] = producer
        scanned = list(
            with_demand_columns(open_demands()).order_by("-created_at", "-pk")[:FIT_SCAN]
        )
        fits = matches_for_producer(producer, scanned)
        context["fits"] = sorted(
            ((demand, fits[demand.pk]) for demand in scanned if demand.pk in fits),
            key=lambda pair: pair[1].sort_key(),
        )
        context["my_offers"] = list(
            with_offer_columns(producer.offers.all()).order_by("-created_at", "-pk")[:RECENT]
        )
    elif producer_organisations(access):
        context["producer_pending"] = True
    if context["official"]:
        context["figures"] = trade_figures(access)
    return render(request, "trade/board/home.html", context)
