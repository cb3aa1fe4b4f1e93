"""Scans buffered in Redis (the production set-up: `settings.REDIS_URL` set).

A person's visit of a trace page then writes nothing to the database: one Redis round trip (a
Lua script, atomic) counts the stamp's scan (the counter is seeded from the stamp's stored
`scan_count` when its key is missing), keeps the first scan's time, numbers the record and
appends it (stamp, batch, product, time, warning) to a list. `flush_scans()` (the command
`ocop flush-scans`, run every minute by cron or a systemd timer: docs/admin/traceability.md)
moves the records into `traceability_scan` rows and the stamps' counters.

The flush is safe against a crash and against two flushes at once:

- a lock (`SET NX` with an expiry) lets one flush run at a time;
- records are moved atomically from the queue to a processing list (a Lua script), written to
  the database in one transaction, and the processing list is deleted only after the commit;
- a flush that finds a processing list left by a crashed one writes only the records not
  already in the database (a record is known by its stamp, batch, product and time, to the
  microsecond), so nothing is lost and nothing is counted twice.

The counters in Redis have no expiry: if Redis loses its data, it loses the buffered records
with them, so seeding a counter again from the database is exact. Redis must not evict them
(`maxmemory-policy noeviction` or `volatile-*`: the page cache's keys have an expiry).

After a flush, each record's scan id is kept for `PLACE_WINDOW` under its record number, so
that "share my approximate area" (whose token carries the record number) finds its row; the
share forces a flush when the record is still in the queue.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest, Least

from ocop.traceability.models import Scan, Stamp

logger = logging.getLogger(__name__)

# One hash slot for every key (a Redis Cluster keeps them on one node).
PREFIX = "ocop:{scans}:"
QUEUE = PREFIX + "queue"
PROCESSING = PREFIX + "processing"
SEQUENCE = PREFIX + "seq"
LOCK = PREFIX + "flush-lock"
# How many records one transaction of the flush writes.
FLUSH_CHUNK = 5000
LOCK_SECONDS = 300
# A record's scan id is kept this long after its flush (the share window is one hour).
ROW_SECONDS = 2 * 3600
TIMEOUT_SECONDS = 0.5

# KEYS: count, first, queue, sequence, then the generations of a kept trace to check (see
# trace_cache). ARGV: the stored count ("" for a batch's scan, "?" for a stamp whose stored count
# is not known: a trace kept by the process), the stored first time ("" when none), now,
# "stamp|batch|product|time", the stamp's own warning, the count above which `too_many`
# applies, then the generations expected. Returns {count, first, record number, warning}, or
# {"stale"} (a generation moved) or {"seed"} (the stamp's counter needs its stored count),
# recording nothing then.
RECORD = """
for i = 5, #KEYS do
  if redis.call('GET', KEYS[i]) ~= ARGV[i + 2] then return {'stale'} end
end
local n = 0
local first = ''
local warning = ARGV[5]
if ARGV[1] ~= '' then
  if ARGV[1] == '?' then
    if redis.call('EXISTS', KEYS[1]) == 0 then return {'seed'} end
  else
    redis.call('SET', KEYS[1], ARGV[1], 'NX')
  end
  n = redis.call('INCR', KEYS[1])
  if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'NX') end
  redis.call('SET', KEYS[2], ARGV[3], 'NX')
  first = redis.call('GET', KEYS[2])
  if warning == '' and n > tonumber(ARGV[6]) then warning = 'too_many' end
end
local id = redis.call('INCR', KEYS[4])
redis.call('RPUSH', KEYS[3], id .. '|' .. ARGV[4] .. '|' .. warning)
return {n, first, id, warning}
"""

# KEYS: queue, processing. ARGV: how many. Moves up to that many records, oldest first.
TAKE = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items > 0 then
  redis.call('LTRIM', KEYS[1], #items, -1)
  redis.call('RPUSH', KEYS[2], unpack(items))
end
return #items
"""

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def enabled() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def client() -> redis.Redis:
    """The process's Redis client for `settings.REDIS_URL` (made on first use; responses as
    text; short timeouts: a visit falls back to the database rather than wait)."""
    url = settings.REDIS_URL
    found = _clients.get(url)
    if found is None:
        with _clients_lock:
            found = _clients.get(url)
            if found is None:
                found = _clients[url] = redis.Redis.from_url(
                    url,
                    decode_responses=True,
                    socket_timeout=TIMEOUT_SECONDS,
                    socket_connect_timeout=TIMEOUT_SECONDS,
                )
    return found


