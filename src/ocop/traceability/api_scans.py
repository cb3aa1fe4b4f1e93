"""Scan statistics API (`router`, mounted by `ocop/api.py` at `/api/v1/traceability/scans`).

`GET /` answers what the page `scans:statistics` shows: the totals, the warnings, and the scans
per product, per batch and per commune of the producer over a period (`since`, `until`: dates,
both included, default the last 30 days; `commune`: a unit's key; `product`: a product's code).
Officials see every scan (a commune officer: their commune's), producers their own products';
anyone else gets 404 problem details. The same number of queries for 1 or 1,000 rows.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from ocop.core.problems import ProblemOut
from ocop.traceability.queries.scan_statistics import (
    ScanFilters,
    access_scan_statistics,
    scan_statistics,
)

router = Router(tags=["traceability"])


class ScanFiltersIn(Schema):
    since: dt.date | None = None
    until: dt.date | None = None
    commune: str | None = None
    product: str | None = None


class PeriodOut(Schema):
    since: dt.date
    until: dt.date
    commune: str
    product: str


class TotalsOut(Schema):
    scans: int
    stamps: int
    warned: int
    placed: int


class WarningRowOut(Schema):
    warning: str
    label: str
    scans: int


class ProductRowOut(Schema):
    code: str
    name: str
    gtin: str
    producer: str
    scans: int
    stamps: int
    warned: int
    last: dt.datetime | None


class BatchRowOut(Schema):
    code: str
    lot: str
    product_name: str
    product_code: str
    scans: int
    stamps: int
    warned: int
    last: dt.datetime | None


class CommuneRowOut(Schema):
    key: str | None
    name: str | None
    products: int
    scans: int
    warned: int


class ScanStatisticsOut(Schema):
    period: PeriodOut
    totals: TotalsOut
    warnings: list[WarningRowOut]
    products: list[ProductRowOut]
    batches: list[BatchRowOut]
    communes: list[CommuneRowOut]


@router.get(
    "",
    response={200: ScanStatisticsOut, 401: ProblemOut, 404: ProblemOut},
    summary="Scan statistics per product, batch and commune (officials and producers)",
)
def statistics(request: HttpRequest, filters: Query[ScanFiltersIn]) -> dict:
    scans = access_scan_statistics(request.user)
    period = ScanFilters.from_query(filters.dict(), today=timezone.localdate())
    stats = scan_statistics(scans, period)
    return {
        "period": period.as_dict(),
        "totals": {
            "scans": stats.scans,
            "stamps": stats.stamps,
            "warned": stats.warned,
            "placed": stats.placed,
        },
        "warnings": stats.by_warning,
        "products": stats.by_product,
        "batches": stats.by_batch,
        "communes": stats.by_commune,
    }
