"""Scans of consumers, and the checks against counterfeits (issue 6, item 8).

A scan is a visit of a person to the trace page of a stamp (serial) or a batch (lot): the time,
and a coarse place (rounded to 0.1°, about 11 km) only when the phone shares it. No address, no
device, no cookie, no person is stored, so a scan is not personal data and is not written to the
activity log (it is not an action of a user, and there are far more scans than actions).

Warnings (settings `OCOP_SCAN_WARN_*`), most serious first:

- `void`: the stamp was voided by the producer;
- `not_active`: the stamp was issued but never activated (a stamp on a product in a shop should be);
- `too_far`: two scans of the same serial with places further apart than `OCOP_SCAN_WARN_KM`
  within `OCOP_SCAN_WARN_HOURS` (haversine distance between the coarse places);
- `too_many`: the serial was scanned more than `OCOP_SCAN_WARN_COUNT` times.

Each scan stores the most serious warning it raised itself (`Scan.warning`); the page shows every
warning that applies (a `too_far` once raised stays on the stamp's page).

`record_scan` costs one statement on PostgreSQL (a data-modifying CTE: insert the scan and move
the stamp's counters, atomic by itself) and two in one transaction on SQLite (`savepoint=False`:
inside a caller's transaction it adds no SAVEPOINT round trips).

With `settings.REDIS_URL` set (production) a scan writes nothing to the database: it is counted
and queued in Redis (`ocop.traceability.services.scan_buffer`, one round trip) and
`flush_scans()` (`ocop flush-scans`, every minute) writes the rows and the counters; if Redis
fails, the scan is written to the database as above (never lost).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import redis
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.traceability.enums import ScanWarning, StampStatus
from ocop.traceability.identifiers import DigitalLink
from ocop.traceability.models import Scan, Stamp
from ocop.traceability.queries.trace import Trace, find_trace, planned_cursor
from ocop.traceability.services import scan_buffer, trace_cache

logger = logging.getLogger(__name__)

PLACE_STEP = Decimal("0.1")
EARTH_RADIUS_KM = 6371.0088
# A place may be added to a scan within this time after it (the page's button); the token that
# allows it expires then.
PLACE_WINDOW = dt.timedelta(hours=1)
TOKEN_SALT = "ocop.traceability.scan"  # noqa: S105 (a signing salt, not a secret)
# At most this many earlier placed scans are compared with a new place.
COMPARED_SCANS = 500
SEVERITY = (ScanWarning.VOID, ScanWarning.NOT_ACTIVE, ScanWarning.TOO_FAR, ScanWarning.TOO_MANY)


@dataclass(frozen=True)
class ScanOutcome:
    """What the trace page says about this visit's scan."""

    scan_id: int | None
    count: int  # the stamp's scans, this one included (0 for a batch)
    first_at: dt.datetime | None
    warnings: tuple[str, ...]  # ScanWarning values that apply, most serious first
    # The number of the scan's record while it waits in Redis (scan_id is then None).
    record_id: int | None = None

    @functools.cached_property
    def token(self) -> str:
        """The signed reference of this visit's scan ("" without one), made once."""
        if self.scan_id is not None:
            return scan_token(self.scan_id)
        if self.record_id is not None:
            return buffered_token(self.record_id)
        return ""


def most_serious(warnings: list[str] | tuple[str, ...]) -> str:
    for warning in SEVERITY:
        if warning in warnings:
            return str(warning)
    return ""


def stamp_warnings(stamp: Stamp, *, count: int, flagged_far: bool = False) -> tuple[str, ...]:
    """The warnings that apply to a stamp scanned `count` times (this scan included)."""
    found: list[str] = []
    if stamp.status == StampStatus.VOID:
        found.append(ScanWarning.VOID)
    elif stamp.status == StampStatus.ISSUED:
        found.append(ScanWarning.NOT_ACTIVE)
    if flagged_far:
        found.append(ScanWarning.TOO_FAR)
    if count > settings.OCOP_SCAN_WARN_COUNT:
        found.append(ScanWarning.TOO_MANY)
    return tuple(str(warning) for warning in found)


