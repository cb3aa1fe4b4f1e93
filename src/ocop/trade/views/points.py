"""Points of sale: the public directory (grouped by commune) and a point's page, and their
management by the provincial office and by the buyer that runs a point.

Every view of one point loads it through `access_point_of_sale` (404 for a point the user may
not see, or may not change when it changes something) and calls one service; a refusal to
someone who sees the point is 403, bad input is shown on the form (422)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
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
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.products.models import Product
from ocop.trade.enums import PointOfSaleKind, PointOfSaleStatus
from ocop.trade.forms_points import PointOfSaleForm, ProductCodeForm, StatusForm
from ocop.trade.models import PointOfSale
from ocop.trade.queries.points import (
    DirectoryFilters,
    access_point_of_sale,
    can_change_point,
    can_manage_points,
    candidate_products,
    carried_rows,
    directory_communes,
    directory_points,
    group_by_commune,
    is_public,
    listed_products_of,
    map_links,
    may_manage_any_point,
    points_managed_by,
    with_product_count,
)
from ocop.trade.services.points import (
    add_point_product,
    change_point_of_sale_status,
    create_point_of_sale,
    remove_point_product,
    update_point_of_sale,
)

DIRECTORY_PER_PAGE = 40
PRODUCTS_PER_PAGE = 24
SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "name": (["name_folded"], gettext_lazy("Name")),
    "commune": (["commune__name_folded", "name_folded"], gettext_lazy("Commune or ward")),
    "updated": (["-updated_at"], gettext_lazy("Last changed")),
}
DIRECTORY_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Name"), "name", width=36),
    Column(gettext_lazy("Kind"), "get_kind_display"),
    Column(gettext_lazy("Address"), "address", width=36),
    Column(gettext_lazy("Commune or ward"), "commune.name", width=24),
    Column(gettext_lazy("Opening hours"), "opening_hours"),
    Column(gettext_lazy("Phone"), "phone"),
    Column(gettext_lazy("E-mail"), "email", width=24),
    Column(gettext_lazy("From"), "starts_on", kind="date"),
    Column(gettext_lazy("Until"), "ends_on", kind="date"),
    Column(gettext_lazy("OCOP products"), "product_count", kind="int"),
]
MANAGE_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Name"), "name", width=36),
    Column(gettext_lazy("Kind"), "get_kind_display"),
    Column(gettext_lazy("Address"), "address", width=36),
    Column(gettext_lazy("Commune or ward"), "commune.name", width=24),
    Column(
        gettext_lazy("Run by"), lambda point: point.buyer.name if point.buyer else _("the office")
    ),
    Column(gettext_lazy("Opening hours"), "opening_hours"),
    Column(gettext_lazy("Phone"), "phone"),
    Column(gettext_lazy("OCOP products"), "product_count", kind="int"),
    Column(gettext_lazy("Status"), "get_status_display"),
]


def _refuse(exc: NotAllowed) -> PermissionDenied:
    return PermissionDenied(exc.text)


# --- the public -----------------------------------------------------------------------------


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """/diem-ban/: the open points, grouped by commune (by name), filtered by kind, commune and
    name; a page at a time, the same number of queries for 1 or 500 points."""
    filters = DirectoryFilters.from_query(request.GET)
    if wants_xlsx(request):
        title = _("OCOP points of sale")
        return xlsx_response(title, title, DIRECTORY_COLUMNS, directory_points(filters))
    page = Paginator(directory_points(filters), DIRECTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "trade/points/directory.html",
        {
            "page": page,
            "groups": group_by_commune(page.object_list),
            "filters": filters,
            "kinds": PointOfSaleKind.choices,
            "communes": directory_communes(),
            "can_manage": may_manage_any_point(request.user),
        },
    )


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """/diem-ban/<code>/: the point's details, a map link, and the LISTED products it carries."""
    point = access_point_of_sale(request.user, code)
    page = Paginator(listed_products_of(point), PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "trade/points/detail.html",
        {
            "point": point,
            "page": page,
            "entries": list(page.object_list),
            "map": map_links(point),
            "can_change": can_change_point(access_for(request.user), point),
            "public": is_public(point),
        },
    )


# --- management -----------------------------------------------------------------------------


@login_required
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
    """/diem-ban/quan-ly/: the points the user keeps (all for the office), open and closed."""
    access = access_for(request.user)
    if not may_manage_any_point(access):
        raise Http404
    status = request.GET.get("status", "").strip()
    kind = request.GET.get("kind", "").strip()
    queryset = points_managed_by(access)
    if status in PointOfSaleStatus.values:
        queryset = queryset.filter(status=status)
    if kind in PointOfSaleKind.values:
        queryset = queryset.filter(kind=kind)
    state = list_state(
        request,
        with_product_count(queryset),
        search_fields=("name_folded", "code"),
        sort_options=SORT_OPTIONS,
        default_sort="name",
    )
    if wants_xlsx(request):
        title = _("Points of sale")
        return xlsx_response(title, title, MANAGE_COLUMNS, state.queryset)
    return render(
        request,
        "trade/points/manage_list.html",
        {
            "state": state,
            "points": state.items,
            "filters": {"status": status, "kind": kind},
            "statuses": PointOfSaleStatus.choices,
            "kinds": PointOfSaleKind.choices,
            "can_create": can_manage_points(access),
        },
    )


