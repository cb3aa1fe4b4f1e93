"""A product's photos: add, download (only through the product's permission check), remove."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.core.forms import add_service_errors
from ocop.core.views.files import stored_file_response
from ocop.products.forms import PhotoForm
from ocop.products.queries.products import access_product, access_product_photo
from ocop.products.services.products import add_product_photo, remove_product_photo


@login_required
def photo_add(request: HttpRequest, code: str) -> HttpResponse:
    product = access_product(request.user, code, write=True)
    form = PhotoForm(request.POST, request.FILES) if request.method == "POST" else PhotoForm()
    if form.is_valid():
        try:
            add_product_photo(
                actor=request.user,
                product=product,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The photo has been added."))
            return redirect("products:detail", code=product.code)
    return render(request, "products/photo_form.html", {"form": form, "product": product})


@login_required
@require_GET
def photo(request: HttpRequest, code: str, file_code: str) -> FileResponse:
    return stored_file_response(access_product_photo(request.user, code, file_code).file)


@login_required
@require_POST
def photo_remove(request: HttpRequest, code: str, file_code: str) -> HttpResponse:
    item = access_product_photo(request.user, code, file_code, write=True)
    remove_product_photo(actor=request.user, photo=item)
    messages.success(request, _("The photo has been removed."))
    return redirect("products:detail", code=code)