class _ScanWrites:
    """The statements of a scan, written once per database from the models' metadata (the page
    is the platform's hottest; building them with the ORM each time cost more than running
    them): the insert of the scan, the update of the stamp's counters (`scan_count + 1`, the
    first and the last time: what `update()` with F() and Coalesce writes) and, for
    PostgreSQL, both in one statement (data-modifying CTE)."""

    def __init__(self) -> None:
        self._sql: dict[str, tuple[str, str, str]] = {}

    def sql(self, connection: Any) -> tuple[str, str, str]:
        found = self._sql.get(connection.vendor)
        if found is None:
            found = self._sql[connection.vendor] = self._build(connection)
        return found

    @staticmethod
    def _build(connection: Any) -> tuple[str, str, str]:
        q = connection.ops.quote_name
        scan, stamp = Scan._meta, Stamp._meta

        def column(meta: Any, name: str) -> str:
            return q(meta.get_field(name).column)

        columns = ", ".join(
            column(scan, name) for name in ("stamp", "batch", "product", "scanned_at", "warning")
        )
        # Names from the models' metadata, quoted; every value is a parameter.
        pk = q(scan.pk.column)
        plain = f"INSERT INTO {q(scan.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608
        returning = f"{plain} RETURNING {pk}"
        insert = returning if connection.features.can_return_columns_from_insert else plain
        count, first, last = (
            column(stamp, name) for name in ("scan_count", "first_scanned_at", "last_scanned_at")
        )
        update = (
            f"UPDATE {q(stamp.db_table)} SET {count} = {count} + 1, "  # noqa: S608
            f"{first} = COALESCE({first}, %s), {last} = %s WHERE {q(stamp.pk.column)} = %s"
        )
        # PostgreSQL: one statement, so one round trip and atomic by itself; its commit does
        # not wait for the disk (synchronous_commit off for this transaction only: a crash may
        # lose the last fraction of a second of scans, never leave a scan without its count).
        combined = (
            "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)), "  # noqa: S608
            f"scan AS ({returning}), counted AS ({update}) "
            f"SELECT (SELECT {pk} FROM scan), (SELECT count(*) FROM quick)"
        )
        return insert, update, combined


SCAN_WRITES = _ScanWrites()


def _write_scan(
    *, stamp_id: int | None, batch_id: int | None, product_id: int, at: dt.datetime, warning: str
) -> int:
    """Insert the scan and, for a stamp, move its counters in the same transaction: one
    statement on PostgreSQL, two in one transaction elsewhere. Returns the scan's id."""
    connection = transaction.get_connection()
    insert, update, combined = SCAN_WRITES.sql(connection)
    moment = Scan._meta.get_field("scanned_at").get_db_prep_save(at, connection)
    values = [stamp_id, batch_id, product_id, moment, warning]
    if connection.vendor == "postgresql":
        with planned_cursor(connection) as cursor:
            cursor.execute(combined, [*values, moment, moment, stamp_id])
            return int(cursor.fetchone()[0])
    with transaction.atomic(savepoint=False), planned_cursor(connection) as cursor:
        cursor.execute(insert, values)
        if connection.features.can_return_columns_from_insert:
            scan_id = cursor.fetchone()[0]
        else:  # pragma: no cover (SQLite before 3.35)
            scan_id = connection.ops.last_insert_id(cursor, Scan._meta.db_table, "id")
        if stamp_id is not None:
            cursor.execute(update, [moment, moment, stamp_id])
    return int(scan_id)


def record_scan(
    *,
    product: Any,
    batch: Any = None,
    stamp: Stamp | None = None,
    flagged_far: bool = False,
    at: dt.datetime | None = None,
) -> ScanOutcome:
    """Record a visit of the trace page of `stamp` (its batch and product) or of `batch`: all
    of it or nothing (see `_write_scan`; no activity row: a scan is not a user's action).

    For a stamp, its counters move in the same transaction (`scan_count + 1`, the first and the
    last time) and `stamp` (as read before the visit) gives the warnings; `flagged_far` says an
    earlier scan of it was too far from another."""
    now = at or timezone.now()
    if scan_buffer.enabled():
        buffered = _buffer(
            product=product, batch=batch, stamp=stamp, flagged_far=flagged_far, at=now
        )
        if buffered is not None:
            return buffered
    return _store_scan(product=product, batch=batch, stamp=stamp, flagged_far=flagged_far, at=now)


