"""The public catalogue: search, filters, sorting, paging (`/san-pham-ocop/`) and its open data
(`du-lieu.csv`, `du-lieu.json`), no sign-in.

The products listed are those whose certificate is in force today (`listed_entries`); the query
string is read once by `parse_filters` (the API reads it the same way), and the search is
`ocop.catalog.queries.search`. The page makes the same number of queries for 1 or 10,000
results; the exports stream every matching row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ocop.catalog.enums import CatalogSort
from ocop.catalog.forms import parse_filters
from ocop.catalog.queries.open_data import (
    OPEN_DATA_FIELDS,
    OPEN_DATA_LICENCE,
    OPEN_DATA_LICENCE_URL,
    csv_row,
    open_data_record,
)
from ocop.catalog.queries.search import (
    STARS_OPTIONS,
    catalogue_choices,
    catalogue_entries,
    entries_page,
)
from ocop.core import pagecache
from ocop.core.json import dumps
from ocop.producers.enums import ProducerKind

PER_PAGE = 24
EXPORT_CHUNK = 1000


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """/san-pham-ocop/: the search box, the filters, a page of product cards. Its first page
    without a query is kept for anonymous visits under the catalogue's generation; a search, a
    filter or another page is rendered every time."""
    return pagecache.cached_page(
        request, "catalog:list", lambda: _catalogue(request), depends=[pagecache.CATALOGUE]
    )


def _catalogue(request: HttpRequest) -> HttpResponse:
    parsed = parse_filters(request.GET)
    filters = parsed.filters
    today = timezone.localdate()
    page = entries_page(filters, request.GET.get("page"), PER_PAGE, on=today)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    sorts = [
        (value, label)
        for value, label in CatalogSort.choices
        if value != CatalogSort.RELEVANCE or not filters.query.blank
    ]
    return render(
        request,
        "catalog/catalogue.html",
        {
            "page": page,
            "entries": list(page.object_list),
            "filters": filters,
            "errors": parsed.notices,
            "choices": catalogue_choices(today),
            "stars_options": STARS_OPTIONS,
            "kinds": ProducerKind.choices,
            "sorts": sorts,
            "sort": filters.effective_sort,
            "export_query": export_query.urlencode(),
        },
    )


class _Echo:
    """A file-like object whose write returns the line (csv.writer, one row at a time)."""

    def write(self, value: str) -> str:
        return value


def _export_rows(request: HttpRequest) -> Iterator[Any]:
    filters = parse_filters(request.GET).filters
    return catalogue_entries(filters).iterator(chunk_size=EXPORT_CHUNK)


@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """/san-pham-ocop/du-lieu.csv: the products found (same search and filters, every row) as
    UTF-8 CSV with a BOM (a spreadsheet then shows the Vietnamese letters right); streamed."""
    rows = _export_rows(request)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(OPEN_DATA_FIELDS)
        for entry in rows:
            yield writer.writerow(csv_row(open_data_record(entry)))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="san-pham-ocop.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def export_json(request: HttpRequest) -> StreamingHttpResponse:
    """/san-pham-ocop/du-lieu.json: the same rows as JSON (ISO dates), with when it was made,
    the filters applied and the licence; streamed."""
    filters = parse_filters(request.GET).filters
    rows = catalogue_entries(filters).iterator(chunk_size=EXPORT_CHUNK)
    head = {
        "generated_at": timezone.now().isoformat(),
        "licence": OPEN_DATA_LICENCE,
        "licence_url": OPEN_DATA_LICENCE_URL,
        "source": settings.SITE_URL + reverse("catalog:list"),
        "filters": filters.as_dict(),
    }

    def chunks() -> Iterator[str]:
        yield dumps(head)[:-1] + ', "products": ['
        separator = ""
        for entry in rows:
            yield separator + dumps(open_data_record(entry))
            separator = ", "
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
