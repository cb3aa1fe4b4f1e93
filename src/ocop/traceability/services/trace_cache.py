"""The trace rows each process keeps, and their invalidation (production: `settings.REDIS_URL`).

With the scans buffered in Redis, a person's visit of a stamp's or a batch's page reads nothing
from the database when the process already resolved that Digital Link: it keeps the `Trace`
that `find_trace` built (stamp, batch, product, producer, places, certificate: everything the
page shows but the scan counters), tagged with the **generations** of what it depends on, and
the one Redis round trip that records the scan (`scan_buffer.buffer_scan`) first checks that the
generations have not moved. If one has, nothing is recorded, the copy is dropped and the visit
reads the database as before (`load_trace`), then records its scan. A link is kept from its
second visit in the process on (the first learns its product: the generations are read before
the database, and their key is the product's), so a stamp scanned once costs what it did.

A generation is a Redis key holding a random token: one per product
(`ocop:{scans}:trace:product:<id>`) and one for every page (`ocop:{scans}:trace:all`, for the
names of administrative units). A write that changes what a page shows puts a new token in the
key (`forget_traces`), after its commit, so that the next visit, in any process, reads the
database again. Tokens never repeat, so a key lost with Redis's data (or emptied) never matches
an old copy; a missing key reads as "changed".

Who moves the generations:

- the signals of `ocop.traceability.signals`, after any `save()` or `delete()` of a stamp, batch,
  event, place, product, producer, certificate or administrative unit, or of a scan that
  raised `too_far` (the services of every app, the admin);
- the traceability services that write in bulk, which skip the signals: `capture_document`
  (events, `bulk_create`), `record_step` (events moved to the batch, `update`),
  `change_stamp_status` (stamps, `update`).

A write that bypasses both (raw SQL, a `QuerySet.update()` in a shell) shows after at most
`ROW_SECONDS`: a copy is never kept longer. The certificate's expiry needs no write: the copy
holds its expiry date and the page computes its state from today's date.

The scan counters are never taken from a copy: the visit's script refuses to start a stamp's
counter in Redis from a copy (`seed`), the visit then reads the stored count from the database.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable

import redis
from django.db import transaction

from ocop.products.models import Product
from ocop.traceability.identifiers import DigitalLink
from ocop.traceability.models import Batch
from ocop.traceability.queries.trace import Trace, find_trace
from ocop.traceability.services import scan_buffer

logger = logging.getLogger(__name__)

# The same hash slot as the scans' keys: the visit's script reads them with the counters.
PRODUCT_KEY = scan_buffer.PREFIX + "trace:product:"
EVERY_PAGE = scan_buffer.PREFIX + "trace:all"
# A process keeps a trace this long at most (the bound for writes that bypass the signals).
ROW_SECONDS = 600
# And at most this many (a trace with its model instances is about 10 KB); links whose
# product is known, at most PRODUCTS_KEPT.
ROWS_KEPT = 1000
PRODUCTS_KEPT = 20000

# The generations a copy was read under: ((key, token), ...), in the order of `keys_of`.
Tag = tuple[tuple[str, str], ...]

# link → (trace, tag, monotonic time it was read); link → its product's id (stable: a stamp
# never changes batch, nor a batch product), learnt on the link's first visit (`load_trace`).
_ROWS: dict[DigitalLink, tuple[Trace, Tag, float]] = {}
_PRODUCT_OF: dict[DigitalLink, int] = {}

# KEYS: the generations. ARGV: a new token. Each missing key gets the token; returns the values.
GENERATIONS = """
for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[1], 'NX') end
return redis.call('MGET', unpack(KEYS))
"""


def enabled() -> bool:
    """Copies are kept only where every process can learn of a change: with REDIS_URL."""
    return scan_buffer.enabled()


def product_key(product_id: int) -> str:
    return f"{PRODUCT_KEY}{product_id}"


def keys_of(product_id: int) -> list[str]:
    return [product_key(product_id), EVERY_PAGE]


def _token() -> str:
    return secrets.token_hex(12)


# --- reading ----------------------------------------------------------------------------------


def cached_trace(link: DigitalLink) -> tuple[Trace, Tag] | None:
    """The process's copy of the trace of `link` and the generations it was read under; None
    when there is none or it is older than ROW_SECONDS. Its freshness is checked by the visit's
    Redis script."""
    found = _ROWS.get(link)
    if found is None:
        return None
    trace, tag, read_at = found
    if time.monotonic() - read_at > ROW_SECONDS:
        _ROWS.pop(link, None)
        return None
    return trace, tag


def drop_trace(link: DigitalLink) -> None:
    _ROWS.pop(link, None)


def forget_all() -> None:
    """Empty the process's copies (tests)."""
    _ROWS.clear()
    _PRODUCT_OF.clear()


