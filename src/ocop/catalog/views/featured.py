"""The featured products of the home page, chosen by the provincial OCOP office
(/tin-tuc/quan-ly/noi-bat/; 404 for everyone else): feature a listed product (by its code or
from a search of the catalogue), remove one, move one up or down."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.catalog.forms_news import FeatureForm
from ocop.catalog.models import CatalogEntry
from ocop.catalog.queries.featured import featured_rows
from ocop.catalog.queries.listing import listed_entries
from ocop.catalog.queries.news import can_manage_news
from ocop.catalog.services.featured import (
    FEATURED_MAX,
    feature_product,
    move_featured_product,
    unfeature_product,
)
from ocop.core.forms import add_service_errors
from ocop.core.text import fold
from ocop.evaluation.services.refusals import NotAllowed
from ocop.products.models import Product

CANDIDATES_MAX = 20


def _require_office(request: HttpRequest) -> None:
    if not can_manage_news(access_for(request.user)):
        raise Http404


def _candidates(query: str) -> list[CatalogEntry]:
    """Listed products not featured yet: word prefixes (no accents needed) or the code."""
    query = query.strip()[:100]
    words = fold(query).split()
    if not words:
        return []
    prefix = Q()
    for word in words:
        prefix &= Q(search_text__contains=f" {word}")
    queryset = (
        listed_entries()
        .filter(prefix | Q(product__code__iexact=query))
        .filter(product__featured__isnull=True)
        .order_by("-stars", "name_folded", "product_id")
    )
    return list(queryset[:CANDIDATES_MAX])


def _page(request: HttpRequest, form: FeatureForm, *, status: int = 200) -> HttpResponse:
    rows = list(featured_rows())
    listed = set(
        listed_entries()
        .filter(product_id__in=[row.product_id for row in rows])
        .values_list("product_id", flat=True)
    )
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "catalog/news/featured.html",
        {
            "rows": [(row, row.product_id in listed) for row in rows],
            "form": form,
            "query": query,
            "candidates": _candidates(query) if query else [],
            "room": len(rows) < FEATURED_MAX,
            "featured_max": FEATURED_MAX,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def featured(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    if request.method == "GET":
        return _page(request, FeatureForm())
    form = FeatureForm(request.POST)
    if form.is_valid():
        product = Product.objects.filter(code=form.cleaned_data["product"].upper()).first()
        if product is None:
            form.add_error("product", _("No product has this code."))
        else:
            try:
                feature_product(actor=request.user, product=product)
            except NotAllowed as exc:
                raise PermissionDenied(exc.text) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(product)s is featured.") % {"product": product.name})
                return redirect("news:featured")
    return _page(request, form, status=422)


def _act(request: HttpRequest, *, move: bool) -> HttpResponse:
    _require_office(request)
    product = Product.objects.filter(code=request.POST.get("product", "")).first()
    if product is None:
        raise Http404
    try:
        if move:
            move_featured_product(
                actor=request.user, product=product, direction=request.POST.get("direction", "")
            )
        else:
            unfeature_product(actor=request.user, product=product)
    except NotAllowed as exc:
        raise PermissionDenied(exc.text) from None
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    else:
        if not move:
            messages.success(
                request, _("%(product)s is no longer featured.") % {"product": product.name}
            )
    return redirect("news:featured")


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    return _act(request, move=False)


@login_required
@require_POST
def move(request: HttpRequest) -> HttpResponse:
    return _act(request, move=True)
