"""A product's e-commerce store links: the page to add, remove and reorder them, reached from
the product's management page (`/diem-ban/lien-ket/<product code>/`). Loaded through
`access_store_links` (404 for anyone who may not edit the product)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.core.forms import add_service_errors
from ocop.evaluation.services.refusals import NotAllowed
from ocop.products.models import Product
from ocop.trade.forms_points import StoreLinkForm
from ocop.trade.queries.store_links import access_store_links, is_listed, store_links_of
from ocop.trade.services.store_links import (
    STORE_LINKS_MAX,
    add_store_link,
    move_store_link,
    remove_store_link,
)


def _page(
    request: HttpRequest, product: Product, form: StoreLinkForm, *, status: int = 200
) -> HttpResponse:
    links = list(store_links_of(product))
    return render(
        request,
        "trade/points/store_links.html",
        {
            "product": product,
            "links": links,
            "form": form,
            "listed": is_listed(product),
            "room": len(links) < STORE_LINKS_MAX,
            "links_max": STORE_LINKS_MAX,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def store_links(request: HttpRequest, code: str) -> HttpResponse:
    product = access_store_links(request.user, code)
    if request.method == "GET":
        return _page(request, product, StoreLinkForm())
    form = StoreLinkForm(request.POST)
    if form.is_valid():
        try:
            add_store_link(actor=request.user, product=product, **form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.text) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The store link is added."))
            return redirect("points:store_links", code=product.code)
    return _page(request, product, form, status=422)


def _act(request: HttpRequest, code: str, *, move: bool) -> HttpResponse:
    product = access_store_links(request.user, code)
    url = request.POST.get("url", "")
    try:
        if move:
            move_store_link(
                actor=request.user,
                product=product,
                url=url,
                direction=request.POST.get("direction", ""),
            )
        else:
            remove_store_link(actor=request.user, product=product, url=url)
    except NotAllowed as exc:
        raise PermissionDenied(exc.text) from None
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    else:
        if not move:
            messages.success(request, _("The store link is removed."))
    return redirect("points:store_links", code=product.code)


@login_required
@require_POST
def remove(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, move=False)


@login_required
@require_POST
def move(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, move=True)