def _service_data(form: PointOfSaleForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    if "buyer" in data:
        data["buyer"] = data["buyer"] or None
    return data


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """/diem-ban/quan-ly/them/: a new point (the office)."""
    if not can_manage_points(access_for(request.user)):
        raise Http404
    form = PointOfSaleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                point = create_point_of_sale(actor=request.user, data=_service_data(form))
            except NotAllowed as exc:
                raise _refuse(exc) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The point of sale %(name)s is added.") % {"name": point.name}
                )
                return redirect("points:detail", code=point.code)
        status = 422
    return render(request, "trade/points/form.html", {"form": form, "point": None}, status=status)


def _initial(point: PointOfSale) -> dict[str, Any]:
    initial = {
        name: getattr(point, name)
        for name in (
            "kind",
            "name",
            "address",
            "opening_hours",
            "phone",
            "email",
            "website",
            "operator_name",
            "starts_on",
            "ends_on",
        )
    }
    initial["commune"] = point.commune.key
    initial["buyer"] = point.buyer.code if point.buyer else ""
    for name in ("latitude", "longitude"):
        value = getattr(point, name)
        initial[name] = f"{value:f}" if value is not None else ""
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    """/diem-ban/<code>/sua/: the point's details (the office, or the buyer that runs it)."""
    point = access_point_of_sale(request.user, code, write=True)
    office = can_manage_points(access_for(request.user))
    form = PointOfSaleForm(
        request.POST or None,
        initial=_initial(point),
        with_buyer=office,
        keep_commune=point.commune,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                update_point_of_sale(actor=request.user, point=point, data=_service_data(form))
            except NotAllowed as exc:
                raise _refuse(exc) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The point of sale is saved."))
                return redirect("points:detail", code=point.code)
        status = 422
    return render(request, "trade/points/form.html", {"form": form, "point": point}, status=status)


@login_required
@require_POST
def change_status(request: HttpRequest, code: str) -> HttpResponse:
    """Close an open point (it leaves the public pages at once) or open a closed one."""
    point = access_point_of_sale(request.user, code, write=True)
    form = StatusForm(request.POST)
    to = request.POST.get("to", "")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("reason", [])))
        return redirect("points:detail", code=point.code)
    try:
        change_point_of_sale_status(
            actor=request.user, point=point, to=to, reason=form.cleaned_data["reason"]
        )
    except NotAllowed as exc:
        raise _refuse(exc) from None
    except (WrongState, ValidationError) as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    else:
        if to == PointOfSaleStatus.CLOSED:
            messages.success(request, _("The point of sale is closed: it is no longer public."))
        else:
            messages.success(request, _("The point of sale is open again."))
    return redirect("points:detail", code=point.code)


def _products_page(
    request: HttpRequest, point: PointOfSale, form: ProductCodeForm, *, status: int = 200
) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "trade/points/products.html",
        {
            "point": point,
            "rows": carried_rows(point),
            "form": form,
            "query": query,
            "candidates": candidate_products(point, query) if query else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def products(request: HttpRequest, code: str) -> HttpResponse:
    """/diem-ban/<code>/san-pham/: the products the point carries (listed or no longer), a
    search among the listed products to add one, or a product code."""
    point = access_point_of_sale(request.user, code, write=True)
    if request.method == "GET":
        return _products_page(request, point, ProductCodeForm())
    form = ProductCodeForm(request.POST)
    if form.is_valid():
        product = Product.objects.filter(code=form.cleaned_data["product"].upper()).first()
        if product is None:
            form.add_error("product", _("No product has this code."))
        else:
            try:
                add_point_product(actor=request.user, point=point, product=product)
            except NotAllowed as exc:
                raise _refuse(exc) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(product)s is added.") % {"product": product.name})
                return redirect("points:products", code=point.code)
    return _products_page(request, point, form, status=422)


@login_required
@require_POST
def remove_product(request: HttpRequest, code: str) -> HttpResponse:
    point = access_point_of_sale(request.user, code, write=True)
    product = Product.objects.filter(code=request.POST.get("product", "")).first()
    if product is None:
        raise Http404
    try:
        remove_point_product(actor=request.user, point=point, product=product)
    except NotAllowed as exc:
        raise _refuse(exc) from None
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    else:
        messages.success(request, _("%(product)s is removed.") % {"product": product.name})
    return redirect("points:products", code=point.code)


@login_required
@require_GET
def history(request: HttpRequest, code: str) -> HttpResponse:
    point = access_point_of_sale(request.user, code, write=True)
    return render(
        request, "trade/points/history.html", {"point": point, "history": history_for(point)}
    )
