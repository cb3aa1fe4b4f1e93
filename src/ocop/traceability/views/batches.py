"""The traceability pages for producers and officials (mounted at /truy-xuat/): the batch list,
a batch (facts, one step back, one step forward, stamps, the journey, actions), its History, the
recall page ("where the batch went"), the batch form, inputs, the status change, and places.

Each view loads through `access_batch` / `access_location` (404 when the user may not see, or
keep, the thing) and calls one service; a refusal to someone who sees the batch is 403
(`NotAllowed`) or shown as a message (`WrongState`); bad input is shown on the form (422)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.core.models import ActivityLog
from ocop.core.queries.activity import history_for
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response, yes_no
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.traceability.enums import BatchStatus
from ocop.traceability.forms import BatchForm, BatchStatusForm, InputForm, LocationForm
from ocop.traceability.identifiers import DigitalLink, normalise_gtin
from ocop.traceability.models import Batch, Location
from ocop.traceability.queries.batches import (
    access_batch,
    access_location,
    batches_visible_to,
    events_of,
    filter_batches,
    input_position,
    inputs_of,
    keeps,
    list_producers,
    locations_visible_to,
    may_see_any,
    producers_kept_by,
    products_for_batches,
    recall_tree,
    sees_all_batches,
    shipments_of,
    used_in,
    with_list_columns,
)
from ocop.traceability.queries.journey import journey_rows
from ocop.traceability.queries.stamps import stamp_summary
from ocop.traceability.services.batches import (
    add_batch_input,
    change_batch_status,
    create_batch,
    create_location,
    lot_is_fixed,
    remove_batch_input,
    update_batch,
    update_location,
)

SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "produced": (["-produced_on", "-pk"], gettext_lazy("Newest first")),
    "expiry": (["expires_on", "-produced_on"], gettext_lazy("Expiry date")),
    "lot": (["lot"], gettext_lazy("Lot number")),
}
LOCATION_SORT: dict[str, tuple[Any, Any]] = {
    "name": (["name"], gettext_lazy("Name")),
    "producer": (["producer__name", "name"], gettext_lazy("Producer")),
}
BATCH_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Lot number"), "lot"),
    Column(gettext_lazy("Product"), "product.name", width=36),
    Column(gettext_lazy("GTIN (barcode)"), "product.gtin", width=16),
    Column(gettext_lazy("Producer"), "producer.name", width=36),
    Column(gettext_lazy("Place"), "location.name", width=24),
    Column(gettext_lazy("Production date"), "produced_on", kind="date"),
    Column(gettext_lazy("Expiry date"), "expires_on", kind="date"),
    Column(gettext_lazy("Quantity"), "quantity", kind="decimal", decimals=3),
    Column(gettext_lazy("Unit"), "unit"),
    Column(gettext_lazy("Stamps"), "stamp_count", kind="int"),
    Column(gettext_lazy("Active stamps"), "active_stamp_count", kind="int"),
    Column(gettext_lazy("Status"), "get_status_display"),
]
LOCATION_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Name"), "name", width=30),
    Column(gettext_lazy("Kind"), "get_kind_display"),
    Column(gettext_lazy("Producer"), "producer.name", width=36),
    Column(gettext_lazy("Address"), "address", width=36),
    Column(gettext_lazy("Commune or ward"), "unit.name", width=24),
    Column(gettext_lazy("GLN"), "gln", width=16),
    Column(gettext_lazy("In use"), lambda place: yes_no(place.is_active)),
]


def refuse(exc: NotAllowed) -> PermissionDenied:
    return PermissionDenied(exc.text)


def _require_pages(request: HttpRequest) -> None:
    if not may_see_any(access_for(request.user)):
        raise Http404


def public_link(batch: Batch) -> str:
    """The path of the batch's Digital Link on the platform (its public trace page)."""
    if not batch.product.gtin:
        return ""
    return DigitalLink(normalise_gtin(batch.product.gtin), batch.lot).path()


# --- the list -------------------------------------------------------------------------------


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    _require_pages(request)
    filters = {name: request.GET.get(name, "").strip()[:20] for name in ("status", "producer")}
    queryset = filter_batches(batches_visible_to(access), q=request.GET.get("q", ""), **filters)
    state = list_state(
        request, with_list_columns(queryset), sort_options=SORT_OPTIONS, default_sort="produced"
    )
    if wants_xlsx(request):
        return xlsx_response(_("Batches"), _("Batches"), BATCH_COLUMNS, state.queryset)
    several = sees_all_batches(access) or access.is_commune_officer
    return render(
        request,
        "traceability/manage/batch_list.html",
        {
            "state": state,
            "filters": filters,
            "statuses": list(BatchStatus.choices),
            "producers": list_producers(access) if several else [],
            "can_create": producers_kept_by(access).exists(),
        },
    )


