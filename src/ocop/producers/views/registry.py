"""The registry's read screens: the staff list, a producer's tabs (information, products,
history) and "my producer"."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ocop.accounts.rules import Access, access_for
from ocop.core.queries.activity import history_for
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.producers.enums import ProducerKind, ProducerStatus
from ocop.producers.forms import StatusForm, current_communes
from ocop.producers.models import Producer
from ocop.producers.queries.producers import (
    access_producer,
    can_approve_producer,
    can_create_producer,
    can_edit_producer,
    filter_producers,
    producer_of,
    producers_visible_to,
)

SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "name": ("name_folded", _("Name")),
    "created": ("-created_at", _("Newest first")),
    "status": (["status", "name_folded"], _("Status")),
    "commune": (["commune__name", "name_folded"], _("Commune")),
}
LIST_COLUMNS = [
    Column(_("Code"), "code"),
    Column(_("Name"), "name", width=40),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Commune or ward"), "commune.name", width=24),
    Column(_("Address"), "address", width=36),
    Column(_("Tax code (MST)"), "tax_code"),
    Column(_("Registration number"), "registration_number"),
    Column(_("Legal representative"), "representative_name", width=24),
    Column(_("Phone"), "phone"),
    Column(_("E-mail"), "email", width=24),
    Column(_("Total workers"), "workforce_total", kind="int"),
    Column(_("Local workers"), "workforce_local", kind="int"),
    Column(_("Status"), "get_status_display"),
    Column(_("Approved at"), "approved_at", kind="datetime"),
]

# Status actions on the detail page: URL action -> (target status, reason required, label,
# the status the action starts from).
STATUS_ACTIONS: dict[str, tuple[str, bool, Any, str]] = {
    "approve": (ProducerStatus.APPROVED, False, _("Approve"), ProducerStatus.PENDING),
    "reject": (ProducerStatus.REJECTED, True, _("Reject"), ProducerStatus.PENDING),
    "suspend": (ProducerStatus.SUSPENDED, True, _("Suspend"), ProducerStatus.APPROVED),
    "reinstate": (ProducerStatus.APPROVED, False, _("Reinstate"), ProducerStatus.SUSPENDED),
}


def filter_communes(access: Access) -> Any:
    """The communes a staff user can pick from: all current ones, or a commune officer's own."""
    communes = current_communes()
    if access.is_admin or access.is_province_officer or not access.is_commune_officer:
        return communes
    return communes.filter(pk__in=access.commune_unit_ids)


@login_required
@require_GET
def producer_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not access.is_staff_user:
        if access.is_producer:
            return redirect("producers:mine")
        raise Http404
    filters = {name: request.GET.get(name, "").strip() for name in ("status", "kind", "commune")}
    queryset = filter_producers(producers_visible_to(access).select_related("commune"), **filters)
    state = list_state(
        request,
        queryset,
        search_fields=("name_folded", "tax_code", "registration_number"),
        sort_options=SORT_OPTIONS,
        default_sort="name",
    )
    if wants_xlsx(request):
        return xlsx_response(_("Producers"), _("Producers"), LIST_COLUMNS, state.queryset)
    return render(
        request,
        "producers/list.html",
        {
            "state": state,
            "filters": filters,
            "statuses": ProducerStatus.choices,
            "kinds": ProducerKind.choices,
            "communes": filter_communes(access),
            "can_create": can_create_producer(access),
        },
    )


def status_actions(
    access: Access, producer: Producer, bound: dict[str, StatusForm] | None = None
) -> list[dict[str, Any]]:
    """The status buttons the user may press now, each with its (possibly bound) reason form."""
    if not can_approve_producer(access, producer):
        return []
    actions = []
    for action, (_to, needs_reason, label, from_status) in STATUS_ACTIONS.items():
        if producer.status != from_status:
            continue
        form = (bound or {}).get(action) or StatusForm(
            require_reason=needs_reason, auto_id=f"{action}-%s"
        )
        actions.append({"action": action, "label": label, "form": form})
    return actions


def detail_context(
    request: HttpRequest, producer: Producer, tab: str, **extra: Any
) -> dict[str, Any]:
    access = access_for(request.user)
    return {
        "producer": producer,
        "tab": tab,
        "can_edit": can_edit_producer(access, producer),
        **extra,
    }


@login_required
@require_GET
def producer_detail(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    producer = access_producer(access, code)
    context = detail_context(request, producer, "info", actions=status_actions(access, producer))
    return render(request, "producers/detail.html", context)


@login_required
@require_GET
def producer_products(request: HttpRequest, code: str) -> HttpResponse:
    producer = access_producer(request.user, code)
    products = producer.products.order_by("name", "pk")
    context = detail_context(request, producer, "products", products=products)
    return render(request, "producers/products.html", context)


@login_required
@require_GET
def producer_history(request: HttpRequest, code: str) -> HttpResponse:
    producer = access_producer(request.user, code)
    context = detail_context(request, producer, "history", history=history_for(producer))
    return render(request, "producers/history.html", context)


@login_required
@require_GET
def my_producer(request: HttpRequest) -> HttpResponse:
    """The signed-in person's producer record; staff go to the registry, others to register."""
    producer = producer_of(request.user)
    if producer is not None:
        return redirect("producers:detail", code=producer.code)
    if access_for(request.user).is_staff_user:
        return redirect("producers:list")
    return redirect("producers:register")
