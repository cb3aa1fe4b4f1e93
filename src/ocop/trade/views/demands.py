"""Demands: the list, post, a demand (with its ranked matches and their reasons for the buyer and
officials, the producer's own fit for a producer), edit, close / cancel / reopen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.services.refusals import NotAllowed, Refusal
from ocop.trade.enums import BuyerStatus, DemandStatus
from ocop.trade.forms import DemandForm
from ocop.trade.models import Demand
from ocop.trade.queries.board import (
    access_demand,
    board_producer_of,
    can_write_demand,
    connections_visible_to,
    demands_visible_to,
    filter_demands,
    product_groups,
    with_connection_columns,
    with_demand_columns,
)
from ocop.trade.queries.buyers import buyer_of
from ocop.trade.queries.matching import match_demand, matches_for_producer
from ocop.trade.queries.statistics import filter_demands_for_counts
from ocop.trade.rules import is_trade_official, uses_board
from ocop.trade.services.demands import (
    DEMAND_FIELDS,
    change_demand_status,
    create_demand,
    update_demand,
)
from ocop.trade.views.common import refuse, unit_from_key, year_from

SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "created": (["-created_at"], gettext_lazy("Newest first")),
    "start": (["period_start", "-created_at"], gettext_lazy("Period")),
    "title": (["title"], gettext_lazy("Title")),
}
LIST_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Demand"), "title", width=40),
    Column(gettext_lazy("Buyer"), "buyer.name", width=30),
    Column(gettext_lazy("Product group"), "group_name", width=24),
    Column(gettext_lazy("Keywords"), "keywords", width=24),
    Column(gettext_lazy("Quantity"), "quantity", kind="decimal"),
    Column(gettext_lazy("Unit"), "unit"),
    Column(gettext_lazy("From"), "period_start", kind="date"),
    Column(gettext_lazy("Until"), "period_end", kind="date"),
    Column(gettext_lazy("Least stars"), "min_stars", kind="int"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Posted on"), "created_at", kind="date"),
]
# action -> (target status, label, the statuses it starts from)
STATUS_ACTIONS: dict[str, tuple[str, Any, tuple[str, ...]]] = {
    "close": (DemandStatus.CLOSED, gettext_lazy("Close (filled)"), (DemandStatus.OPEN,)),
    "cancel": (DemandStatus.CANCELLED, gettext_lazy("Cancel"), (DemandStatus.OPEN,)),
    "reopen": (DemandStatus.OPEN, gettext_lazy("Reopen"), (DemandStatus.CLOSED,)),
}


@login_required
@require_GET
def demand_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not uses_board(access):
        raise Http404
    filters = {name: request.GET.get(name, "").strip() for name in ("status", "group")}
    queryset = filter_demands(with_demand_columns(demands_visible_to(access)), **filters)
    queryset = filter_demands_for_counts(
        queryset,
        year=year_from(request.GET.get("year", "")),
        unit=unit_from_key(request.GET.get("commune", "").strip()),
    )
    state = list_state(
        request,
        queryset,
        search_fields=("keywords_folded", "title"),
        sort_options=SORT_OPTIONS,
        default_sort="created",
    )
    if wants_xlsx(request):
        return xlsx_response(_("Demands"), _("Demands"), LIST_COLUMNS, state.queryset)
    buyer = buyer_of(access)
    return render(
        request,
        "trade/board/demand_list.html",
        {
            "state": state,
            "filters": filters,
            "statuses": DemandStatus.choices,
            "groups": product_groups(),
            "can_post": buyer is not None and buyer.status == BuyerStatus.ACTIVE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand_create(request: HttpRequest) -> HttpResponse:
    buyer = buyer_of(request.user)
    if buyer is None:
        raise Http404
    if buyer.status != BuyerStatus.ACTIVE:
        return render(request, "trade/board/demand_form.html", {"buyer": buyer, "form": None})
    if request.method == "POST":
        form = DemandForm(request.POST)
        if form.is_valid():
            try:
                demand = create_demand(actor=request.user, data=form.demand_data())
            except NotAllowed as exc:
                raise refuse(exc) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Demand %(code)s is on the board. Its matches are below.")
                    % {"code": demand.code},
                )
                return redirect("trade:demand", code=demand.code)
        return render(
            request,
            "trade/board/demand_form.html",
            {"buyer": buyer, "form": form, "demand": None},
            status=422,
        )
    form = DemandForm()
    return render(
        request, "trade/board/demand_form.html", {"buyer": buyer, "form": form, "demand": None}
    )


def _initial(demand: Demand) -> dict[str, Any]:
    initial = {name: getattr(demand, name) for name in DEMAND_FIELDS if name != "delivery_units"}
    initial["delivery_units"] = [unit.key for unit in demand.delivery_units.all()]
    initial["min_stars"] = str(demand.min_stars or "")
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request: HttpRequest, code: str) -> HttpResponse:
    demand = access_demand(request.user, code, write=True)
    buyer = demand.buyer
    if request.method == "POST":
        form = DemandForm(request.POST)
        if form.is_valid():
            try:
                update_demand(actor=request.user, demand=demand, data=form.demand_data())
            except NotAllowed as exc:
                raise refuse(exc) from None
            except ValidationError as exc:
                if isinstance(exc, Refusal):
                    form.add_error(None, exc.text)
                else:
                    add_service_errors(form, exc)
            else:
                messages.success(request, _("The demand is saved."))
                return redirect("trade:demand", code=demand.code)
        return render(
            request,
            "trade/board/demand_form.html",
            {"buyer": buyer, "form": form, "demand": demand},
            status=422,
        )
    form = DemandForm(initial=_initial(demand))
    return render(
        request, "trade/board/demand_form.html", {"buyer": buyer, "form": form, "demand": demand}
    )


def demand_context(request: HttpRequest, demand: Demand) -> dict[str, Any]:
    access = access_for(request.user)
    owner = can_write_demand(access, demand)
    official = is_trade_official(access)
    connections = list(
        with_connection_columns(connections_visible_to(access).filter(demand=demand)).order_by(
            "-created_at", "-pk"
        )
    )
    context: dict[str, Any] = {
        "demand": demand,
        "owner": owner,
        "official": official,
        "connections": connections,
        "actions": [],
        "matches": None,
        "my_match": None,
        "producer": None,
        "history": None,
    }
    if owner or official:
        matches = match_demand(demand)
        contacted = {connection.producer_id: connection for connection in connections}
        context["matches"] = [(match, contacted.get(match.producer.pk)) for match in matches]
        context["can_contact"] = (
            owner
            and demand.status == DemandStatus.OPEN
            and demand.buyer.status == BuyerStatus.ACTIVE
        )
    if owner and demand.buyer.status == BuyerStatus.ACTIVE:
        context["actions"] = [
            {"action": action, "label": label}
            for action, (_to, label, starts) in STATUS_ACTIONS.items()
            if demand.status in starts
        ]
        context["history"] = history_for(demand)
    elif official:
        context["history"] = history_for(demand)
    producer = board_producer_of(access)
    if producer is not None and not owner:
        context["producer"] = producer
        context["my_match"] = matches_for_producer(producer, [demand]).get(demand.pk)
    return context


@login_required
@require_GET
def demand_detail(request: HttpRequest, code: str) -> HttpResponse:
    demand = access_demand(request.user, code)
    return render(request, "trade/board/demand_detail.html", demand_context(request, demand))


@login_required
@require_POST
def demand_status(request: HttpRequest, code: str) -> HttpResponse:
    demand = access_demand(request.user, code, write=True)
    action = request.POST.get("action", "")
    if action not in STATUS_ACTIONS:
        raise Http404
    try:
        change_demand_status(actor=request.user, demand=demand, to=STATUS_ACTIONS[action][0])
    except NotAllowed as exc:
        raise refuse(exc) from None
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    else:
        messages.success(
            request,
            _("The demand is now “%(status)s”.")
            % {"status": DemandStatus(STATUS_ACTIONS[action][0]).label},
        )
    return redirect("trade:demand", code=demand.code)
