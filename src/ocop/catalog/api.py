"""/api/v1/catalog: the public catalogue, read-only, no authentication.

- `GET /products?q=&stars=&category=&group=&commune=&kind=&year=&sort=&page=&page_size=`: the
  listed products (certificate in force today) with the same search, filters and order as the
  page `/san-pham-ocop/` (the query string is read by the same `parse_filters`): relevance order
  when `q` is given. A filter value that cannot be one answers 422 problem details naming the
  field (the page ignores it with a notice); a page past the last answers an empty `results`.
- `GET /products/{code}`: one listed product (404 problem details when it is not listed: no
  certificate in force, archived, unknown).
- `GET /facets`: the values the filters take among the listed products.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from ocop.catalog.forms import parse_filters
from ocop.catalog.queries.listing import access_listed_product
from ocop.catalog.queries.search import (
    STARS_OPTIONS,
    catalogue_choices,
    catalogue_entries,
    entries_in_order,
)
from ocop.catalog.schemas import (
    CatalogPageOut,
    CatalogProductDetailOut,
    CatalogProductOut,
    CatalogQueryIn,
    FacetsOut,
    photo_url,
)
from ocop.core.problems import ProblemOut
from ocop.producers.enums import ProducerKind

router = Router(tags=["catalog"])


@router.get(
    "/products",
    response={200: CatalogPageOut, 422: ProblemOut},
    auth=None,
    summary="Search the catalogue of OCOP products (public)",
)
def list_products(request: HttpRequest, params: Query[CatalogQueryIn]) -> dict:
    parsed = parse_filters(request.GET)
    if parsed.errors:
        raise ValidationError(parsed.errors)
    filters = parsed.filters
    day = timezone.localdate()
    keys = catalogue_entries(filters, on=day, related=False).values_list("pk", flat=True)
    paginator = Paginator(keys, params.page_size)
    try:
        rows = entries_in_order(list(paginator.page(params.page).object_list), on=day)
    except EmptyPage:
        rows = []  # past the last page
    return {
        "count": paginator.count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": paginator.num_pages if paginator.count else 0,
        "sort": filters.effective_sort,
        "results": [CatalogProductOut.values(entry) for entry in rows],
    }


@router.get(
    "/products/{code}",
    response={200: CatalogProductDetailOut, 404: ProblemOut},
    auth=None,
    summary="One product of the catalogue (public)",
)
def get_product(request: HttpRequest, code: str) -> dict:
    entry = access_listed_product(code[:40])
    photos = entry.product.photos.select_related("file").order_by("position", "id")
    return {
        **CatalogProductOut.values(entry),
        "description": entry.product.description,
        "photos": [photo_url(entry, photo) for photo in photos],
    }


@router.get("/facets", response=FacetsOut, auth=None, summary="The catalogue's filter values")
def facets(request: HttpRequest) -> dict:
    choices = catalogue_choices(timezone.localdate())
    return {
        "stars": list(STARS_OPTIONS),
        "categories": [{"code": c, "name": n} for c, n in choices.categories],
        "groups": [{"code": c, "name": n} for c, n in choices.groups],
        "communes": [{"key": k, "name": n} for k, n in choices.communes],
        "kinds": [{"code": v, "label": str(label)} for v, label in ProducerKind.choices],
        "years": choices.years,
    }
