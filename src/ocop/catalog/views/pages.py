"""The public product and producer pages, and the product photos they show (no sign-in).

- `/san-pham-ocop/<code>/`: a product with a certificate in force (else 404);
- `/san-pham-ocop/<code>/anh/<file_code>/`: one of its photos, cacheable by anyone for a day;
- `/co-so-ocop/<code>/`: an approved producer with at least one listed product (else 404).

The reads are `ocop.catalog.queries.pages`; the 404s come from the loaders of
`queries/listing.py`, so a revoked or expired certificate takes the pages away at once.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ocop.catalog.queries.pages import (
    access_listed_photo,
    json_ld,
    producer_data,
    producer_open_graph,
    producer_page,
    product_data,
    product_open_graph,
    product_page,
)
from ocop.core import pagecache
from ocop.core.views.files import stored_file_response

# A listed product's photo is public: any cache may keep it for a day (a photo of a product
# that leaves the catalogue may stay in a cache until then; the page itself goes at once).
PHOTO_CACHE = "public, max-age=86400"


@require_safe
def product(request: HttpRequest, code: str) -> HttpResponse:
    """Kept for anonymous visits (`ocop.core.pagecache`) under the product's generation."""
    return pagecache.cached_page(
        request,
        "catalog:product",
        lambda: _product(request, code),
        depends=[pagecache.product(code)],
    )


def _product(request: HttpRequest, code: str) -> HttpResponse:
    page = product_page(code)
    return render(
        request,
        "catalog/product.html",
        {
            "page": page,
            "entry": page.entry,
            "product": page.product,
            "producer": page.producer,
            "certificate": page.certificate,
            "json_ld": json_ld(product_data(page)),
            "og": product_open_graph(page),
        },
    )


@require_safe
def product_photo(request: HttpRequest, code: str, file_code: str) -> HttpResponseBase:
    photo = access_listed_photo(code, file_code)
    stored = photo.file
    etag = f'"{stored.sha256[:32]}"' if stored.sha256 else ""
    if etag and etag in request.headers.get("If-None-Match", ""):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = PHOTO_CACHE
        return not_modified
    response = stored_file_response(stored)
    response["Cache-Control"] = PHOTO_CACHE
    if etag:
        response["ETag"] = etag
    return response


@require_safe
def producer(request: HttpRequest, code: str) -> HttpResponse:
    """Its first page kept for anonymous visits under the producer's generation (`?page=` is
    rendered every time)."""
    return pagecache.cached_page(
        request,
        "catalog:producer",
        lambda: _producer(request, code),
        depends=[pagecache.producer(code)],
    )


def _producer(request: HttpRequest, code: str) -> HttpResponse:
    page = producer_page(code, page=request.GET.get("page"))
    return render(
        request,
        "catalog/producer.html",
        {
            "page": page,
            "producer": page.producer,
            "products": page.products,
            "json_ld": json_ld(producer_data(page)),
            "og": producer_open_graph(page),
        },
    )
