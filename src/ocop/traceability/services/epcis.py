"""EPCIS 2.0 capture: the one door through which events enter the platform (the REST endpoint
`POST /epcis/capture` and the producers' step forms both call `capture_document`), and the
documents the platform writes back (`events_document`, `query_document`).

`capture_document(actor=…, document=…, producer=None)`:

1. size: a document (bytes) over `OCOP_EPCIS_MAX_MB` is refused, 413;
2. JSON: malformed JSON is refused, 400, with the line, column and character;
3. GS1's JSON schema (`data/EPCIS-JSON-Schema.json`, Draft 7, compiled once per process with
   jsonschema-rs, formats checked, references resolved in the file, never over the network);
4. what the schema leaves out: EPC URIs and Digital Links well-formed (a GTIN's check digit
   included), `bizStep` and `disposition` a CBV word, a `cbv:` CURIE or a URI, every time with
   its time zone and `eventTimeZoneOffset` present and well-formed, lengths the database keeps;
5. the producer guard: when `producer` is given (a producer's user captures), an event naming a
   batch or a stamp of another producer is refused (another producer's batch as an *input* of a
   transformation, one step back, is allowed);
6. idempotence: each event's CBV 2.0 hash (`services/event_hash.py`); an event whose hash is
   stored already, or repeats an event of the same document, is not stored again;
7. storage, all or nothing, in one transaction: the events (`Event`, the document as captured
   with its `eventID` — the hash when it had none — and the CURIE prefixes it uses), one
   `EventEPC` per identifier (canonical form, `ocop.traceability.epc`), each linked to the
   platform batch its identifiers name (LGTIN or Digital Link `/01/…/10/…` → the product's GTIN
   and the lot; SGTIN or `/21/` → the stamp → its batch), bulk inserts.

Every refusal raises `CaptureError` (a `ValidationError`: `message_dict` maps JSON pointers to
messages), which carries the HTTP status, the list of errors (each naming the event by index and
eventID, and the field by JSON pointer: all of them, not only the first) and the capture job. A
refused document stores no event, but its `CaptureJob` is kept as failed with the errors, so
that `GET /epcis/capture/{captureID}` answers for it as the REST bindings expect. That is why this
service opens its own transactions instead of being one `@transaction.atomic`: the events and the
successful job are written in one transaction; a refusal writes only the failed job. Inside a
caller's transaction (a step form) both are savepoints of it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema_rs
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.core.services.activity import log_action
from ocop.traceability.enums import CaptureStatus, EpcRole
from ocop.traceability.epc import EpcError, Gs1Key, check_identifier, parse_identifier
from ocop.traceability.identifiers import normalise_gtin
from ocop.traceability.models import Batch, CaptureJob, Event, EventEPC, Stamp
from ocop.traceability.services.event_hash import (
    CBV,
    DATA,
    TimestampError,
    context_prefixes,
    event_hash,
    parse_timestamp,
)
from ocop.traceability.services.trace_cache import forget_traces

SCHEMA_FILE = DATA / "EPCIS-JSON-Schema.json"
STANDARD_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SCHEMA_VERSION = "2.0"
EPCIS_VERSION = "2.0.0"
CBV_VERSION = "2.0.0"
# Problem types of the REST bindings (epcis-rest-openapi.json).
VALIDATION = "epcisException:ValidationException"
TOO_LARGE = "epcisException:CaptureLimitExceededException"
# Lengths of the columns that keep what a document says.
# (identifiers and places 300, bizStep and disposition 200, eventID 300, type 24)
LONGEST = {"epc": 300, "biz_step": 200, "event_id": 300, "event_type": 24}
BATCH_SIZE = 1000
LOOKUP_CHUNK = 500
TIME_ZONE_OFFSET = re.compile(r"^[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00)$")

# Where identifiers are in an event, and the role their EventEPC row gets. The order is the
# order in which the batch of an event is looked for (what the event is about first, its inputs
# last).
EPC_FIELDS: tuple[tuple[str, str], ...] = (
    ("epcList", EpcRole.EPC),
    ("quantityList", EpcRole.QUANTITY),
    ("parentID", EpcRole.PARENT),
    ("childEPCs", EpcRole.CHILD),
    ("childQuantityList", EpcRole.CHILD_QUANTITY),
    ("outputEPCList", EpcRole.OUTPUT),
    ("outputQuantityList", EpcRole.OUTPUT_QUANTITY),
    ("inputEPCList", EpcRole.INPUT),
    ("inputQuantityList", EpcRole.INPUT_QUANTITY),
)
INPUT_ROLES = frozenset({EpcRole.INPUT, EpcRole.INPUT_QUANTITY})


# --- errors ------------------------------------------------------------------------------------


class CaptureError(ValidationError):
    """A refused capture. `errors`: dicts with `field` (a JSON pointer into the document, None
    for the document as a whole), `message`, and `event` / `eventID` when an event is at fault;
    `status` (400 or 413), `kind` (the bindings' problem type), `title`, `detail`; `job`: the
    failed CaptureJob that records it."""

    def __init__(
        self,
        errors: list[dict[str, Any]],
        *,
        status: int = 400,
        kind: str = VALIDATION,
        title: str | None = None,
    ) -> None:
        by_field: dict[str, list[str]] = {}
        for error in errors:
            by_field.setdefault(error.get("field") or "document", []).append(error["message"])
        super().__init__(by_field)
        self.errors = errors
        self.status = status
        self.kind = kind
        self.title = title or _("The EPCIS document was refused: nothing was stored.")
        count = len(errors)
        self.detail = ngettext(
            "%(count)d error was found; no event was stored.",
            "%(count)d errors were found; no event was stored.",
            count,
        ) % {"count": count}
        self.job: CaptureJob | None = None


def _error(message: str, pointer: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"field": pointer, "message": message, **extra}


def json_pointer(parts: Iterable[str | int]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


# --- the schema and the CBV code lists ---------------------------------------------------------


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator() -> Any:
    """GS1's schema compiled once per process: formats checked, no network."""
    return jsonschema_rs.Draft7Validator(_schema(), validate_formats=True, offline=True)


@cache
def cbv_terms(definition: str) -> frozenset[str]:
    """The CBV bare words the schema lists for `bizStep`, `disposition`, `bizTransaction-type`,
    `source-dest-type` or `error-reason`."""
    for option in _schema()["definitions"][definition]["anyOf"]:
        if "enum" in option:
            return frozenset(option["enum"])
    return frozenset()


VOCABULARY = {"bizStep": ("bizStep", "BizStep-"), "disposition": ("disposition", "Disp-")}


def cbv_word(value: str, kind: str) -> str | None:
    """The CBV bare word a bizStep (`kind` "bizStep") or disposition is, whether written bare,
    as a `cbv:` CURIE or as its https://ref.gs1.org/cbv/ URI; None when it is none."""
    definition, prefix = VOCABULARY[kind]
    terms = cbv_terms(definition)
    text = value.strip()
    for start in ("cbv:" + prefix, CBV + prefix, ""):
        if text.startswith(start) and text[len(start) :] in terms:
            return text[len(start) :]
    return None


def normalise_vocabulary(value: str, kind: str, prefixes: Mapping[str, str]) -> str:
    """How a bizStep / disposition is stored and queried: the CBV bare word, else the URI (a
    CURIE of the document's context expanded)."""
    word = cbv_word(value, kind)
    if word is not None:
        return word
    text = value.strip()
    head, _sep, rest = text.partition(":")
    if rest and head in prefixes and not rest.startswith("//"):
        return prefixes[head] + rest
    return text


# --- checks the schema leaves out --------------------------------------------------------------


def _time_error(value: Any, pointer: str) -> dict[str, Any] | None:
    if not isinstance(value, str):
        return None  # the schema says what is wrong
    try:
        parse_timestamp(value)
    except TimestampError as exc:
        if str(exc) == "zone":
            message = _(
                "“%(value)s” has no time zone: write the time with its offset from UTC, like "
                "2025-03-10T07:30:00+07:00."
            )
        else:
            message = _("“%(value)s” is not a date and time like 2025-03-10T07:30:00+07:00.")
        return _error(message % {"value": value}, pointer)
    return None


def _vocabulary_error(value: Any, kind: str, pointer: str) -> dict[str, Any] | None:
    if not isinstance(value, str):
        return None
    if cbv_word(value, kind) is not None:
        return None
    text = value.strip()
    if text.startswith(("cbv:", CBV)):
        message = _("“%(value)s” is not a term of the CBV 2.0 vocabulary.")
    elif text.startswith("urn:epcglobal:cbv:"):
        message = _(
            "“%(value)s” is a CBV 1.x URN: write the CBV 2.0 word (such as shipping) instead."
        )
    elif ":" in text and " " not in text and not text.endswith(":"):
        if len(text) > LONGEST["biz_step"]:
            return _error(_long(text, LONGEST["biz_step"]), pointer)
        return None  # a URI of the capturer's own vocabulary
    elif kind == "bizStep":
        message = _(
            "“%(value)s” is neither a CBV business step (such as commissioning, shipping, "
            "receiving, retail_selling) nor a URI of your own vocabulary."
        )
    else:
        message = _(
            "“%(value)s” is neither a CBV disposition (such as active, in_transit, "
            "retail_sold) nor a URI of your own vocabulary."
        )
    return _error(message % {"value": value}, pointer)


def _long(value: str, longest: int) -> str:
    return _("“%(value)s…” is too long: at most %(longest)d characters are kept.") % {
        "value": value[:40],
        "longest": longest,
    }


def _identifier_error(value: Any, pointer: str) -> dict[str, Any] | None:
    if not isinstance(value, str):
        return None
    try:
        canonical = check_identifier(value)
    except EpcError as exc:
        return _error(str(exc), pointer)
    if len(canonical) > LONGEST["epc"]:
        return _error(_long(value, LONGEST["epc"]), pointer)
    return None


def _check_event(event: Mapping[str, Any], base: str) -> list[dict[str, Any]]:
    """The errors of one event that GS1's schema does not catch (or catches in words nobody
    understands); `base` is the event's JSON pointer."""
    found: list[dict[str, Any] | None] = []
    for name in ("eventTime", "recordTime"):
        if name in event:
            found.append(_time_error(event[name], f"{base}/{name}"))
    declaration = event.get("errorDeclaration")
    if isinstance(declaration, Mapping) and "declarationTime" in declaration:
        found.append(
            _time_error(declaration["declarationTime"], f"{base}/errorDeclaration/declarationTime")
        )
    offset = event.get("eventTimeZoneOffset")
    if "eventTimeZoneOffset" not in event:
        found.append(
            _error(
                _(
                    "The event's time zone offset (eventTimeZoneOffset) is missing: give the "
                    "offset from UTC of the place where it happened, like +07:00."
                ),
                f"{base}/eventTimeZoneOffset",
            )
        )
    elif isinstance(offset, str) and not TIME_ZONE_OFFSET.match(offset):
        found.append(
            _error(
                _("“%(value)s” is not a time zone offset like +07:00 (from -14:00 to +14:00).")
                % {"value": offset},
                f"{base}/eventTimeZoneOffset",
            )
        )
    for kind in ("bizStep", "disposition"):
        if kind in event:
            found.append(_vocabulary_error(event[kind], kind, f"{base}/{kind}"))
    persistent = event.get("persistentDisposition")
    if isinstance(persistent, Mapping):
        for part in ("set", "unset"):
            values = persistent.get(part)
            for index, value in enumerate(values if isinstance(values, list) else []):
                found.append(
                    _vocabulary_error(
                        value, "disposition", f"{base}/persistentDisposition/{part}/{index}"
                    )
                )
    for name, _role in EPC_FIELDS:
        value = event.get(name)
        if name == "parentID":
            found.append(_identifier_error(value, f"{base}/parentID"))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    found.append(
                        _identifier_error(item.get("epcClass"), f"{base}/{name}/{index}/epcClass")
                    )
                else:
                    found.append(_identifier_error(item, f"{base}/{name}/{index}"))
    for name in ("readPoint", "bizLocation"):
        place = event.get(name)
        if isinstance(place, Mapping):
            found.append(_identifier_error(place.get("id"), f"{base}/{name}/id"))
    for name, key in (("sourceList", "source"), ("destinationList", "destination")):
        items = event.get(name)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, Mapping):
                found.append(_identifier_error(item.get(key), f"{base}/{name}/{index}/{key}"))
    for name, column in (("eventID", "event_id"), ("type", "event_type")):
        value = event.get(name)
        if isinstance(value, str) and len(value) > LONGEST[column]:
            found.append(_error(_long(value, LONGEST[column]), f"{base}/{name}"))
    return [error for error in found if error is not None]


