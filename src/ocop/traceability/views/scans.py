"""Scans: the statistics page of officials and producers, and the public "share my approximate
area" form of the trace page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.rules import access_for
from ocop.core.xlsx import Column, Sheet, wants_xlsx, workbook_response
from ocop.traceability.queries.scan_statistics import (
    ScanFilters,
    ScanStatistics,
    access_scan_statistics,
    filter_choices,
    scan_statistics,
)
from ocop.traceability.services.scans import share_scan_place

PRODUCT_COLUMNS = [
    Column(gettext_lazy("Product"), "name", width=36),
    Column(gettext_lazy("Product code"), "code"),
    Column(gettext_lazy("GTIN (barcode)"), "gtin", width=16),
    Column(gettext_lazy("Producer"), "producer", width=36),
    Column(gettext_lazy("Scans"), "scans", kind="int"),
    Column(gettext_lazy("Stamps scanned"), "stamps", kind="int"),
    Column(gettext_lazy("With a warning"), "warned", kind="int"),
    Column(gettext_lazy("Last scan"), "last", kind="datetime"),
]
BATCH_COLUMNS = [
    Column(gettext_lazy("Lot number"), "lot"),
    Column(gettext_lazy("Batch code"), "code"),
    Column(gettext_lazy("Product"), "product_name", width=36),
    Column(gettext_lazy("Product code"), "product_code"),
    Column(gettext_lazy("Scans"), "scans", kind="int"),
    Column(gettext_lazy("Stamps scanned"), "stamps", kind="int"),
    Column(gettext_lazy("With a warning"), "warned", kind="int"),
    Column(gettext_lazy("Last scan"), "last", kind="datetime"),
]
COMMUNE_COLUMNS = [
    Column(gettext_lazy("Commune or ward"), "name", width=30),
    Column(gettext_lazy("Products"), "products", kind="int"),
    Column(gettext_lazy("Scans"), "scans", kind="int"),
    Column(gettext_lazy("With a warning"), "warned", kind="int"),
]
WARNING_COLUMNS = [
    Column(gettext_lazy("Warning"), "label", width=40),
    Column(gettext_lazy("Scans"), "scans", kind="int"),
]


def statistics_sheets(stats: ScanStatistics) -> list[Sheet]:
    """The page's tables as the sheets of one workbook, in the page's order."""
    return [
        Sheet(gettext_lazy("By product"), PRODUCT_COLUMNS, stats.by_product),
        Sheet(gettext_lazy("By batch"), BATCH_COLUMNS, stats.by_batch),
        Sheet(gettext_lazy("By commune of the producer"), COMMUNE_COLUMNS, stats.by_commune),
        Sheet(gettext_lazy("Warnings"), WARNING_COLUMNS, stats.by_warning),
    ]


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """/truy-xuat/quet/: scans per product, batch and commune, and the warnings, over a period;
    the same number of queries for 1 or 1,000 rows."""
    access = access_for(request.user)
    scans = access_scan_statistics(access)
    filters = ScanFilters.from_query(request.GET, today=timezone.localdate())
    if wants_xlsx(request):
        sheets = statistics_sheets(scan_statistics(scans, filters))
        name = _("Scan statistics %(since)s to %(until)s") % {
            "since": filters.since.strftime("%d-%m-%Y"),
            "until": filters.until.strftime("%d-%m-%Y"),
        }
        return workbook_response(name, sheets)
    communes, products = filter_choices(access)
    return render(
        request,
        "traceability/scans/statistics.html",
        {
            "stats": scan_statistics(scans, filters),
            "filters": filters,
            "communes": communes,
            "products": products,
        },
    )


@require_POST
def share_place(request: HttpRequest) -> HttpResponse:
    """The trace page's button: the coarse place of the scan just made (rounded to 0.1°), then
    back to the same page (303) with the scan's token, so that the visit is not counted again.
    A stale or repeated form goes back to the page too, with nothing changed."""
    token = request.POST.get("token", "")
    back = request.POST.get("next", "")
    if not back.startswith("/01/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    try:
        share_scan_place(
            token=token,
            latitude=request.POST.get("lat", ""),
            longitude=request.POST.get("lon", ""),
        )
    except ValidationError:
        shared = {}
    else:
        shared = {"shared": "1"}
    if back == "/":
        return HttpResponseRedirect(back, status=303)
    return HttpResponseRedirect(f"{back}?{urlencode({'scan': token, **shared})}", status=303)
