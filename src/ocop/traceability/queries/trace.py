"""What the resolver and the public trace page read, in as few SQL queries as a phone's visit
allows (`docs/developer/traceability-resolver.md`):

1. `find_trace(link)`: the thing a Digital Link names (a stamp with its batch, a batch, or a
   product), its product, producer, commune and province, and the product's certificate: one
   query (joins and correlated subqueries);
2. `journey_of(batch)`: the batch's EPCIS events as steps in words, with the place's name when
   the event's location is one of the producer's locations: one query, whatever the number of
   events;
3. the scan (`ocop.traceability.services.scans.record_scan`): one insert, and for a stamp one
   update of its counters; none with REDIS_URL set (the scan is queued in Redis and written by
   `flush_scans`).

Only producers that were approved (approved, or suspended since) have public pages; a product
of a producer still pending or rejected reads as unknown (404).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import EndsWith
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ocop.certificates.enums import CertificateStatus, VerificationState
from ocop.certificates.models import Certificate
from ocop.core.text import fold, short_date
from ocop.geo.models import AdministrativeUnit
from ocop.producers.enums import ProducerStatus
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.products.validators import gtin_equivalents
from ocop.traceability.enums import BatchStatus, ScanWarning, StampStatus, Step
from ocop.traceability.identifiers import DigitalLink
from ocop.traceability.models import Batch, Event, Location, Scan, Stamp

# Producers whose products have public pages: approved once (a suspension does not take the
# stamps already in the shops off the resolver).
PUBLIC_PRODUCERS = (ProducerStatus.APPROVED, ProducerStatus.SUSPENDED)

SERIAL, LOT, GTIN = "serial", "lot", "gtin"

GS1_VOC = "https://ref.gs1.org/voc/"
LINK_PIP = GS1_VOC + "pip"
LINK_CERTIFICATION = GS1_VOC + "certificationInfo"
LINK_TRACEABILITY = GS1_VOC + "traceability"
LINK_DEFAULT = GS1_VOC + "defaultLink"
# What this resolver may answer, in the order the linkset lists them.
LINK_TYPES = (LINK_PIP, LINK_CERTIFICATION, LINK_TRACEABILITY, LINK_DEFAULT)
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"
LANGUAGES = ["vi", "en"]


# --- steps in words ---------------------------------------------------------------------------

# CBV 2.0 business steps (and the platform's own `harvesting`) in words; several CBV steps read
# the same to a consumer (arriving, accepting, receiving, unloading: received).
STEP_LABELS: dict[str, Any] = {
    Step.HARVESTING.value: Step.HARVESTING.label,
    Step.COMMISSIONING.value: Step.COMMISSIONING.label,
    "creating_class_instance": Step.COMMISSIONING.label,
    Step.PROCESSING.value: Step.PROCESSING.label,
    "assembling": Step.PROCESSING.label,
    Step.PACKING.value: Step.PACKING.label,
    "repackaging": Step.PACKING.label,
    Step.SHIPPING.value: Step.SHIPPING.label,
    "departing": Step.SHIPPING.label,
    "staging_outbound": Step.SHIPPING.label,
    "loading": Step.SHIPPING.label,
    Step.RECEIVING.value: Step.RECEIVING.label,
    "arriving": Step.RECEIVING.label,
    "accepting": Step.RECEIVING.label,
    "unloading": Step.RECEIVING.label,
    Step.RETAIL_SELLING.value: Step.RETAIL_SELLING.label,
    "inspecting": gettext_lazy("inspection"),
    "sampling": gettext_lazy("inspection"),
    "storing": gettext_lazy("storage"),
    "stocking": gettext_lazy("storage"),
    "holding": gettext_lazy("storage"),
    "transporting": gettext_lazy("transport"),
    "decommissioning": gettext_lazy("taken out of circulation"),
    "destroying": gettext_lazy("taken out of circulation"),
    "void_shipping": gettext_lazy("shipment cancelled"),
}
# An event without a business step, by its type.
TYPE_LABELS: dict[str, Any] = {
    "TransformationEvent": Step.PROCESSING.label,
    "AggregationEvent": Step.PACKING.label,
}
BIZSTEP_PREFIXES = (
    "https://ref.gs1.org/cbv/BizStep-",
    "http://ref.gs1.org/cbv/BizStep-",
    "https://gs1.org/voc/BizStep-",
    "http://gs1.org/voc/BizStep-",
    "urn:epcglobal:cbv:bizstep:",
    "cbv:BizStep-",
    "gs1:BizStep-",
)


def step_word(biz_step: str) -> str:
    """The bare word of a CBV business step written as a word, a CBV URI, a URN or a CURIE; the
    last part of any other URI (`https://example.vn/voc/BizStep-harvesting` → `harvesting`)."""
    text = (biz_step or "").strip()
    for prefix in BIZSTEP_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    for separator in ("/", "#", ":"):
        text = text.rsplit(separator, 1)[-1]
    return text.removeprefix("BizStep-")


def step_label(biz_step: str, event_type: str = "") -> str:
    """The step in words, in the active language (remembered per language: the journey asks
    for the same few steps over and over)."""
    key = (get_language() or "", biz_step, event_type)
    label = _LABELS.get(key)
    if label is None:
        if len(_LABELS) > LABELS_KEPT:  # captured steps may be any URI: keep it small
            _LABELS.clear()
        label = _LABELS[key] = _step_label(biz_step, event_type)
    return label


_LABELS: dict[tuple[str, str, str], str] = {}
LABELS_KEPT = 1000


def _step_label(biz_step: str, event_type: str) -> str:
    word = step_word(biz_step)
    if word in STEP_LABELS:
        return str(STEP_LABELS[word])
    if not word and event_type in TYPE_LABELS:
        return str(TYPE_LABELS[event_type])
    return _("other step") if word else _("recorded event")


# --- the thing a Digital Link names -----------------------------------------------------------


@dataclass(frozen=True)
class CertificateFacts:
    """The product's certificate as the trace page shows it (the one in force, else the newest)."""

    verification_code: str
    stars: int
    status: str
    expires_on: dt.date

    def state_on(self, day: dt.date) -> str:
        certificate = Certificate(status=self.status, expires_on=self.expires_on)
        return certificate.state_on(day)

    @property
    def valid_until(self) -> dt.date:
        return self.expires_on - dt.timedelta(days=1)

    @property
    def path(self) -> str:
        return reverse("verify:verify_vi", kwargs={"code": self.verification_code})

    @property
    def url(self) -> str:
        return settings.SITE_URL + self.path