def _store_scan(
    *, product: Any, batch: Any, stamp: Stamp | None, flagged_far: bool, at: dt.datetime
) -> ScanOutcome:
    """The scan written to the database (see `_write_scan`)."""
    if stamp is None:
        scan_id = _write_scan(
            stamp_id=None,
            batch_id=batch.pk if batch is not None else None,
            product_id=product.pk,
            at=at,
            warning="",
        )
        return ScanOutcome(scan_id=scan_id, count=0, first_at=None, warnings=())
    count = stamp.scan_count + 1
    warnings = stamp_warnings(stamp, count=count, flagged_far=flagged_far)
    own = [warning for warning in warnings if warning != ScanWarning.TOO_FAR]
    scan_id = _write_scan(
        stamp_id=stamp.pk,
        batch_id=stamp.batch_id,
        product_id=product.pk,
        at=at,
        warning=most_serious(own),
    )
    return ScanOutcome(
        scan_id=scan_id, count=count, first_at=stamp.first_scanned_at or at, warnings=warnings
    )


class Stale(Exception):
    """The trace the process kept is out of date (or cannot start the stamp's counter)."""


def _buffer(
    *,
    product: Any,
    batch: Any,
    stamp: Stamp | None,
    flagged_far: bool,
    at: dt.datetime,
    expected: tuple[tuple[str, str], ...] = (),
) -> ScanOutcome | None:
    """The scan counted and queued in Redis; None (after a warning in the log) when Redis
    fails: the caller then writes it to the database. With `expected` (the generations of a
    trace the process kept) it raises Stale, recording nothing, when they moved."""
    own = ""
    if stamp is not None:
        # The stamp's status warnings; `too_many` is decided in Redis, with its count.
        own = most_serious(stamp_warnings(stamp, count=0))
    try:
        buffered = scan_buffer.buffer_scan(
            stamp=stamp,
            batch_id=stamp.batch_id if stamp is not None else (batch.pk if batch else None),
            product_id=product.pk,
            at=at,
            own_warning=own,
            expected=expected,
        )
    except redis.RedisError as exc:
        logger.warning("scan buffer: Redis unavailable (%s); scan written to the database", exc)
        return None
    if buffered is None:
        raise Stale
    if stamp is None:
        return ScanOutcome(
            scan_id=None, count=0, first_at=None, warnings=(), record_id=buffered.record_id
        )
    return ScanOutcome(
        scan_id=None,
        count=buffered.count,
        first_at=buffered.first_at or at,
        warnings=stamp_warnings(stamp, count=buffered.count, flagged_far=flagged_far),
        record_id=buffered.record_id,
    )


def record_visit(*, link: DigitalLink, at: dt.datetime | None = None) -> tuple[Trace, ScanOutcome]:
    """A person's visit of the page of a stamp's or a batch's Digital Link: the trace it shows
    and the scan recorded (TraceNotFound when nothing is known under the link).

    With REDIS_URL, the trace the process kept for this link (`trace_cache`) is used when the
    generations it was read under have not moved: that check and the scan are one Redis round
    trip, and the visit reads nothing from the database. Otherwise (no copy, a change since,
    the stamp's counter not yet in Redis) the trace is read from the database (and kept from
    the link's second visit in the process on), and the scan recorded as by `record_scan`."""
    now = at or timezone.now()
    if not trace_cache.enabled():
        trace = find_trace(link)
        return trace, _record(trace, now)
    cached = trace_cache.cached_trace(link)
    if cached is not None:
        trace, tag = cached
        try:
            outcome = _buffer(
                product=trace.product,
                batch=trace.batch,
                stamp=trace.stamp,
                flagged_far=trace.flagged_far,
                at=now,
                expected=tag,
            )
        except Stale:  # changed since (or the stamp's counter is not in Redis yet)
            outcome = None
        if outcome is not None:
            return trace, outcome
        # Stale, or Redis failed (`_buffer` returned None): read it all again.
        trace_cache.drop_trace(link)
    trace, answered = trace_cache.load_trace(link)
    if not answered:  # Redis failed: the scan goes to the database at once
        return trace, _record(trace, now, buffered=False)
    return trace, _record(trace, now)


def _record(trace: Trace, at: dt.datetime, *, buffered: bool = True) -> ScanOutcome:
    scan = record_scan if buffered else _store_scan
    return scan(
        product=trace.product,
        batch=trace.batch,
        stamp=trace.stamp,
        flagged_far=trace.flagged_far,
        at=at,
    )


# --- the coarse place ---------------------------------------------------------------------------