# --- a batch --------------------------------------------------------------------------------


def detail_context(request: HttpRequest, batch: Batch, **extra: Any) -> dict[str, Any]:
    access = access_for(request.user)
    can_keep = keeps(access, batch.producer)
    editable = batch.status != BatchStatus.RECALLED
    context: dict[str, Any] = {
        "batch": batch,
        "tab": "batch",
        "inputs": list(inputs_of(batch)),
        "used_in": list(used_in(batch)),
        "shipments": list(shipments_of(batch)),
        "summary": stamp_summary(batch),
        "journey": journey_rows(batch, list(events_of(batch))),
        "can_keep": can_keep,
        "editable": can_keep and editable,
        "public_link": public_link(batch),
        "statuses": [(value, label) for value, label in BatchStatus.choices],
    }
    if can_keep and editable:
        context.setdefault("input_form", InputForm(auto_id="input-%s"))
        context.setdefault("status_form", BatchStatusForm(auto_id="status-%s"))
    context.update(extra)
    return context


@login_required
@require_GET
def batch_detail(request: HttpRequest, code: str) -> HttpResponse:
    batch = access_batch(request.user, code)
    return render(request, "traceability/manage/batch_detail.html", detail_context(request, batch))


@login_required
@require_GET
def batch_history(request: HttpRequest, code: str) -> HttpResponse:
    batch = access_batch(request.user, code)
    return render(
        request,
        "traceability/manage/batch_history.html",
        {"batch": batch, "tab": "history", "history": history_for(batch)},
    )


@login_required
@require_GET
def batch_recall(request: HttpRequest, code: str) -> HttpResponse:
    """Where the batch went: its shipments and those of the batches made from it."""
    batch = access_batch(request.user, code)
    levels = recall_tree(batch)
    return render(
        request,
        "traceability/manage/recall.html",
        {
            "batch": batch,
            "tab": "recall",
            "levels": levels,
            "shipment_count": sum(len(level.shipments) for level in levels),
            "reason": _recall_reason(batch),
        },
    )


