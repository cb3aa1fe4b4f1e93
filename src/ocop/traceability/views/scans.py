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
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.rules import access_for
from ocop.traceability.queries.scan_statistics import (
    ScanFilters,
    access_scan_statistics,
    filter_choices,
    scan_statistics,
)
from ocop.traceability.services.scans import share_scan_place


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """/truy-xuat/quet/: scans per product, batch and commune, and the warnings, over a period;
    the same number of queries for 1 or 1,000 rows."""
    access = access_for(request.user)
    scans = access_scan_statistics(access)
    filters = ScanFilters.from_query(request.GET, today=timezone.localdate())
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