@dataclass
class Trace:
    """What a Digital Link resolved to: `level` is serial (a stamp), lot (a batch) or gtin."""

    link: DigitalLink
    level: str
    product: Product
    batch: Batch | None = None
    stamp: Stamp | None = None
    certificate: CertificateFacts | None = None
    # A scan of this stamp was once flagged as too far from another too quickly.
    flagged_far: bool = False
    # Filled by the view: the journey, and the scan of this visit.
    journey: list[JourneyStep] = field(default_factory=list)
    # A digest of everything the page shows that is the same for every visit (the row of
    # `find_trace` but the stamp's counters, and the batch's events and the producer's places
    # as counts, last id and last change): the key of the page's cached parts.
    version: str = ""

    @property
    def producer(self) -> Any:
        return self.product.producer

    @property
    def uri(self) -> str:
        return self.link.uri()

    @property
    def is_void(self) -> bool:
        return self.stamp is not None and self.stamp.status == StampStatus.VOID

    @property
    def is_not_active(self) -> bool:
        return self.stamp is not None and self.stamp.status == StampStatus.ISSUED

    @property
    def is_recalled(self) -> bool:
        return self.batch is not None and self.batch.status == BatchStatus.RECALLED

    def item_description(self) -> str:
        name = self.product.name
        if self.level == SERIAL and self.stamp is not None:
            return _("%(product)s, serial number %(serial)s") % {
                "product": name,
                "serial": self.stamp.serial,
            }
        if self.level == LOT and self.batch is not None:
            return _("%(product)s, lot %(lot)s") % {"product": name, "lot": self.batch.lot}
        return name