def _recall_reason(batch: Batch) -> str:
    """The reason given with the recall (kept in the activity log)."""
    if batch.status != BatchStatus.RECALLED:
        return ""
    entry = (
        ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Batch),
            object_id=str(batch.pk),
            action="traceability.batch.recall",
        )
        .order_by("-pk")
        .first()
    )
    return str(entry.data.get("reason", "")) if entry is not None else ""


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    _require_pages(request)
    products = products_for_batches(access)
    if not products.exists():
        raise Http404
    locations = (
        locations_visible_to(access)
        .filter(producer__in=producers_kept_by(access), is_active=True)
        .select_related("producer")
        .order_by("producer__name", "name")
    )
    initial = {"product": request.GET.get("product", "")[:20]} if request.method == "GET" else None
    form = BatchForm(
        request.POST or None,
        products=products,
        locations=locations,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = create_batch(
                actor=request.user, product=form.cleaned_data["product"], data=form.batch_data
            )
        except NotAllowed as exc:
            raise refuse(exc) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Batch %(lot)s is recorded.") % {"lot": batch.lot})
            return redirect("traceability:batch", code=batch.code)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "traceability/manage/batch_form.html", {"form": form, "batch": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_edit(request: HttpRequest, code: str) -> HttpResponse:
    batch = access_batch(request.user, code, write=True)
    locations = Location.objects.filter(producer=batch.producer).filter(
        is_active=True
    ) | Location.objects.filter(pk=batch.location_id or 0)
    form = BatchForm(
        request.POST or None,
        batch=batch,
        locations=locations.select_related("producer").order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_batch(actor=request.user, batch=batch, data=form.batch_data)
        except NotAllowed as exc:
            raise refuse(exc) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The batch is saved."))
            return redirect("traceability:batch", code=batch.code)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "traceability/manage/batch_form.html",
        {"form": form, "batch": batch, "lot_fixed": lot_is_fixed(batch)},
        status=status,
    )


@login_required
@require_POST
def batch_status(request: HttpRequest, code: str) -> HttpResponse:
    batch = access_batch(request.user, code, write=True)
    form = BatchStatusForm(request.POST, auto_id="status-%s")
    if form.is_valid():
        try:
            change_batch_status(
                actor=request.user,
                batch=batch,
                to=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except NotAllowed as exc:
            raise refuse(exc) from None
        except WrongState as exc:
            messages.error(request, exc.text)
            return redirect("traceability:batch", code=batch.code)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if batch.status == BatchStatus.RECALLED:
                messages.warning(
                    request,
                    _("Batch %(lot)s is recalled: tell every buyer below.") % {"lot": batch.lot},
                )
                return redirect("traceability:batch_recall", code=batch.code)
            messages.success(request, _("The batch is finished."))
            return redirect("traceability:batch", code=batch.code)
    context = detail_context(request, batch, status_form=form)
    return render(request, "traceability/manage/batch_detail.html", context, status=422)


@login_required
@require_POST
def input_add(request: HttpRequest, code: str) -> HttpResponse:
    batch = access_batch(request.user, code, write=True)
    form = InputForm(request.POST, auto_id="input-%s")
    if form.is_valid():
        try:
            row = add_batch_input(actor=request.user, batch=batch, data=form.input_data)
        except NotAllowed as exc:
            raise refuse(exc) from None
        except WrongState as exc:
            messages.error(request, exc.text)
            return redirect("traceability:batch", code=batch.code)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Input %(material)s is added.") % {"material": row.material}
            )
            return redirect(f"{_batch_url(batch)}#inputs")
    context = detail_context(request, batch, input_form=form)
    return render(request, "traceability/manage/batch_detail.html", context, status=422)


@login_required
@require_POST
def input_remove(request: HttpRequest, code: str, number: int) -> HttpResponse:
    batch = access_batch(request.user, code, write=True)
    row = input_position(batch, number)
    try:
        remove_batch_input(actor=request.user, batch_input=row)
    except NotAllowed as exc:
        raise refuse(exc) from None
    except ValidationError as exc:
        messages.error(request, " ".join(str(message) for message in exc.messages))
    else:
        messages.success(request, _("Input %(material)s is removed.") % {"material": row.material})
    return redirect(f"{_batch_url(batch)}#inputs")


def _batch_url(batch: Batch) -> str:
    from django.urls import reverse

    return reverse("traceability:batch", kwargs={"code": batch.code})


# --- places ---------------------------------------------------------------------------------


@login_required
@require_GET
def location_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    _require_pages(request)
    queryset = locations_visible_to(access).select_related("producer", "unit")
    producer = request.GET.get("producer", "").strip()[:20]
    if producer:
        queryset = queryset.filter(producer__code=producer)
    state = list_state(
        request,
        queryset,
        search_fields=("name", "address", "gln", "code", "producer__name_folded"),
        sort_options=LOCATION_SORT,
        default_sort="name",
    )
    if wants_xlsx(request):
        return xlsx_response(_("Places"), _("Places"), LOCATION_COLUMNS, state.queryset)
    several = sees_all_batches(access) or access.is_commune_officer
    return render(
        request,
        "traceability/manage/location_list.html",
        {
            "state": state,
            "producer": producer,
            "producers": list(
                locations_visible_to(access)
                .order_by("producer__name")
                .values_list("producer__code", "producer__name")
                .distinct()[:300]
            )
            if several
            else [],
            "can_create": producers_kept_by(access).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def location_create(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    _require_pages(request)
    producers = producers_kept_by(access)
    if not producers.exists():
        raise Http404
    form = LocationForm(request.POST or None, producers=producers)
    if request.method == "POST" and form.is_valid():
        try:
            location = create_location(
                actor=request.user, producer=form.chosen_producer, data=form.location_data
            )
        except NotAllowed as exc:
            raise refuse(exc) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Place %(name)s is added.") % {"name": location.name})
            return redirect("traceability:locations")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "traceability/manage/location_form.html",
        {"form": form, "location": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, code: str) -> HttpResponse:
    location = access_location(request.user, code, write=True)
    form = LocationForm(request.POST or None, location=location)
    if request.method == "POST" and form.is_valid():
        try:
            update_location(actor=request.user, location=location, data=form.location_data)
        except NotAllowed as exc:
            raise refuse(exc) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The place is saved."))
            return redirect("traceability:locations")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "traceability/manage/location_form.html",
        {"form": form, "location": location},
        status=status,
    )