def load_trace(link: DigitalLink) -> tuple[Trace, bool]:
    """The trace of `link` read from the database (`find_trace`; TraceNotFound as there), and
    False when Redis failed (the scan then goes to the database at once).

    The trace is kept for the next visits from the second visit of the link in this process on:
    the first one learns the link's product (a stamp never changes batch, nor a batch product),
    so that the next read first takes the generations of that product from Redis, BEFORE the
    database (a change committed after that moves them: a copy is never kept under newer
    generations than its data). A link visited once, as most stamps are, costs what it cost
    without the copies: one query."""
    product_id = _PRODUCT_OF.get(link)
    if product_id is None:
        trace = find_trace(link)
        if len(_PRODUCT_OF) >= PRODUCTS_KEPT:
            _PRODUCT_OF.clear()
        _PRODUCT_OF[link] = trace.product.pk
        return trace, True
    try:
        tag = _generations(product_id)
    except redis.RedisError as exc:
        logger.warning("trace cache: Redis unavailable (%s); trace read from the database", exc)
        return find_trace(link), False
    trace = find_trace(link)
    if trace.product.pk != product_id:  # pragma: no cover (a batch never changes product)
        _PRODUCT_OF[link] = trace.product.pk
        return trace, True
    if len(_ROWS) >= ROWS_KEPT:
        _ROWS.clear()
    _ROWS[link] = (trace, tag, time.monotonic())
    return trace, True


def _generations(product_id: int) -> Tag:
    keys = keys_of(product_id)
    values = scan_buffer.client().eval(GENERATIONS, len(keys), *keys, _token())
    return tuple(zip(keys, (str(value) for value in values), strict=True))


# --- invalidation -----------------------------------------------------------------------------


def forget_traces(
    *,
    product_ids: Iterable[int | None] = (),
    batch_ids: Iterable[int | None] = (),
    producer_ids: Iterable[int | None] = (),
    everything: bool = False,
) -> None:
    """After the current transaction commits (at once outside one), move the generations of
    the products named, of the batches' products, of the producers' products, or of every page:
    the next visit of their pages, in any process, reads the database. A no-op without
    REDIS_URL (no process keeps a copy). Never fails the write: a Redis error is logged (the
    copies then show the change after at most ROW_SECONDS)."""
    if not enabled():
        return
    products = {pk for pk in product_ids if pk is not None}
    batches = {pk for pk in batch_ids if pk is not None}
    producers = {pk for pk in producer_ids if pk is not None}
    if not (products or batches or producers or everything):
        return
    transaction.on_commit(
        lambda: _move(products, batches, producers, everything=everything), robust=True
    )


def _move(products: set[int], batches: set[int], producers: set[int], *, everything: bool) -> None:
    found = set(products)
    if batches:
        found.update(Batch.objects.filter(pk__in=batches).values_list("product_id", flat=True))
    if producers:
        found.update(Product.objects.filter(producer_id__in=producers).values_list("pk", flat=True))
    keys = [product_key(pk) for pk in sorted(found)]
    if everything:
        keys.append(EVERY_PAGE)
    if not keys:
        return
    token = _token()
    try:
        scan_buffer.client().mset(dict.fromkeys(keys, token))
    except redis.RedisError as exc:
        logger.warning("trace cache: Redis unavailable (%s); copies expire by themselves", exc)