class TraceNotFound(Exception):
    """Nothing known under this Digital Link. `product` is set when the GTIN is known but the
    lot or serial is not (the page names the product and warns of a possible counterfeit)."""

    def __init__(self, link: DigitalLink, product: Product | None = None) -> None:
        super().__init__(link.path())
        self.link = link
        self.product = product


def _certificate_annotations(product_ref: str) -> dict[str, Any]:
    """The product's certificate in force (the newest VALID one, as `current_certificate_of`),
    else its newest certificate of any status, as four correlated subqueries of the one query."""
    newest = Certificate.objects.filter(product_id=OuterRef(product_ref)).order_by(
        Case(
            When(status=CertificateStatus.VALID, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-decided_on",
        "-pk",
    )
    return {
        f"cert_{name}": Subquery(newest.values(name)[:1])
        for name in ("verification_code", "stars", "status", "expires_on")
    }


def _version_annotations(batch_ref: str, producer_ref: str) -> dict[str, Any]:
    """What the journey of the batch depends on, read in the same query as the stamp or batch
    so that the page's cached parts are never stale: the number and the last id of the batch's
    events (captured, linked to it or taken off it), the number and the last change of the
    producer's locations (the journey names their places)."""
    events = Event.objects.filter(batch_id=OuterRef(batch_ref)).order_by().values("batch_id")
    places = (
        Location.objects.filter(producer_id=OuterRef(producer_ref)).order_by().values("producer_id")
    )
    return {
        "v_events": Subquery(events.annotate(n=Count("pk")).values("n")[:1]),
        "v_last_event": Subquery(events.annotate(m=Max("pk")).values("m")[:1]),
        "v_places": Subquery(places.annotate(n=Count("pk")).values("n")[:1]),
        "v_places_at": Subquery(places.annotate(m=Max("updated_at")).values("m")[:1]),
    }


VERSION_NAMES = ("v_events", "v_last_event", "v_places", "v_places_at")
# What changes with every visit (the scan block, rendered for each request).
PER_VISIT = frozenset({"scan_count", "first_scanned_at", "flagged_far"})


def _version(row: dict[str, Any]) -> str:
    """The digest of a row of `find_trace` without what changes with every visit."""
    kept = repr([value for name, value in row.items() if name not in PER_VISIT])
    return hashlib.blake2b(kept.encode(), digest_size=16).hexdigest()


# --- queries compiled once ---------------------------------------------------------------------


class PreparedQuery:
    """An ORM query compiled to SQL once per process and database, then run with new values.

    The trace page is the platform's hottest page: compiling its querysets (joins, four
    correlated subqueries) cost more than running them. `build(**slots)` returns a `values()`
    queryset made with sentinel values; the SQL and the parameters are kept, the sentinels are
    replaced by the values of each call, and Django's converters are applied to the rows, so the
    rows are what the queryset itself would give. The queries still go through Django's cursor
    (counted by the query-count tests, logged in DEBUG)."""

    def __init__(self, build: Callable[..., QuerySet], **slots: str | int) -> None:
        self.build = build
        self.slots = slots
        self._compiled: dict[tuple[str, str], tuple[str, list[Any], list[str], dict]] = {}

    def _compile(self, connection: Any) -> tuple[str, list[Any], list[str], dict]:
        queryset = self.build(**self.slots)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        by_sentinel = {(type(v), v): name for name, v in self.slots.items()}
        template = [(by_sentinel.get((type(p), p)), p) for p in params]
        missing = set(self.slots) - {slot for slot, _ in template if slot}
        if missing:
            raise RuntimeError(f"slots not found in the compiled query: {sorted(missing)}")
        query = queryset.query
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        return sql, template, names, compiler.get_converters(fields)

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        connection = connections[DEFAULT_DB_ALIAS]
        key = (connection.alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(connection)
        sql, template, names, converters = compiled
        params = [values[slot] if slot else constant for slot, constant in template]
        with planned_cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        result = []
        for raw in rows:
            row = list(raw)
            for position, (functions, expression) in converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            result.append(dict(zip(names, row, strict=True)))
        return result


def planned_cursor(connection: Any) -> Any:
    """A Django cursor (logged and counted like any other) whose statements PostgreSQL plans
    once per connection: psycopg 3 with server-side binding and `prepare=True`, kept for the
    life of the connection (DB_CONN_MAX_AGE). Elsewhere (SQLite: the sqlite3 module caches
    its compiled statements by itself) Django's usual cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    preparing = _postgresql_preparing()
    if preparing is None:  # pragma: no cover (psycopg 2)
        return connection.cursor()
    cursor_class, timestamptz, text_format, register_tzloader = preparing
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        if connection.connection.prepare_threshold is None:
            # Django turns psycopg's preparation off (None): its client-binding cursors never
            # prepare anyway; this lets `prepare=True` work and prepares nothing else.
            connection.connection.prepare_threshold = NEVER_AUTOMATICALLY
        raw = cursor_class(connection.connection)
        loader = connection.connection.adapters.get_loader(timestamptz, text_format)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, raw)
    if connection.queries_logged:
        return _LoggedCursor(raw, connection)
    return connection.make_cursor(raw)


class _LoggedCursor(CursorDebugWrapper):
    """Django's debug cursor, logging the statement with its values (Django reads the SQL back
    from psycopg's client-side binding, which a prepared statement does not use)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


NEVER_AUTOMATICALLY = 2**31 - 1


@functools.cache
def _postgresql_preparing() -> tuple[Any, Any, Any, Any] | None:
    """Django's server-binding psycopg 3 cursor, made to prepare every statement; None with
    psycopg 2. Imported on first use, so that SQLite installations never load the driver."""
    from django.db.backends.postgresql import psycopg_any

    if not psycopg_any.is_psycopg3:  # pragma: no cover
        return None
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg import adapters
    from psycopg.pq import Format

    class PreparingCursor(ServerBindingCursor):  # type: ignore[misc,valid-type]
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            return super().execute(query, params, **kwargs)

    return (
        PreparingCursor,
        adapters.types["timestamptz"].oid,
        Format.TEXT,
        psycopg_any.register_tzloader,
    )


# Sentinels the prepared queries are built with (never real values: NUL is refused in text).
S_GTIN = "\x00gtin\x00"
S_SERIAL = "\x00serial\x00"
S_LOT = "\x00lot\x00"
S_FORMS = tuple(f"\x00gtin{n}\x00" for n in range(4))
S_BATCH = -(2**62) + 1
S_PRODUCER = -(2**62) + 2

STAMP_FIELDS = (
    "id",
    "batch_id",
    "gtin",
    "serial",
    "short_code",
    "status",
    "scan_count",
    "first_scanned_at",
)
BATCH_FIELDS = ("id", "lot", "produced_on", "expires_on", "status", "product_id", "producer_id")
PRODUCT_FIELDS = ("id", "name", "description", "gtin", "producer_id")
PRODUCER_FIELDS = ("id", "name", "address", "commune_id")
COMMUNE_FIELDS = ("id", "name", "province_id")
PROVINCE_FIELDS = ("id", "name")
CERTIFICATE_NAMES = ("cert_verification_code", "cert_stars", "cert_status", "cert_expires_on")


def _columns(product_path: str) -> list[str]:
    """The product's, producer's, commune's and province's columns, under `product_path`."""
    prefix = f"{product_path}__" if product_path else ""
    return [
        *(f"{prefix}{name}" for name in PRODUCT_FIELDS),
        *(f"{prefix}producer__{name}" for name in PRODUCER_FIELDS),
        *(f"{prefix}producer__commune__{name}" for name in COMMUNE_FIELDS),
        *(f"{prefix}producer__commune__province__{name}" for name in PROVINCE_FIELDS),
    ]


def _gtin_forms(path: str, forms: tuple[str, ...]) -> Q:
    """The GTIN in any of its (up to four) stored lengths: a fixed number of parameters, so that
    the compiled SQL fits every GTIN."""
    condition = Q()
    for form in forms:
        condition |= Q(**{path: form})
    return condition


def _forms_of(gtin14: str) -> dict[str, str]:
    forms = sorted(gtin_equivalents(gtin14))
    forms += [forms[0]] * (len(S_FORMS) - len(forms))
    return {f"gtin{n}": form for n, form in enumerate(forms)}


def _stamp_query(gtin: str, serial: str) -> QuerySet:
    return (
        Stamp.objects.filter(gtin=gtin, serial=serial)
        .filter(batch__product__producer__status__in=PUBLIC_PRODUCERS)
        .annotate(
            **_certificate_annotations("batch__product_id"),
            **_version_annotations("batch_id", "batch__producer_id"),
            flagged_far=Exists(
                Scan.objects.filter(stamp_id=OuterRef("pk"), warning=ScanWarning.TOO_FAR)
            ),
        )
        .values(
            *STAMP_FIELDS,
            *(f"batch__{name}" for name in BATCH_FIELDS),
            *_columns("batch__product"),
            *CERTIFICATE_NAMES,
            *VERSION_NAMES,
            "flagged_far",
        )[:1]
    )


def _batch_query(lot: str, **forms: str) -> QuerySet:
    return (
        Batch.objects.filter(
            _gtin_forms("product__gtin", tuple(forms.values())),
            product__producer__status__in=PUBLIC_PRODUCERS,
            lot=lot,
        )
        .annotate(
            **_certificate_annotations("product_id"), **_version_annotations("pk", "producer_id")
        )
        .values(*BATCH_FIELDS, *_columns("product"), *CERTIFICATE_NAMES, *VERSION_NAMES)[:1]
    )


def _product_query(**forms: str) -> QuerySet:
    return (
        Product.objects.filter(
            _gtin_forms("gtin", tuple(forms.values())), producer__status__in=PUBLIC_PRODUCERS
        )
        .annotate(**_certificate_annotations("pk"))
        .order_by("pk")
        .values(*_columns(""), *CERTIFICATE_NAMES)[:1]
    )


STAMP_QUERY = PreparedQuery(_stamp_query, gtin=S_GTIN, serial=S_SERIAL)
BATCH_QUERY = PreparedQuery(
    _batch_query, lot=S_LOT, **{f"gtin{n}": form for n, form in enumerate(S_FORMS)}
)
PRODUCT_QUERY = PreparedQuery(
    _product_query, **{f"gtin{n}": form for n, form in enumerate(S_FORMS)}
)


def _pick(row: dict[str, Any], prefix: str, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: row[f"{prefix}{name}"] for name in names}


def _product(row: dict[str, Any], prefix: str) -> Product:
    """The product with its producer, commune and province, as instances (not saved)."""
    product = Product(**_pick(row, prefix, PRODUCT_FIELDS))
    producer = Producer(**_pick(row, f"{prefix}producer__", PRODUCER_FIELDS))
    commune = AdministrativeUnit(**_pick(row, f"{prefix}producer__commune__", COMMUNE_FIELDS))
    if commune.province_id is not None:
        commune.province = AdministrativeUnit(
            **_pick(row, f"{prefix}producer__commune__province__", PROVINCE_FIELDS)
        )
    else:
        commune.province = None
    producer.commune = commune
    product.producer = producer
    return product


def _certificate(row: dict[str, Any]) -> CertificateFacts | None:
    if not row.get("cert_verification_code"):
        return None
    expires = row["cert_expires_on"]
    if isinstance(expires, str):  # SQLite gives a subquery's date as text
        expires = dt.date.fromisoformat(expires)
    return CertificateFacts(
        verification_code=row["cert_verification_code"],
        stars=int(row["cert_stars"]),
        status=row["cert_status"],
        expires_on=expires,
    )


def _known_product(link: DigitalLink) -> Product | None:
    rows = PRODUCT_QUERY.rows(**_forms_of(link.gtin))
    return _product(rows[0], "") if rows else None


def find_trace(link: DigitalLink) -> Trace:
    """The stamp, batch or product of a checked Digital Link, in one query; TraceNotFound (with
    the product when only the lot or serial is unknown: one more query) otherwise.

    - `/21/{serial}`: the stamp with this GTIN and serial (unique per GTIN); with `/10/{lot}`
      too, the stamp's batch must have that lot;
    - `/10/{lot}`: the batch of a product with this GTIN and lot (Product.gtin keeps the length
      it was typed in: every spelling of the GTIN is tried);
    - the GTIN alone: the product.
    """
    if link.serial is not None:
        rows = STAMP_QUERY.rows(gtin=link.gtin, serial=link.serial)
        if rows and (link.lot is None or rows[0]["batch__lot"] == link.lot):
            row = rows[0]
            product = _product(row, "batch__product__")
            batch = Batch(**_pick(row, "batch__", BATCH_FIELDS))
            batch.product = product
            stamp = Stamp(**{name: row[name] for name in STAMP_FIELDS})
            stamp.batch = batch
            return Trace(
                link=link,
                level=SERIAL,
                product=product,
                batch=batch,
                stamp=stamp,
                certificate=_certificate(row),
                flagged_far=bool(row["flagged_far"]),
                version=_version(row),
            )
        raise TraceNotFound(link, _known_product(link))
    if link.lot is not None:
        rows = BATCH_QUERY.rows(lot=link.lot, **_forms_of(link.gtin))
        if not rows:
            raise TraceNotFound(link, _known_product(link))
        row = rows[0]
        product = _product(row, "product__")
        batch = Batch(**_pick(row, "", BATCH_FIELDS))
        batch.product = product
        return Trace(
            link=link,
            level=LOT,
            product=product,
            batch=batch,
            certificate=_certificate(row),
            version=_version(row),
        )
    rows = PRODUCT_QUERY.rows(**_forms_of(link.gtin))
    if not rows:
        raise TraceNotFound(link)
    return Trace(
        link=link,
        level=GTIN,
        product=_product(rows[0], ""),
        certificate=_certificate(rows[0]),
        version=_version(rows[0]),
    )


# --- the journey --------------------------------------------------------------------------------


@dataclass(frozen=True)
class JourneyStep:
    label: str
    time: dt.datetime  # in Asia/Ho_Chi_Minh
    place: str


def _place_name(identifier_field: str, producer_id: int) -> Subquery:
    """The name of the producer's location whose GLN or platform code ends the event's
    location identifier (`…/414/8931234500009`, `urn:…:DD000123`), if any."""
    outer = OuterRef(identifier_field)
    locations = Location.objects.filter(producer_id=producer_id).filter(
        Q(EndsWith(outer, F("code"))) | (~Q(gln="") & Q(EndsWith(outer, F("gln"))))
    )
    return Subquery(locations.order_by("pk").values("name")[:1])


def _journey_query(batch_id: int, producer_id: int) -> QuerySet:
    return (
        Event.objects.filter(batch_id=batch_id)
        .order_by("event_time", "id")
        .annotate(
            biz_place=_place_name("biz_location", producer_id),
            read_place=_place_name("read_point", producer_id),
        )
        .values("event_type", "biz_step", "event_time", "biz_place", "read_place")
    )


JOURNEY_QUERY = PreparedQuery(_journey_query, batch_id=S_BATCH, producer_id=S_PRODUCER)


def journey_html(steps: list[JourneyStep]) -> SafeString:
    """The timeline's items, written here rather than in a template loop: the page is the
    platform's hottest, and a loop of template tags cost more than its queries. Every text is
    escaped."""
    items = []
    for step in steps:
        label = escape(step.label[:1].upper() + step.label[1:])
        place = f'<br><span class="t-muted">{escape(step.place)}</span>' if step.place else ""
        items.append(
            f'<li><strong>{label}</strong> <time datetime="{step.time.isoformat()}">'
            f"{step.time:%d/%m/%Y %H:%M}</time>{place}</li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 (escaped above)


_STARS: dict[tuple[int, str], str] = {}


def stars_svg(count: int) -> str:
    """The certificate's stars as drawn on its verification page (one rendering per number of
    stars and language: it is fixed markup)."""
    key = (count, get_language() or "")
    if key not in _STARS:
        _STARS[key] = render_to_string("certificates/public/stars.html", {"count": count})
    return mark_safe(_STARS[key])  # noqa: S308 (our own template's output)


def journey_of(batch: Batch) -> list[JourneyStep]:
    """The batch's events in time order (one query, however many), as steps in words. Business
    data (buyers, documents, quantities) is not read."""
    rows = JOURNEY_QUERY.rows(batch_id=batch.pk, producer_id=batch.producer_id)
    return [
        JourneyStep(
            label=step_label(row["biz_step"], row["event_type"]),
            time=timezone.localtime(row["event_time"]),
            place=row["biz_place"] or row["read_place"] or "",
        )
        for row in rows
    ]


# --- links: the linkset and the link types -----------------------------------------------------


def _link(href: str, title: str, kind: str = "text/html") -> dict[str, Any]:
    return {"href": href, "title": title, "type": kind, "hreflang": list(LANGUAGES)}


def events_url(trace: Trace) -> str | None:
    """The batch's (or stamp's) EPCIS events on the platform's EPCIS query interface, when the
    platform has one (`epcis:events`)."""
    if trace.level == GTIN:
        return None
    try:
        path = reverse("epcis:events")
    except NoReverseMatch:
        return None
    parameter = "MATCH_anyEPC" if trace.level == SERIAL else "MATCH_anyEPCClass"
    return f"{settings.SITE_URL}{path}?{urlencode({parameter: trace.uri})}"


def links_of(trace: Trace) -> dict[str, list[dict[str, Any]]]:
    """The links of the thing, by GS1 link type (full URIs). The product information page is
    the trace page (the platform has no other public product page), so are the traceability
    information and the default link; the certificate's verification page when the product has
    a certificate."""
    page = trace.uri
    links: dict[str, list[dict[str, Any]]] = {
        LINK_PIP: [_link(page, _("Product information and origin"))],
    }
    if trace.certificate is not None:
        links[LINK_CERTIFICATION] = [
            _link(trace.certificate.url, _("OCOP certificate verification"))
        ]
    traceability = [_link(page, _("Origin and journey of the product"))]
    events = events_url(trace)
    if events is not None:
        traceability.append(_link(events, _("EPCIS events"), "application/json"))
    links[LINK_TRACEABILITY] = traceability
    links[LINK_DEFAULT] = [_link(page, _("Product information and origin"))]
    return links


def linkset(trace: Trace) -> dict[str, Any]:
    """The RFC 9264 linkset of the thing, in the shape of GS1's model linkset."""
    entry: dict[str, Any] = {"anchor": trace.uri, "itemDescription": trace.item_description()}
    entry.update(links_of(trace))
    return {"linkset": [entry]}


def normalise_link_type(value: str) -> str:
    """`gs1:pip`, `https://gs1.org/voc/pip`, `http://gs1.org/voc/pip` → the full URI of GS1's
    vocabulary (`https://ref.gs1.org/voc/pip`); other values unchanged."""
    text = value.strip()
    for prefix in (
        "gs1:",
        "https://gs1.org/voc/",
        "http://gs1.org/voc/",
        "http://ref.gs1.org/voc/",
    ):
        if text.startswith(prefix):
            return GS1_VOC + text[len(prefix) :]
    return text


# --- schema.org ---------------------------------------------------------------------------------

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def schema_org(trace: Trace) -> str:
    """The schema.org description of the thing as JSON-LD, safe inside a `<script
    type="application/ld+json">` data block: IndividualProduct for a serial, SomeProducts for a
    lot, Product for a GTIN."""
    product = trace.product
    producer = product.producer
    commune = producer.commune
    kind = {SERIAL: "IndividualProduct", LOT: "SomeProducts", GTIN: "Product"}[trace.level]
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "VN"}
    if producer.address:
        address["streetAddress"] = producer.address
    if commune is not None:
        address["addressLocality"] = commune.name
        if commune.province is not None:
            address["addressRegion"] = commune.province.name
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": kind,
        "@id": trace.uri,
        "name": product.name,
        "gtin": trace.link.gtin,
        "hasGS1DigitalLink": trace.uri,
        "url": trace.uri,
        "manufacturer": {"@type": "Organization", "name": producer.name, "address": address},
    }
    if product.description:
        data["description"] = product.description[:500]
    if trace.batch is not None:
        data["productionDate"] = trace.batch.produced_on.isoformat()
        data["additionalProperty"] = [
            {"@type": "PropertyValue", "name": "lot", "value": trace.batch.lot}
        ]
        if trace.batch.expires_on:
            data["additionalProperty"].append(
                {
                    "@type": "PropertyValue",
                    "name": "expiryDate",
                    "value": trace.batch.expires_on.isoformat(),
                }
            )
    if trace.stamp is not None:
        data["serialNumber"] = trace.stamp.serial
    certificate = trace.certificate
    if certificate is not None and certificate.state_on(timezone.localdate()) in (
        VerificationState.VALID,
        VerificationState.EXPIRING,
    ):
        data["award"] = f"OCOP {certificate.stars}★"
    return json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)


# --- words for the page ---------------------------------------------------------------------------


def warning_text(warning: str, *, count: int = 0) -> str:
    """A scan warning in plain words for the person holding the product."""
    if warning == ScanWarning.VOID:
        return _(
            "This stamp has been cancelled by the producer. A product that carries it may be "
            "counterfeit: ask the seller, or contact the producer."
        )
    if warning == ScanWarning.NOT_ACTIVE:
        return _(
            "This stamp has not been activated by the producer yet, so the product should not be "
            "on sale. It may be counterfeit: ask the seller, or contact the producer."
        )
    if warning == ScanWarning.TOO_FAR:
        return _(
            "This code was scanned in places far apart within a few hours. The same stamp cannot "
            "be in two places at once: it may have been copied."
        )
    return _(
        "This code has been scanned %(count)s times. A genuine stamp is rarely scanned this "
        "often: it may have been copied."
    ) % {"count": count}


def address_of(producer: Any) -> str:
    """The producer's address, followed by its commune and province unless it names them."""
    parts = [producer.address] if producer.address else []
    commune = producer.commune
    names = [commune.name, commune.province.name if commune.province else ""] if commune else []
    for name in names:
        if name and fold(name) not in fold(", ".join(parts)):
            parts.append(name)
    return ", ".join(parts)


def certificate_text(certificate: CertificateFacts | None, state: str | None) -> str:
    """The product's OCOP certificate in words."""
    if certificate is None:
        return _("No OCOP certificate of this product is recorded on the platform.")
    if state in (VerificationState.VALID, VerificationState.EXPIRING):
        return _("OCOP %(stars)s-star product: the certificate is valid until %(date)s.") % {
            "stars": certificate.stars,
            "date": short_date(certificate.valid_until),
        }
    if state == VerificationState.EXPIRED:
        return _("The product's OCOP certificate expired on %(date)s.") % {
            "date": short_date(certificate.expires_on)
        }
    if state == VerificationState.REVOKED:
        return _("The product's OCOP certificate has been revoked: it is no longer valid.")
    return _("The product's OCOP certificate was replaced by a newer certificate.")
