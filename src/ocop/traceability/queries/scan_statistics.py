"""Scan statistics for officials and producers (issue 6, item 8): scans per product, per batch,
per commune of the producer, and the warnings, over a period.

Who sees which scans (the page `scans:statistics` and `GET /api/v1/traceability/scans`):

- the administrator, the provincial OCOP office and the approver: every scan;
- a commune officer: the scans of the products of their commune's producers (an old district's
  office: of its communes');
- a producer's owner and staff: the scans of their own products;
- nobody else (council members, buyers, anyone signed in without a role): 404.

Each table is one aggregate query, whatever the number of rows (at most `ROWS` per table, the
most scanned first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.geo.models import AdministrativeUnit
from ocop.products.models import Product
from ocop.traceability.enums import ScanWarning
from ocop.traceability.models import Batch, Scan

ROWS = 50
DEFAULT_DAYS = 30
MAX_DAYS = 3660
CHOICES = 500


def sees_all_scans(access: Access) -> bool:
    if access.is_admin:
        return True
    if access.is_province_officer:
        return True
    return access.is_approver


def may_see_scan_statistics(user_or_access: Any) -> bool:
    access = as_access(user_or_access)
    if sees_all_scans(access):
        return True
    if access.is_commune_officer:
        return True
    return bool(access.organisations_with(*PRODUCER_ROLES))


def _scope(access: Access, producer_path: str) -> Q | None:
    """The condition on the producer at `producer_path` for what the user may count; None for
    everything."""
    if sees_all_scans(access):
        return None
    condition = Q(pk__in=[])
    own = access.organisations_with(*PRODUCER_ROLES)
    if own:
        condition |= Q(**{f"{producer_path}__organisation_id__in": own})
    if access.is_commune_officer:
        units = access.commune_unit_ids
        condition |= Q(**{f"{producer_path}__commune_id__in": units})
        condition |= Q(**{f"{producer_path}__commune__parent_id__in": units})
    return condition


def scans_visible_to(user_or_access: Any) -> QuerySet[Scan]:
    access = as_access(user_or_access)
    if not access.is_authenticated:
        return Scan.objects.none()
    condition = _scope(access, "product__producer")
    return Scan.objects.all() if condition is None else Scan.objects.filter(condition)


def filter_choices(user_or_access: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The communes and the products the filters offer: those of the batches the user may see
    (two queries; batches, not scans, so that the millions of scans are not scanned)."""
    access = as_access(user_or_access)
    condition = _scope(access, "producer")
    batches = Batch.objects.all() if condition is None else Batch.objects.filter(condition)
    communes = list(
        AdministrativeUnit.objects.filter(pk__in=batches.values("producer__commune_id"))
        .order_by("name")
        .values_list("key", "name")
    )
    products = list(
        Product.objects.filter(pk__in=batches.values("product_id"))
        .order_by("name")
        .values_list("code", "name")[:CHOICES]
    )
    return communes, products


def access_scan_statistics(user_or_access: Any) -> QuerySet[Scan]:
    """The scans the user may count; 404 for a user who has no statistics at all."""
    if not may_see_scan_statistics(user_or_access):
        raise Http404
    return scans_visible_to(user_or_access)


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split("/")
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        try:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class ScanFilters:
    """The period (whole days in Asia/Ho_Chi_Minh, both included), a commune (key) and a product
    (code). Unreadable dates fall back to the last 30 days; an unknown commune or product
    matches nothing."""

    since: dt.date
    until: dt.date
    commune: str = ""
    product: str = ""

    @classmethod
    def from_query(cls, data: Any, *, today: dt.date | None = None) -> ScanFilters:
        today = today or timezone.localdate()
        until = _day(data.get("until")) or today
        since = _day(data.get("since")) or until - dt.timedelta(days=DEFAULT_DAYS - 1)
        if since > until:
            since, until = until, since
        if (until - since).days > MAX_DAYS:
            since = until - dt.timedelta(days=MAX_DAYS)
        return cls(
            since=since,
            until=until,
            commune=str(data.get("commune") or "").strip()[:40],
            product=str(data.get("product") or "").strip()[:20],
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "commune": self.commune,
            "product": self.product,
        }


def filter_scans(queryset: QuerySet[Scan], filters: ScanFilters) -> QuerySet[Scan]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(filters.since, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    queryset = queryset.filter(scanned_at__gte=start, scanned_at__lt=end)
    if filters.commune:
        queryset = queryset.filter(product__producer__commune__key=filters.commune)
    if filters.product:
        queryset = queryset.filter(product__code=filters.product)
    return queryset


WARNED = Count("id", filter=~Q(warning=""))


@dataclass
class ScanStatistics:
    filters: ScanFilters
    scans: int = 0
    warned: int = 0
    stamps: int = 0
    placed: int = 0
    by_warning: list[dict[str, Any]] = field(default_factory=list)
    by_product: list[dict[str, Any]] = field(default_factory=list)
    by_batch: list[dict[str, Any]] = field(default_factory=list)
    by_commune: list[dict[str, Any]] = field(default_factory=list)


def scan_statistics(
    queryset: QuerySet[Scan], filters: ScanFilters, *, rows: int = ROWS
) -> ScanStatistics:
    """The figures of the scans in `queryset` (already limited to what the user may see) that
    pass `filters`: five queries."""
    scans = filter_scans(queryset, filters).order_by()
    totals = scans.aggregate(
        scans=Count("id"),
        warned=WARNED,
        stamps=Count("stamp", distinct=True),
        placed=Count("id", filter=Q(latitude__isnull=False)),
    )
    labels = dict(ScanWarning.choices)
    by_warning = [
        {"warning": row["warning"], "label": str(labels.get(row["warning"], "")), "scans": row["n"]}
        for row in scans.exclude(warning="")
        .values("warning")
        .annotate(n=Count("id"))
        .order_by("-n", "warning")
    ]
    by_product = list(
        scans.values(
            code=F("product__code"),
            name=F("product__name"),
            gtin=F("product__gtin"),
            producer=F("product__producer__name"),
        )
        .annotate(
            scans=Count("id"),
            warned=WARNED,
            stamps=Count("stamp", distinct=True),
            last=Max("scanned_at"),
        )
        .order_by("-scans", "code")[:rows]
    )
    by_batch = list(
        scans.exclude(batch=None)
        .values(
            code=F("batch__code"),
            lot=F("batch__lot"),
            product_name=F("product__name"),
            product_code=F("product__code"),
        )
        .annotate(
            scans=Count("id"),
            warned=WARNED,
            stamps=Count("stamp", distinct=True),
            last=Max("scanned_at"),
        )
        .order_by("-scans", "code")[:rows]
    )
    by_commune = list(
        scans.values(
            key=F("product__producer__commune__key"),
            name=F("product__producer__commune__name"),
        )
        .annotate(scans=Count("id"), warned=WARNED, products=Count("product", distinct=True))
        .order_by("-scans", "name")[:rows]
    )
    return ScanStatistics(
        filters=filters,
        scans=totals["scans"] or 0,
        warned=totals["warned"] or 0,
        stamps=totals["stamps"] or 0,
        placed=totals["placed"] or 0,
        by_warning=by_warning,
        by_product=by_product,
        by_batch=by_batch,
        by_commune=by_commune,
    )