# --- schema errors in words --------------------------------------------------------------------


def _schema_message(error: Any) -> tuple[str, str | None]:
    """(message, the field's pointer when it is more precise than the error's)."""
    kind = error.kind
    name = kind.name
    value = error.instance
    if name == "required":
        return _("“%(name)s” is missing.") % {"name": kind.property}, kind.property
    if name == "enum":
        return _("“%(value)s” is not one of the values allowed here.") % {"value": value}, None
    if name == "format":
        if kind.format == "uri":
            return _("“%(value)s” is not an absolute URI.") % {"value": value}, None
        if kind.format == "date-time":
            return _("“%(value)s” is not a date and time like 2025-03-10T07:30:00+07:00.") % {
                "value": value
            }, None
    if name == "propertyNames":
        field_name = kind.error.instance
        return _(
            "“%(name)s” is not a field of this EPCIS object: an extension's field needs a "
            "prefix declared in @context (like example:myField)."
        ) % {"name": field_name}, str(field_name)
    if name == "additionalProperties":
        return _("These fields are not allowed here: %(names)s.") % {
            "names": ", ".join(kind.unexpected)
        }, None
    if name in ("anyOf", "oneOf"):
        reasons = [alternative[0].message for alternative in kind.context if alternative]
        return _("None of the allowed forms matches: %(reasons)s.") % {
            "reasons": " / ".join(reasons)
        }, None
    return error.message, None