def coarse(value: Any, *, limit: int, field: str) -> Decimal:
    """A latitude or longitude rounded to 0.1° (about 11 km); ValidationError when it is not a
    number within ±`limit`."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite() or abs(number) > limit:
        raise ValidationError(
            {field: _("Enter a number between -%(limit)s and %(limit)s.") % {"limit": limit}}
        )
    return number.quantize(PLACE_STEP, rounding=ROUND_HALF_UP)


def distance_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> float:
    """The great-circle (haversine) distance between two places, in kilometres."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def scan_token(scan_id: int) -> str:
    """A signed, timestamped reference to a scan: the page's "share my approximate area" form
    carries it (no scan id in clear, nothing that names the person)."""
    return signing.dumps(scan_id, salt=TOKEN_SALT, compress=False)


def buffered_token(record_id: int) -> str:
    """The token of a scan still buffered in Redis: its record number ("b" and the number)."""
    return signing.dumps(f"b{record_id}", salt=TOKEN_SALT, compress=False)


def _token_value(token: str, max_age: dt.timedelta) -> Any:
    try:
        return signing.loads(token or "", salt=TOKEN_SALT, max_age=max_age)
    except signing.BadSignature:
        return None


def _record_of(value: Any) -> int | None:
    if isinstance(value, str) and value.startswith("b") and value[1:].isdigit():
        return int(value[1:])
    return None


def scan_from_token(token: str, *, max_age: dt.timedelta = PLACE_WINDOW) -> int | None:
    """The scan id of a valid token not older than `max_age`; None otherwise (a buffered scan's
    token too: see `is_scan_token`)."""
    value = _token_value(token, max_age)
    return value if isinstance(value, int) else None


def is_scan_token(token: str, *, max_age: dt.timedelta = PLACE_WINDOW) -> bool:
    """A valid token not older than `max_age`, of a stored scan or of a buffered one."""
    value = _token_value(token, max_age)
    return isinstance(value, int) or _record_of(value) is not None


def _scan_id_of_token(token: str) -> int | None:
    """The scan id of a token; for a buffered scan, after its flush (forced when needed)."""
    value = _token_value(token, PLACE_WINDOW)
    if isinstance(value, int):
        return value
    record_id = _record_of(value)
    if record_id is None or not scan_buffer.enabled():
        return None
    try:
        return scan_buffer.scan_of_record(record_id)
    except redis.RedisError as exc:
        logger.warning("scan buffer: Redis unavailable (%s); place not recorded", exc)
        return None


def share_scan_place(*, token: str, latitude: Any, longitude: Any) -> Scan:
    """Add the coarse place the phone shared to the scan of `token` (once; within an hour of
    the scan), then compare it with the places of the same serial's scans within
    `OCOP_SCAN_WARN_HOURS`: further apart than `OCOP_SCAN_WARN_KM` marks this scan `too_far`
    (unless it already carries a more serious warning). A scan still buffered in Redis is
    flushed first."""
    lat = coarse(latitude, limit=90, field="lat")
    lon = coarse(longitude, limit=180, field="lon")
    scan_id = _scan_id_of_token(token)
    with transaction.atomic():
        return _share(scan_id, lat, lon)


def _share(scan_id: int | None, lat: Decimal, lon: Decimal) -> Scan:
    scan = (
        Scan.objects.select_for_update().filter(pk=scan_id).first() if scan_id is not None else None
    )
    if scan is None:
        raise ValidationError(
            {"token": _("This scan can no longer be given a place. Scan the code again.")}
        )
    if scan.latitude is not None:
        raise ValidationError({"token": _("The approximate area of this scan was already shared.")})
    scan.latitude, scan.longitude = lat, lon
    changed = ["latitude", "longitude"]
    if scan.stamp_id is not None and _too_far(scan, scan.stamp_id):
        warning = most_serious(
            [scan.warning, ScanWarning.TOO_FAR] if scan.warning else [ScanWarning.TOO_FAR]
        )
        if warning != scan.warning:
            scan.warning = warning
            changed.append("warning")
    scan.save(update_fields=changed)
    return scan


def _too_far(scan: Scan, stamp_id: int) -> bool:
    window = dt.timedelta(hours=settings.OCOP_SCAN_WARN_HOURS)
    others = (
        Scan.objects.filter(
            stamp_id=stamp_id,
            latitude__isnull=False,
            scanned_at__gte=scan.scanned_at - window,
            scanned_at__lte=scan.scanned_at + window,
        )
        .exclude(pk=scan.pk)
        .order_by("-scanned_at")
        .values_list("latitude", "longitude")[:COMPARED_SCANS]
    )
    limit = settings.OCOP_SCAN_WARN_KM
    return any(distance_km(scan.latitude, scan.longitude, lat, lon) > limit for lat, lon in others)