_scripts: dict[str, Any] = {}


def _record_script() -> Any:
    """The RECORD script of this process's client (run by its SHA1: EVALSHA)."""
    url = settings.REDIS_URL
    found = _scripts.get(url)
    if found is None:
        found = _scripts[url] = client().register_script(RECORD)
    return found


def count_key(stamp_id: int) -> str:
    return f"{PREFIX}count:{stamp_id}"


def first_key(stamp_id: int) -> str:
    return f"{PREFIX}first:{stamp_id}"


def row_key(record_id: int) -> str:
    return f"{PREFIX}row:{record_id}"


@dataclass(frozen=True)
class Buffered:
    record_id: int
    count: int
    first_at: dt.datetime | None
    warning: str


def _time(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def buffer_scan(
    *,
    stamp: Stamp | None,
    batch_id: int | None,
    product_id: int,
    at: dt.datetime,
    own_warning: str,
    expected: Sequence[tuple[str, str]] = (),
) -> Buffered | None:
    """Count and queue one scan in one round trip. Raises redis.RedisError when Redis fails.

    `expected`: the generations (key, token) a trace kept by the process was read under
    (`trace_cache`); the stamp's stored counters are then not trusted. None, and nothing
    recorded, when one of them moved or when the stamp's counter has to be started from its
    stored count: the caller reads the trace from the database and calls again without."""
    stamp_id = stamp.pk if stamp is not None else None
    keys = [
        count_key(stamp_id or 0),
        first_key(stamp_id or 0),
        QUEUE,
        SEQUENCE,
        *(key for key, _token in expected),
    ]
    fields = "|".join(
        ["" if value is None else str(value) for value in (stamp_id, batch_id, product_id)]
        + [_time(at)]
    )
    if stamp is None:
        seed, first_seed = "", ""
    elif expected:
        seed, first_seed = "?", ""
    else:
        seed, first_seed = str(stamp.scan_count), _time(stamp.first_scanned_at)
    args = [
        seed,
        first_seed,
        _time(at),
        fields,
        own_warning,
        str(settings.OCOP_SCAN_WARN_COUNT),
        *(token for _key, token in expected),
    ]
    answer = _record_script()(keys=keys, args=args)
    if len(answer) == 1:  # "stale" or "seed"
        return None
    count, first, record_id, warning = answer
    return Buffered(
        record_id=int(record_id),
        count=int(count),
        first_at=dt.datetime.fromisoformat(first) if first else None,
        warning=warning or "",
    )


def buffered_counts(stamp: Stamp) -> tuple[int, dt.datetime | None] | None:
    """The stamp's count and first time as Redis has them (None when Redis has no count for it
    or fails: the stored counters are then right, but for the last flush interval)."""
    try:
        count, first = client().mget(count_key(stamp.pk), first_key(stamp.pk))
    except redis.RedisError as exc:
        logger.warning("scan buffer: Redis unavailable (%s); counts read from the database", exc)
        return None
    if count is None:
        return None
    return int(count), (dt.datetime.fromisoformat(str(first)) if first else stamp.first_scanned_at)


def scan_of_record(record_id: int) -> int | None:
    """The scan id of a buffered record: after its flush, or after forcing one."""
    connection = client()
    found = connection.get(row_key(record_id))
    if found is None:
        flush_scans()
        found = connection.get(row_key(record_id))
    return int(found) if found is not None else None


# --- the flush ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    record_id: int
    stamp_id: int | None
    batch_id: int | None
    product_id: int
    at: dt.datetime
    warning: str

    @classmethod
    def parse(cls, text: str) -> Record:
        record_id, stamp_id, batch_id, product_id, at, warning = text.split("|")
        return cls(
            record_id=int(record_id),
            stamp_id=int(stamp_id) if stamp_id else None,
            batch_id=int(batch_id) if batch_id else None,
            product_id=int(product_id),
            at=dt.datetime.fromisoformat(at),
            warning=warning,
        )

    @property
    def natural_key(self) -> tuple[Any, ...]:
        return (self.stamp_id, self.batch_id, self.product_id, self.at)


@dataclass
class FlushReport:
    written: int = 0
    skipped: int = 0  # already in the database (a crashed flush's records)
    locked: bool = False  # another flush was running

    def lines(self) -> list[str]:
        if self.locked:
            return ["Another flush is running: nothing done."]
        return [f"Scans written: {self.written}; already written: {self.skipped}."]


def flush_scans(*, chunk: int = FLUSH_CHUNK) -> FlushReport:
    """Move the buffered scans into the database (rows and the stamps' counters). A no-op
    without REDIS_URL; idempotent; any scheduler may call it (every minute)."""
    report = FlushReport()
    if not enabled():
        return report
    connection = client()
    lock = connection.lock(LOCK, timeout=LOCK_SECONDS, blocking=False)
    if not lock.acquire(blocking=False):
        report.locked = True
        return report
    try:
        while True:
            # A processing list at this point was left by a crashed flush.
            recovering = bool(connection.llen(PROCESSING))
            if not recovering and not connection.eval(TAKE, 2, QUEUE, PROCESSING, str(chunk)):
                break
            items = connection.lrange(PROCESSING, 0, -1)
            records = [Record.parse(str(item)) for item in items]
            rows = _write(records, report, recovering=recovering)
            pipe = connection.pipeline(transaction=True)
            for record_id, scan_id in rows.items():
                pipe.set(row_key(record_id), scan_id, ex=ROW_SECONDS)
            pipe.delete(PROCESSING)
            pipe.execute()
            lock.extend(LOCK_SECONDS, replace_ttl=True)
    finally:
        with contextlib.suppress(redis.exceptions.LockError):  # expired meanwhile
            lock.release()
    return report


def _write(records: list[Record], report: FlushReport, *, recovering: bool) -> dict[int, int]:
    """The records not yet in the database (all of them unless `recovering` a crashed
    flush's) as rows, and their stamps' counters, in one transaction. Returns the scan id of
    every record."""
    if not records:
        return {}
    rows: dict[int, int] = {}
    with transaction.atomic():
        known = _existing(records) if recovering else {}
        new = []
        for record in records:
            found = known.get(record.natural_key)
            if found is not None:
                rows[record.record_id] = found
                report.skipped += 1
            else:
                new.append(record)
        scans = Scan.objects.bulk_create(
            [
                Scan(
                    stamp_id=record.stamp_id,
                    batch_id=record.batch_id,
                    product_id=record.product_id,
                    scanned_at=record.at,
                    warning=record.warning,
                )
                for record in new
            ]
        )
        for record, scan in zip(new, scans, strict=True):
            if scan.pk is not None:
                rows[record.record_id] = scan.pk
        report.written += len(new)
        moved: dict[int, list[dt.datetime]] = defaultdict(list)
        for record in new:
            if record.stamp_id is not None:
                moved[record.stamp_id].append(record.at)
        for stamp_id, times in sorted(moved.items()):
            first, last = min(times), max(times)
            Stamp.objects.filter(pk=stamp_id).update(
                scan_count=F("scan_count") + len(times),
                first_scanned_at=Least(Coalesce(F("first_scanned_at"), first), first),
                last_scanned_at=Greatest(Coalesce(F("last_scanned_at"), last), last),
            )
    return rows


def _existing(records: list[Record]) -> dict[tuple[Any, ...], int]:
    """The records already written (by a flush that crashed before it emptied the processing
    list), by their natural key."""
    condition = Q()
    for stamp_id, times in _times_by_stamp(records).items():
        condition |= Q(stamp_id=stamp_id, scanned_at__in=times)
    found = Scan.objects.filter(condition).values_list(
        "stamp_id", "batch_id", "product_id", "scanned_at", "pk"
    )
    return {tuple(row[:4]): row[4] for row in found}


def _times_by_stamp(records: list[Record]) -> dict[int | None, list[dt.datetime]]:
    by_stamp: dict[int | None, list[dt.datetime]] = defaultdict(list)
    for record in records:
        by_stamp[record.stamp_id].append(record.at)
    return by_stamp