def _schema_errors(document: Any, own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """GS1's schema errors, except those that our own checks already explain better."""
    raw = list(_validator().iter_errors(document))
    if not raw:
        return []
    covered = {error["field"] for error in own}
    plain = []
    alternatives = []
    for error in raw:
        pointer = json_pointer(error.instance_path)
        if error.kind.name in ("anyOf", "oneOf"):
            alternatives.append((pointer, error))
            continue
        message, child = _schema_message(error)
        field_pointer = f"{pointer}/{json_pointer([child])[1:]}" if child else pointer
        if field_pointer in covered or pointer in covered:
            continue
        plain.append(_error(message, field_pointer))
    covered |= {error["field"] for error in plain}
    for pointer, error in alternatives:
        if pointer in covered:
            continue
        explained = any(
            alternative and all(json_pointer(sub.instance_path) in covered for sub in alternative)
            for alternative in error.kind.context
        )
        if not explained:
            plain.append(_error(_schema_message(error)[0], pointer))
    return plain


# --- preparing a capture (reads only) ----------------------------------------------------------


@dataclass
class _Row:
    index: int
    hash: str
    event: dict[str, Any]
    event_id: str
    event_type: str
    action: str
    event_time: dt.datetime
    offset: str
    biz_step: str
    disposition: str
    read_point: str
    biz_location: str
    epcs: list[tuple[str, str]] = field(default_factory=list)
    keys: list[tuple[str, Gs1Key, str]] = field(default_factory=list)  # (role, key, pointer)
    batch: Batch | None = None
    producer_id: int | None = None


@dataclass
class _Prepared:
    size: int
    event_count: int
    rows: list[_Row]
    extensions: dict[str, str]


def _too_large(size: int) -> CaptureError:
    limit = settings.OCOP_EPCIS_MAX_MB
    return CaptureError(
        [
            _error(
                _(
                    "The document has %(size)s bytes, more than %(limit)s MB, the most this "
                    "repository captures at once: split it into several documents."
                )
                % {"size": size, "limit": limit}
            )
        ],
        status=413,
        kind=TOO_LARGE,
        title=_("The EPCIS document is too large: nothing was stored."),
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(_("%(name)s is not a JSON number") % {"name": name})


def parse_document(document: dict[str, Any] | bytes | str) -> tuple[Any, int]:
    """The parsed document and its size in bytes (0 for a dict); CaptureError for a document
    too large or not JSON."""
    if isinstance(document, Mapping):
        return document, 0
    raw = document.encode("utf-8") if isinstance(document, str) else bytes(document)
    size = len(raw)
    if size > settings.OCOP_EPCIS_MAX_MB * 1024 * 1024:
        raise _too_large(size)
    try:
        return json.loads(raw, parse_constant=_refuse_constant), size
    except json.JSONDecodeError as exc:
        message = _(
            "The document is not valid JSON: %(error)s at line %(line)d, column %(column)d "
            "(character %(position)d)."
        ) % {"error": exc.msg, "line": exc.lineno, "column": exc.colno, "position": exc.pos}
    except (UnicodeDecodeError, ValueError) as exc:
        message = _("The document is not valid JSON: %(error)s.") % {"error": exc}
    raise CaptureError([_error(message)])


def event_list(document: Mapping[str, Any]) -> tuple[list[Any], list[str]]:
    """The events of an EPCISDocument or an EPCISQueryDocument, and the pointer of the list."""
    body = document.get("epcisBody")
    if not isinstance(body, Mapping):
        return [], ["epcisBody", "eventList"]
    if document.get("type") == "EPCISQueryDocument":
        results = body.get("queryResults")
        results_body = results.get("resultsBody") if isinstance(results, Mapping) else None
        events = results_body.get("eventList") if isinstance(results_body, Mapping) else None
        path = ["epcisBody", "queryResults", "resultsBody", "eventList"]
    else:
        events = body.get("eventList")
        path = ["epcisBody", "eventList"]
    return (events if isinstance(events, list) else []), path


def _with_events(errors: list[dict[str, Any]], events: Sequence[Any], base: str) -> None:
    """Name the event of each error (index and eventID) from its pointer."""
    for error in errors:
        pointer = error.get("field") or ""
        if not pointer.startswith(base + "/"):
            continue
        head = pointer[len(base) + 1 :].split("/", 1)[0]
        if head.isdigit() and int(head) < len(events):
            index = int(head)
            error["event"] = index
            event = events[index]
            if isinstance(event, Mapping) and isinstance(event.get("eventID"), str):
                error["eventID"] = event["eventID"]


def _row(index: int, event: dict[str, Any], prefixes: dict[str, str], base: str) -> _Row:
    hashed = event_hash(event, prefixes)
    stored = dict(event)
    if prefixes and "@context" not in stored:
        stored["@context"] = [dict(prefixes)]
    event_id = event.get("eventID") or hashed
    if "eventID" not in stored:
        stored = {"eventID": event_id, **stored}
    moment, _millis = parse_timestamp(event["eventTime"])
    row = _Row(
        index=index,
        hash=hashed,
        event=stored,
        event_id=event_id,
        event_type=str(event.get("type", "")),
        action=str(event.get("action", ""))[:8],
        event_time=moment,
        offset=str(event.get("eventTimeZoneOffset", ""))[:6],
        biz_step=normalise_vocabulary(event.get("bizStep") or "", "bizStep", prefixes),
        disposition=normalise_vocabulary(event.get("disposition") or "", "disposition", prefixes),
        read_point=_place(event.get("readPoint")),
        biz_location=_place(event.get("bizLocation")),
    )
    seen: set[tuple[str, str]] = set()
    for name, role in EPC_FIELDS:
        value = event.get(name)
        if value is None:
            continue
        items = [value] if name == "parentID" else value
        for position, item in enumerate(items):
            uri = item.get("epcClass") if isinstance(item, Mapping) else item
            if not isinstance(uri, str):
                continue
            pointer = f"{base}/{name}" if name == "parentID" else f"{base}/{name}/{position}"
            if isinstance(item, Mapping):
                pointer += "/epcClass"
            key = parse_identifier(uri)
            text = key.canonical() if key is not None else uri.strip()
            if (text, role) not in seen:
                seen.add((text, role))
                row.epcs.append((text, role))
            if key is not None and key.ai == "01" and (key.lot or key.serial):
                row.keys.append((role, key, pointer))
    return row


def _place(value: Any) -> str:
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return check_identifier(value["id"])
    return ""


def _gtin_forms(gtin14: str) -> set[str]:
    """How a product's GTIN may be stored: 14 digits, or without its leading zeros as a GTIN-13,
    -12 or -8."""
    forms = {gtin14}
    for length in (13, 12, 8):
        if gtin14[: 14 - length] == "0" * (14 - length):
            forms.add(gtin14[14 - length :])
    return forms


def _chunks(items: Sequence[Any], size: int = LOOKUP_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _platform_things(rows: list[_Row]) -> tuple[dict[tuple[str, str], Batch], dict[Any, Stamp]]:
    """The platform's batches (by GTIN-14 and lot) and stamps (by GTIN-14 and serial) that the
    events name: one query for each (per chunk of 500)."""
    lots: set[tuple[str, str]] = set()
    serials: set[tuple[str, str]] = set()
    for row in rows:
        for _role, key, _pointer in row.keys:
            if key.serial is not None:
                serials.add((key.value, key.serial))
            if key.lot is not None:
                lots.add((key.value, key.lot))
    stamps: dict[Any, Stamp] = {}
    serial_list = sorted(serials)
    for chunk in _chunks(serial_list):
        found = Stamp.objects.filter(
            gtin__in={gtin for gtin, _s in chunk}, serial__in={serial for _g, serial in chunk}
        ).select_related("batch__product", "batch__producer")
        for stamp in found:
            stamps[(stamp.gtin, stamp.serial)] = stamp
    batches: dict[tuple[str, str], Batch] = {}
    lot_list = sorted(lots)
    for chunk in _chunks(lot_list):
        forms = {form for gtin, _lot in chunk for form in _gtin_forms(gtin)}
        found_batches = Batch.objects.filter(
            product__gtin__in=forms, lot__in={lot for _g, lot in chunk}
        ).select_related("product", "producer")
        for batch in found_batches:
            try:
                batches[(normalise_gtin(batch.product.gtin), batch.lot)] = batch
            except ValueError:
                continue
    return batches, stamps


def _link(rows: list[_Row], producer: Any) -> list[dict[str, Any]]:
    """Link each row to the batch its identifiers name; the producer guard's errors."""
    if not any(row.keys for row in rows):
        for row in rows:
            row.producer_id = producer.pk if producer is not None else None
        return []
    batches, stamps = _platform_things(rows)
    errors = []
    for row in rows:
        own = None
        anyone = None
        for role, key, pointer in row.keys:
            stamp = stamps.get((key.value, key.serial)) if key.serial is not None else None
            batch = stamp.batch if stamp is not None else None
            if batch is None and key.lot is not None:
                batch = batches.get((key.value, key.lot))
            if batch is None:
                continue
            if producer is not None and batch.producer_id != producer.pk:
                if role not in INPUT_ROLES:
                    errors.append(
                        _error(
                            _(
                                "This event names a batch or a stamp of another producer "
                                "(%(identifier)s): a producer records the steps of its own "
                                "batches only."
                            )
                            % {"identifier": key.canonical()},
                            pointer,
                        )
                    )
                continue
            if own is None and role not in INPUT_ROLES:
                own = batch
            if anyone is None:
                anyone = batch
        row.batch = own if own is not None else (anyone if producer is None else None)
        if producer is not None:
            row.producer_id = producer.pk
        else:
            row.producer_id = row.batch.producer_id if row.batch is not None else None
    return errors


def prepare_capture(document: dict[str, Any] | bytes | str, producer: Any = None) -> _Prepared:
    """Everything a capture checks and computes before it writes (reads only); CaptureError
    with every error found."""
    parsed, size = parse_document(document)
    if not isinstance(parsed, Mapping):
        raise CaptureError(
            [
                _error(
                    _(
                        "The document must be a JSON object: an EPCISDocument or an "
                        "EPCISQueryDocument."
                    )
                )
            ]
        )
    if parsed.get("type") not in ("EPCISDocument", "EPCISQueryDocument"):
        raise CaptureError(
            [
                _error(
                    _(
                        "“%(type)s” cannot be captured: send an EPCISDocument or an "
                        "EPCISQueryDocument."
                    )
                    % {"type": parsed.get("type")},
                    "/type",
                )
            ]
        )
    events, path = event_list(parsed)
    base = json_pointer(path)
    own: list[dict[str, Any]] = []
    for index, event in enumerate(events):
        if isinstance(event, Mapping):
            own.extend(_check_event(event, f"{base}/{index}"))
    errors = own + _schema_errors(parsed, own)
    if errors:
        _with_events(errors, events, base)
        raise CaptureError(errors)
    prefixes = context_prefixes(parsed.get("@context"))
    rows = []
    hashes: set[str] = set()
    for index, event in enumerate(events):
        row = _row(index, event, prefixes, f"{base}/{index}")
        if row.hash not in hashes:
            hashes.add(row.hash)
            rows.append(row)
    errors = _link(rows, producer)
    if errors:
        _with_events(errors, events, base)
        raise CaptureError(errors)
    return _Prepared(size=size, event_count=len(events), rows=rows, extensions=prefixes)


# --- capture -----------------------------------------------------------------------------------


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _store(job: CaptureJob, prepared: _Prepared, actor: Any) -> None:
    with transaction.atomic():
        stored: set[str] = set()
        hashes = [row.hash for row in prepared.rows]
        for chunk in _chunks(hashes):
            stored.update(Event.objects.filter(hash__in=chunk).values_list("hash", flat=True))
        rows = [row for row in prepared.rows if row.hash not in stored]
        now = timezone.now()
        job.status = CaptureStatus.SUCCEEDED
        job.finished_at = now
        job.stored_count = len(rows)
        job.errors = []
        job.save()
        events = [
            Event(
                job=job,
                hash=row.hash,
                event_id=row.event_id,
                event_type=row.event_type,
                action=row.action,
                event_time=row.event_time,
                event_time_zone_offset=row.offset,
                biz_step=row.biz_step,
                disposition=row.disposition,
                read_point=row.read_point,
                biz_location=row.biz_location,
                document=row.event,
                producer_id=row.producer_id,
                batch=row.batch,
            )
            for row in rows
        ]
        Event.objects.bulk_create(events, batch_size=BATCH_SIZE)
        # bulk_create sends no signals: the pages of the batches' products show the new steps.
        forget_traces(batch_ids={row.batch.pk for row in rows if row.batch is not None})
        EventEPC.objects.bulk_create(
            [
                EventEPC(event=event, epc=epc, role=role)
                for event, row in zip(events, rows, strict=True)
                for epc, role in row.epcs
            ],
            batch_size=BATCH_SIZE,
        )
        log_action(
            actor,
            "traceability.capturejob.capture",
            job,
            data={"events": job.event_count, "stored": job.stored_count},
        )


def capture_document(
    *, actor: Any, document: dict[str, Any] | bytes | str, producer: Any = None
) -> CaptureJob:
    """Capture an EPCIS 2.0 document (bytes or text as received, or a dict built by a form):
    all its events or none (see the module's docstring). The finished CaptureJob (status
    succeeded; `stored_count` 0 when every event was stored already); CaptureError when the
    document is refused, with `job` the failed CaptureJob that records the errors."""
    job = CaptureJob(captured_by=_actor(actor), producer=producer)
    try:
        prepared = prepare_capture(document, producer)
    except CaptureError as exc:
        exc.job = _record_refusal(job, actor, exc, document)
        raise
    job.size_bytes = prepared.size
    job.event_count = prepared.event_count
    for attempt in (1, 2):
        try:
            _store(job, prepared, actor)
            break
        except IntegrityError:
            # Another capture stored some of the same events meanwhile: look again, once.
            job.pk = None
            job._state.adding = True
            if attempt == 2:
                raise
    return job


def _size(document: Any) -> int:
    if isinstance(document, str):
        return len(document.encode("utf-8"))
    return len(document) if isinstance(document, bytes | bytearray) else 0


def _record_refusal(
    job: CaptureJob, actor: Any, exc: CaptureError, document: dict[str, Any] | bytes | str
) -> CaptureJob:
    with transaction.atomic():
        job.status = CaptureStatus.FAILED
        job.finished_at = timezone.now()
        job.size_bytes = _size(document)
        job.errors = [{"status": exc.status, "type": exc.kind, **e} for e in exc.errors[:1000]]
        job.save()
        log_action(
            actor,
            "traceability.capturejob.reject",
            job,
            data={"status": exc.status, "errors": len(exc.errors)},
        )
    return job


# --- documents out -----------------------------------------------------------------------------


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_json(event: Event) -> dict[str, Any]:
    """A stored event as EPCIS JSON: as captured, with its eventID and the repository's
    recordTime."""
    return {"eventID": event.event_id, **event.document, "recordTime": timestamp(event.record_time)}


def _hoist(events: list[dict[str, Any]]) -> tuple[list[Any], dict[str, str]]:
    """The document's @context and its extensions: the standard context and the events'
    prefixes gathered (taken out of each event, unless two events give a prefix two meanings)."""
    merged: dict[str, str] = {}
    clash = False
    for event in events:
        for key, value in context_prefixes(event.get("@context")).items():
            if merged.setdefault(key, value) != value:
                clash = True
    if not clash:
        for event in events:
            own = event.get("@context")
            if isinstance(own, list) and all(isinstance(item, Mapping) for item in own):
                del event["@context"]
    context: list[Any] = [STANDARD_CONTEXT]
    if merged and not clash:
        context.append(merged)
    return context, merged


def extensions_header(extensions: Mapping[str, str]) -> str:
    """The GS1-Extensions header: `prefix=namespace,…`."""
    return ",".join(f"{key}={value}" for key, value in sorted(extensions.items()))


def events_document(events: Iterable[Event]) -> dict[str, Any]:
    """An EPCIS 2.0 document (JSON-LD) of stored events, e.g. a batch's journey to export."""
    event_list_ = [event_json(event) for event in events]
    context, _extensions = _hoist(event_list_)
    return {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": timestamp(timezone.now()),
        "epcisBody": {"eventList": event_list_},
    }


def query_document(
    events: Iterable[Event], *, query_name: str = "SimpleEventQuery"
) -> tuple[dict[str, Any], dict[str, str]]:
    """The EPCISQueryDocument of a query's results, and the extensions it uses."""
    event_list_ = [event_json(event) for event in events]
    context, extensions = _hoist(event_list_)
    return {
        "@context": context,
        "type": "EPCISQueryDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": timestamp(timezone.now()),
        "epcisBody": {
            "queryResults": {
                "queryName": query_name,
                "resultsBody": {"eventList": event_list_},
            }
        },
    }, extensions


def batch_events_document(batch: Batch) -> dict[str, Any]:
    """The batch's events (its journey), oldest first, as one EPCIS 2.0 document."""
    return events_document(Event.objects.filter(batch=batch).order_by("event_time", "pk"))
