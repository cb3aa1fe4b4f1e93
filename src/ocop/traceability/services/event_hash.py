"""The CBV 2.0 EPCIS event hash (CBV 2.0 §8.9, "EPCIS Event Hash ID"): a fingerprint of an
event that does not depend on how it was written (JSON key order, list order, time zone of the
timestamps, EPC URN or Digital Link, bare CBV word or its URI, CURIE or full URI).

`event_hash(event, prefixes)` is `ni:///sha-256;<hex>?ver=CBV2.0` (RFC 6920) of the pre-hash
string that `prehash` builds:

1. the fields in the canonical property order (`eventType`, `eventTime`, `eventTimeZoneOffset`,
   `epcList`, `parentID`, `inputEPCList`, `childEPCs`, the quantity lists, `outputEPCList`,
   `outputQuantityList`, `action`, `transformationID`, `bizStep`, `disposition`,
   `persistentDisposition`, `readPoint`, `bizLocation`, `bizTransactionList`, `sourceList`,
   `destinationList`, `sensorElementList`, `ilmd`), then every other field (user extensions, and
   the standard fields the order does not list: `errorDeclaration`, `certificationInfo`);
2. `key=value`, no separators; a list's name once, then its items sorted (case-sensitive, by
   code point); an item made of fields (a quantity element, a sensor report) written as its own
   string first and sorted as a whole; a `type` written after the value it types
   (`bizTransaction=…type=…`);
3. timestamps in UTC with milliseconds (`2005-04-04T02:33:31.116Z`, a 4th decimal of 5–9
   rounding up); numbers without trailing zeros; `true`/`false`;
4. CBV bare words and `urn:epcglobal:cbv:…` URNs as their `https://ref.gs1.org/cbv/…` URIs,
   CURIEs expanded (the document's `@context` prefixes and the standard ones), extension field
   names as `{namespace}localName`;
5. EPC URIs and Digital Links as the constrained canonical Digital Link (`ocop.traceability.epc`).

Not hashed: `eventID`, `recordTime` (set by the repository), `@context`, comments
(`rdfs:comment`, `comment`). The reference implementation (RalphTro/epcis-event-hash-generator)
differs from this written algorithm in a few corners (the place of `type`, the `gs1:` prefix);
this one follows the rules as written and is the one the platform uses for idempotence:
capturing the same event twice, however it is written, stores it once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ocop.traceability.epc import canonical_or_same

DATA = Path(__file__).resolve().parent.parent / "data"
CBV = "https://ref.gs1.org/cbv/"
HASH_VERSION = "CBV2.0"
IGNORED = frozenset({"eventID", "recordTime", "rdfs:comment", "comment", "type"})
ORDERED = (
    "eventTime",
    "eventTimeZoneOffset",
    "epcList",
    "parentID",
    "inputEPCList",
    "childEPCs",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "action",
    "transformationID",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "sensorElementList",
    "ilmd",
)
EPC_LISTS = frozenset({"epcList", "inputEPCList", "childEPCs", "outputEPCList"})
QUANTITY_LISTS = frozenset(
    {"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}
)
SENSOR_METADATA = (
    "time",
    "startTime",
    "endTime",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "bizRules",
)
SENSOR_REPORT = (
    "type",
    "exception",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "time",
    "microorganism",
    "chemicalSubstance",
    "value",
    "component",
    "stringValue",
    "booleanValue",
    "hexBinaryValue",
    "uriValue",
    "minValue",
    "maxValue",
    "meanValue",
    "sDev",
    "percRank",
    "percValue",
    "uom",
    "coordinateReferenceSystem",
)
# Legacy CBV URNs and the Web URI of the same term (CBV 2.0 §8.9 rule 14).
URN_VOCABULARY = (
    ("urn:epcglobal:cbv:bizstep:", CBV + "BizStep-"),
    ("urn:epcglobal:cbv:disp:", CBV + "Disp-"),
    ("urn:epcglobal:cbv:btt:", CBV + "BTT-"),
    ("urn:epcglobal:cbv:sdt:", CBV + "SDT-"),
    ("urn:epcglobal:cbv:er:", CBV + "ER-"),
)
TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})?$"
)
CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.\-]*):([^/].*)?$")


@cache
def standard_prefixes() -> dict[str, str]:
    """The prefixes the standard EPCIS 2.0 JSON-LD context declares (epcis, cbv, gs1 …)."""
    context = json.loads((DATA / "epcis-context.jsonld").read_text(encoding="utf-8"))["@context"]
    return {
        key: value
        for key, value in context.items()
        if isinstance(value, str) and value.endswith(("/", "#", ":"))
    }


def context_prefixes(context: Any) -> dict[str, str]:
    """The prefixes a document's (or an event's) `@context` declares besides the standard
    context: `{"example": "http://ns.example.com/epcis/"}`."""
    found: dict[str, str] = {}
    items = context if isinstance(context, list) else [context]
    for item in items:
        if isinstance(item, Mapping):
            for key, value in item.items():
                if isinstance(value, str) and not key.startswith("@"):
                    found[key] = value
    return found


# --- timestamps --------------------------------------------------------------------------------


class TimestampError(ValueError):
    pass


@lru_cache(maxsize=16384)
def parse_timestamp(text: str) -> tuple[dt.datetime, int]:
    """An xsd:dateTimeStamp as an aware datetime (microseconds) and its milliseconds rounded as
    the hash rounds them; TimestampError when it is not one or has no time zone (the message is
    "zone" then)."""
    match = TIMESTAMP.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise TimestampError("format")
    day, hours, minutes, seconds, fraction, zone = match.groups()
    if zone is None:
        raise TimestampError("zone")
    try:
        moment = dt.datetime.fromisoformat(f"{day}T{hours}:{minutes}:{seconds}")
    except ValueError as exc:
        raise TimestampError("format") from exc
    if zone in ("Z", "z"):
        offset = dt.timedelta(0)
    else:
        sign = -1 if zone[0] == "-" else 1
        offset = sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        if abs(offset) > dt.timedelta(hours=14):
            raise TimestampError("format")
    digits = fraction or ""
    micros = int((digits + "000000")[:6])
    millis = int((digits + "000")[:3]) + (1 if len(digits) > 3 and digits[3] >= "5" else 0)
    aware = moment.replace(tzinfo=dt.timezone(offset))
    return aware + dt.timedelta(microseconds=micros), millis


def hash_timestamp(text: str) -> str:
    """`2005-04-03T20:33:31.116000-06:00` → `2005-04-04T02:33:31.116Z` (rule 8 and 9)."""
    moment, millis = parse_timestamp(text)
    whole = moment.replace(microsecond=0) + dt.timedelta(milliseconds=millis)
    return whole.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


# --- the pre-hash string -----------------------------------------------------------------------


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    try:
        number = Decimal(repr(value)).normalize()
    except InvalidOperation:
        return repr(value)
    text = format(number, "f")
    return text


class _Writer:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = prefixes

    # values

    def value(self, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return _number(value)
        if not isinstance(value, str):
            return json.dumps(value, sort_keys=True, ensure_ascii=False)
        text = value.strip()
        if TIMESTAMP.match(text):
            try:
                return hash_timestamp(text)
            except TimestampError:
                return text
        for urn, uri in URN_VOCABULARY:
            if text.startswith(urn):
                return uri + text[len(urn) :]
        lowered = text[:8].lower()
        if lowered.startswith(("urn:epc:", "https://", "http://")):
            return canonical_or_same(text)
        return self.expand(text)

    def expand(self, text: str) -> str:
        match = CURIE.match(text)
        if match is not None and match.group(1) in self.prefixes:
            return self.prefixes[match.group(1)] + (match.group(2) or "")
        return text

    def vocabulary(self, value: Any, kind: str, base: str = CBV) -> str:
        """A CBV code: a bare word is the CBV term `{base}{kind}-{word}` (rule 16)."""
        if isinstance(value, str) and ":" not in value and value.strip():
            return f"{base}{kind}{value.strip()}"
        return self.value(value)

    def name(self, key: str) -> str:
        """An extension's field name as `{namespace}localName` (rules 19 and 20)."""
        match = CURIE.match(key)
        if match is not None and match.group(1) in self.prefixes:
            return "{" + self.prefixes[match.group(1)] + "}" + (match.group(2) or "")
        if key.startswith(("http://", "https://")):
            cut = max(key.rfind("#"), key.rfind("/")) + 1
            return "{" + key[:cut] + "}" + key[cut:]
        return key

    # fields

    def generic(self, key: str, value: Any) -> list[str]:
        """Any field the canonical order does not name: `key=value`, an object as its key then
        its fields sorted, a list as one entry per item."""
        if isinstance(value, list):
            return [text for item in value for text in self.generic(key, item)]
        if isinstance(value, Mapping):
            inner = sorted(
                text
                for child, item in value.items()
                if not child.startswith("@")
                for text in self.generic(self.name(child), item)
            )
            return [key + "".join(inner)]
        return [f"{key}={self.value(value)}"]

    def extensions(self, data: Mapping[str, Any], known: Iterable[str]) -> str:
        skip = set(known)
        parts = sorted(
            text
            for key, value in data.items()
            if key not in skip and key not in IGNORED and not key.startswith("@")
            for text in self.generic(self.name(key), value)
        )
        return "".join(parts)

    def fields(self, data: Mapping[str, Any], order: tuple[str, ...]) -> str:
        out = []
        for key in order:
            if key in data and data[key] is not None:
                value = data[key]
                if key == "type":
                    out.append(f"type={self.vocabulary(value, '', 'https://gs1.org/voc/')}")
                else:
                    out.extend(self.generic(key, value))
        known = set(order)
        extra = sorted(
            text
            for key, value in data.items()
            if key not in known and not key.startswith("@")
            for text in self.generic(self.name(key), value)
        )
        return "".join(out) + "".join(extra)

    def typed(self, item: Any, field: str, kind: str) -> str:
        """`bizTransaction=…type=…`, `source=…type=…` (rule 13)."""
        if not isinstance(item, Mapping):
            return f"{field}={self.value(item)}"
        text = f"{field}={self.value(item.get(field, ''))}"
        if item.get("type") is not None:
            text += f"type={self.vocabulary(item['type'], kind)}"
        return text

    def sensor_element(self, element: Any) -> str:
        if not isinstance(element, Mapping):
            return "sensorElement" + self.value(element)
        text = "sensorElement"
        metadata = element.get("sensorMetadata")
        if isinstance(metadata, Mapping):
            text += "sensorMetadata" + self.fields(metadata, SENSOR_METADATA)
        reports = element.get("sensorReport") or []
        if isinstance(reports, Mapping):
            reports = [reports]
        text += "".join(
            sorted(
                "sensorReport" + self.fields(report, SENSOR_REPORT)
                for report in reports
                if isinstance(report, Mapping)
            )
        )
        return text + self.extensions(element, ("sensorMetadata", "sensorReport"))

    def field(self, key: str, value: Any) -> str:
        if key == "eventTime":
            return f"eventTime={self.value(value)}"
        if key == "eventTimeZoneOffset":
            return f"eventTimeZoneOffset={str(value).strip()}"
        if key in EPC_LISTS:
            items = sorted(f"epc={canonical_or_same(str(item))}" for item in value or [])
            return key + "".join(items) if items else ""
        if key in ("parentID", "transformationID", "action"):
            return f"{key}={self.value(value)}"
        if key in QUANTITY_LISTS:
            items = sorted(
                "quantityElement" + self.fields(item, ("epcClass", "quantity", "uom"))
                for item in value or []
                if isinstance(item, Mapping)
            )
            return key + "".join(items) if items else ""
        if key == "bizStep":
            return f"bizStep={self.vocabulary(value, 'BizStep-')}"
        if key == "disposition":
            return f"disposition={self.vocabulary(value, 'Disp-')}"
        if key == "persistentDisposition" and isinstance(value, Mapping):
            text = ""
            for part in ("set", "unset"):
                items = value.get(part) or []
                items = items if isinstance(items, list) else [items]
                text += "".join(sorted(f"{part}={self.vocabulary(i, 'Disp-')}" for i in items))
            return "persistentDisposition" + text if text else ""
        if key in ("readPoint", "bizLocation") and isinstance(value, Mapping):
            text = f"id={self.value(value.get('id', ''))}" if "id" in value else ""
            return key + text + self.extensions(value, ("id",))
        if key == "bizTransactionList":
            items = sorted(self.typed(item, "bizTransaction", "BTT-") for item in value or [])
            return key + "".join(items) if items else ""
        if key in ("sourceList", "destinationList"):
            field = key[: -len("List")]
            items = sorted(self.typed(item, field, "SDT-") for item in value or [])
            return key + "".join(items) if items else ""
        if key == "sensorElementList":
            items = sorted(self.sensor_element(element) for element in value or [])
            return key + "".join(items) if items else ""
        if key == "ilmd" and isinstance(value, Mapping):
            inner = self.extensions(value, ())
            return "ilmd" + inner if inner else ""
        return "".join(self.generic(key, value))

    def errors(self, value: Any) -> list[str]:
        """`errorDeclaration`: its fields sorted, the reason as a CBV term."""
        if not isinstance(value, Mapping):
            return self.generic("errorDeclaration", value)
        parts = []
        for key, item in value.items():
            if key == "reason":
                parts.append(f"reason={self.vocabulary(item, 'ER-')}")
            elif not key.startswith("@"):
                parts.extend(self.generic(self.name(key), item))
        return ["errorDeclaration" + "".join(sorted(parts))]


def prehash(event: Mapping[str, Any], prefixes: Mapping[str, str] | None = None) -> str:
    """The pre-hash string of an event (see the module's docstring). `prefixes`: the CURIE
    prefixes of the document's `@context` (the standard ones are always known)."""
    known = {**standard_prefixes(), **(prefixes or {})}
    if "@context" in event:
        known.update(context_prefixes(event["@context"]))
    writer = _Writer(known)
    out = [f"eventType={event.get('type', '')}"]
    for key in ORDERED:
        if key in event and event[key] is not None:
            out.append(writer.field(key, event[key]))
    rest = []
    for key, value in event.items():
        if key in ORDERED or key in IGNORED or key.startswith("@"):
            continue
        if key == "errorDeclaration":
            rest.extend(writer.errors(value))
        else:
            rest.extend(writer.generic(writer.name(key), value))
    return "".join(out) + "".join(sorted(rest))


def event_hash(event: Mapping[str, Any], prefixes: Mapping[str, str] | None = None) -> str:
    """`ni:///sha-256;<hex>?ver=CBV2.0` of the event's pre-hash string."""
    digest = hashlib.sha256(prehash(event, prefixes).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver={HASH_VERSION}"
