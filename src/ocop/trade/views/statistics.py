"""What the board connected, for officials (/ket-noi/thong-ke/): connections, demands and offers
per status, of a year and a commune, each number linking to the list behind it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ocop.accounts.rules import access_for
from ocop.geo.queries.gazetteer import commune_choices
from ocop.trade.enums import ConnectionStatus, DemandStatus, OfferStatus
from ocop.trade.queries.statistics import (
    connection_counts_for,
    demand_counts_for,
    offer_counts_for,
)
from ocop.trade.rules import is_trade_official, sees_whole_board
from ocop.trade.views.common import unit_from_key, year_from


def _rows(
    counts: dict[str, int], choices: Any, url_name: str, params: dict[str, str]
) -> list[dict[str, Any]]:
    base = reverse(url_name)
    rows = []
    for value, label in choices:
        query = urlencode({**params, "status": value})
        rows.append(
            {"status": value, "label": label, "count": counts[value], "url": f"{base}?{query}"}
        )
    return rows


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not is_trade_official(access):
        raise Http404
    year = year_from(request.GET.get("year", ""))
    commune_key = request.GET.get("commune", "").strip()
    communes = commune_choices()
    if not sees_whole_board(access):
        communes = communes.filter(pk__in=access.commune_unit_ids)
    unit = unit_from_key(commune_key)
    if unit is not None and not communes.filter(pk=unit.pk).exists():
        unit = None
        commune_key = ""
    params = {
        key: value for key, value in (("year", str(year or "")), ("commune", commune_key)) if value
    }
    connections = connection_counts_for(access, year=year, unit=unit)
    demands = demand_counts_for(access, year=year, unit=unit)
    offers = offer_counts_for(access, year=year, unit=unit)
    return render(
        request,
        "trade/board/statistics.html",
        {
            "year": year or "",
            "commune": commune_key,
            "communes": [(c.key, c.name) for c in communes],
            "connections": _rows(
                connections, ConnectionStatus.choices, "trade:connections", params
            ),
            "connections_total": sum(connections.values()),
            "connections_url": f"{reverse('trade:connections')}?{urlencode(params)}",
            "demands": _rows(demands, DemandStatus.choices, "trade:demands", params),
            "demands_total": sum(demands.values()),
            "offers": _rows(offers, OfferStatus.choices, "trade:offers", params),
            "offers_total": sum(offers.values()),
        },
    )
