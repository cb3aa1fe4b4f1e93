"""The registry's write screens: create, edit, archive and restore. Each loads through the
permission loader, validates with a form and calls one service."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.products.forms import ProductForm, StatusForm
from ocop.products.models import Product
from ocop.products.queries.products import access_product, producers_open_to
from ocop.products.services.products import (
    archive_product,
    create_product,
    restore_product,
    update_product,
)


@login_required
def product_create(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not producers_open_to(access).exists():
        raise Http404
    form = ProductForm(
        request.POST if request.method == "POST" else None,
        access=access,
        initial={"producer": request.GET.get("producer", "")},
    )
    if form.is_valid():
        try:
            product = create_product(
                actor=request.user, producer=form.chosen_producer, data=form.product_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The product has been registered."))
            return redirect("products:detail", code=product.code)
    return render(request, "products/form.html", {"form": form, "product": None})


@login_required
def product_edit(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    product = access_product(access, code, write=True)
    form = ProductForm(
        request.POST if request.method == "POST" else None, access=access, product=product
    )
    if form.is_valid():
        try:
            update_product(actor=request.user, product=product, data=form.product_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("products:detail", code=product.code)
    return render(request, "products/form.html", {"form": form, "product": product})


def _change_status(
    request: HttpRequest, code: str, service: Callable[..., Product], done: str
) -> HttpResponse:
    product = access_product(request.user, code, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, product=product, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("products:detail", code=product.code)


@login_required
@require_POST
def product_archive(request: HttpRequest, code: str) -> HttpResponse:
    return _change_status(request, code, archive_product, _("The product has been archived."))


@login_required
@require_POST
def product_restore(request: HttpRequest, code: str) -> HttpResponse:
    return _change_status(request, code, restore_product, _("The product is active again."))
