"""Identifiers in EPCIS events: EPC URIs (`urn:epc:id:…`, `urn:epc:class:lgtin:…`,
`urn:epc:idpat:…`) and GS1 Digital Link URIs on any domain, checked, and written in ONE canonical
form that the platform stores (`EventEPC.epc`, `Event.read_point`, `Event.biz_location`),
matches (`MATCH_epc`, `MATCH_anyEPC`, `EQ_bizLocation` …) and hashes (the CBV 2.0 event hash).

The canonical form is the constrained canonical GS1 Digital Link of CBV 2.0 §8.9 (rules 17 and
18): `https://id.gs1.org`, the primary key and only the most fine-grained qualifier (GTIN +
serial, GTIN + lot, GLN + extension …), no query string, values percent-encoded except RFC 3986's
unreserved characters. So `urn:epc:id:sgtin:0614141.107346.2017`,
`https://id.gs1.org/01/00614141073467/21/2017` and
`https://shop.example.vn/p/01/0614141073467/10/L1/21/2017?17=261231` are one identifier:
`https://id.gs1.org/01/00614141073467/21/2017`. A serial identifies a unit with its GTIN alone,
which is why serials are unique per GTIN on the platform.

Any other absolute URI (`urn:uuid:…`, `geo:…`, an HTTP address that holds no GS1 key) is kept as
it is: EPCIS allows any URI there. What is refused (`EpcError`, a sentence for the person who
wrote the document): an `urn:epc:` URI of an unknown scheme or of the wrong shape, a Digital Link
whose key is wrong (a GTIN's check digit, a lot of more than 20 characters …), a value that is
not an absolute URI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from urllib.parse import quote, unquote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.traceability.identifiers import (
    IdentifierError,
    check_digit,
    check_gln,
    normalise_gtin,
)

CANONICAL_BASE = "https://id.gs1.org"
ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")

# Primary keys of a Digital Link path, with the qualifiers each may carry (in the order GS1
# gives), and the qualifier kept by the constrained canonical form (most fine-grained first).
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "01": ("22", "10", "21", "235"),
    "00": (),
    "253": (),
    "255": (),
    "401": (),
    "402": (),
    "414": ("254",),
    "417": (),
    "8003": (),
    "8004": (),
    "8006": ("22", "10", "21"),
    "8010": ("8011",),
    "8013": (),
    "8017": (),
    "8018": (),
}
KEPT_QUALIFIERS: dict[str, tuple[str, ...]] = {
    "01": ("21", "10", "235"),
    "414": ("254",),
    "8006": ("21", "10"),
    "8010": ("8011",),
}
KEY_NAMES: dict[str, object] = {
    "01": "GTIN",
    "00": "SSCC",
    "253": "GDTI",
    "255": "GCN",
    "401": "GINC",
    "402": "GSIN",
    "414": "GLN",
    "417": "GLN",
    "8003": "GRAI",
    "8004": "GIAI",
    "8006": "ITIP",
    "8010": "CPID",
    "8013": "GMN",
    "8017": "GSRN",
    "8018": "GSRN",
    "10": gettext_lazy("lot number"),
    "21": gettext_lazy("serial number"),
    "22": "CPV",
    "235": "TPX",
    "254": "GLN extension",
    "8011": "CPID serial",
}
# Characters of an EPC URN component (TDS §6: the GS1 set, with % escapes for " % & / < > ?).
_URN_CHARS = r"(?:[A-Za-z0-9!'()*+,\-.:;=_]|%[0-9A-Fa-f]{2})"
_URN_PART = re.compile(rf"^{_URN_CHARS}*$")
_DIGITS = re.compile(r"^\d+$")
_CSET82_TEXT = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$")


class EpcError(ValueError):
    """A malformed identifier; `str(exc)` says what is wrong, for the person who wrote it."""


@dataclass(frozen=True)
class Gs1Key:
    """A GS1 key read from an EPC URI or a Digital Link: the primary key (AI and value, the
    value normalised: a GTIN as 14 digits) and its qualifiers (AI, raw value), as given."""

    ai: str
    value: str
    qualifiers: tuple[tuple[str, str], ...] = ()
    pattern: bool = False  # an `urn:epc:idpat:` with the whole class fixed (e.g. GTIN, any serial)

    def qualifier(self, ai: str) -> str | None:
        for key, value in self.qualifiers:
            if key == ai:
                return value
        return None

    @property
    def gtin(self) -> str | None:
        return self.value if self.ai == "01" else None

    @property
    def lot(self) -> str | None:
        return self.qualifier("10") if self.ai == "01" else None

    @property
    def serial(self) -> str | None:
        return self.qualifier("21") if self.ai == "01" else None

    def canonical(self) -> str:
        return self._canonical

    @cached_property
    def _canonical(self) -> str:
        parts = [CANONICAL_BASE, self.ai, encode(self.value)]
        for ai in KEPT_QUALIFIERS.get(self.ai, ()):
            value = self.qualifier(ai)
            if value is not None:
                parts += [ai, encode(value)]
                break
        return "/".join(parts)


def encode(value: str) -> str:
    """Percent-encode a Digital Link value: everything but RFC 3986's unreserved characters."""
    return quote(value, safe="")


def is_absolute_uri(value: object) -> bool:
    return isinstance(value, str) and ABSOLUTE_URI.match(value) is not None


@lru_cache(maxsize=65536)
def parse_identifier(uri: str) -> Gs1Key | None:
    """The GS1 key of an EPC URI or of a GS1 Digital Link (on any domain); None when the URI
    holds no GS1 key (any other URI, or an `urn:epc:` scheme without a Digital Link equivalent);
    EpcError when it is malformed. Cached: a document names the same places and lots often, and
    a capture reads each identifier three times (check, hash, rows)."""
    text = uri.strip()
    if text[:8].lower() == "urn:epc:":
        return _parse_urn(text)
    lowered = text[:8].lower()
    if lowered.startswith(("https://", "http://")):
        return _parse_digital_link(text)
    return None


@lru_cache(maxsize=65536)
def canonical(uri: str) -> str:
    """The canonical form of an identifier (see the module's docstring); EpcError when it is a
    malformed EPC URI or Digital Link."""
    key = parse_identifier(uri)
    return key.canonical() if key is not None else uri.strip()


def clear_caches() -> None:
    """Empty the caches of parsed identifiers (a benchmark's cold start)."""
    for cached in (parse_identifier, canonical, _gtin14):
        cached.cache_clear()


def canonical_or_same(uri: str) -> str:
    """`canonical`, or the text unchanged when it is malformed (for hashing checked input)."""
    try:
        return canonical(uri)
    except EpcError:
        return uri.strip()


def check_identifier(value: object) -> str:
    """A value where EPCIS expects an identifier (EPC, class, location, party): an absolute URI,
    and a well-formed one when it is an EPC URI or a Digital Link. The canonical form."""
    if not is_absolute_uri(value):
        raise EpcError(
            _("“%(value)s” is not an absolute URI (an EPC URI, a GS1 Digital Link or another URI).")
            % {"value": value}
        )
    assert isinstance(value, str)
    return canonical(value)


# --- Digital Link ------------------------------------------------------------------------------


def _path(uri: str) -> str:
    """The path of an http(s) URI (what urlsplit gives, faster: a capture reads thousands)."""
    rest = uri.split("://", 1)[1]
    cut = len(rest)
    for mark in "?#":
        found = rest.find(mark)
        if found != -1:
            cut = min(cut, found)
    rest = rest[:cut]
    slash = rest.find("/")
    return "" if slash == -1 else rest[slash:]


def _parse_digital_link(uri: str) -> Gs1Key | None:
    segments = [segment for segment in _path(uri).split("/") if segment != ""]
    start = _key_start(segments)
    if start is None:
        return None
    ai = segments[start]
    value = _check_value(ai, unquote(segments[start + 1]), uri)
    qualifiers = []
    for index in range(start + 2, len(segments), 2):
        qualifier_ai = segments[index]
        qualifiers.append(
            (qualifier_ai, _check_value(qualifier_ai, unquote(segments[index + 1]), uri))
        )
    return Gs1Key(ai=ai, value=value, qualifiers=tuple(qualifiers))


def _key_start(segments: list[str]) -> int | None:
    """Where the GS1 part of a Digital Link path starts: the first primary key followed only by
    (AI, value) pairs of its qualifiers, in GS1's order. None: the path holds no GS1 key."""
    for start, segment in enumerate(segments):
        allowed = PRIMARY_KEYS.get(segment)
        if allowed is None or (len(segments) - start) % 2:
            continue
        position = -1
        for index in range(start + 2, len(segments), 2):
            qualifier = segments[index]
            if qualifier not in allowed or allowed.index(qualifier) <= position:
                break
            position = allowed.index(qualifier)
        else:
            return start
    return None


def _wrong(value: str, ai: str, uri: str) -> EpcError:
    return EpcError(
        _("“%(value)s” in %(uri)s is not a valid %(what)s (AI %(ai)s).")
        % {"value": value, "uri": uri, "what": KEY_NAMES.get(ai, ai), "ai": ai}
    )


def _check_digits(value: str, length: int, ai: str, uri: str) -> str:
    if not _DIGITS.match(value) or len(value) != length or check_digit(value[:-1]) != value[-1]:
        raise _wrong(value, ai, uri)
    return value


def _check_text(value: str, longest: int, ai: str, uri: str) -> str:
    if not value or len(value) > longest or _bad_chars(value):
        raise _wrong(value, ai, uri)
    return value


def _bad_chars(value: str) -> bool:
    """Characters outside GS1's AI encodable character set 82."""
    return _CSET82_TEXT.match(value) is None


@lru_cache(maxsize=4096)
def _gtin14(value: str) -> str:
    """`normalise_gtin`, once per GTIN (a document names few products, many units)."""
    return normalise_gtin(value)


def _check_value(ai: str, value: str, uri: str) -> str:
    """The value of one AI of a Digital Link, checked (GTINs normalised to 14 digits)."""
    try:
        if ai == "01":
            return _gtin14(value)
        if ai in ("414", "417"):
            return check_gln(value)
    except IdentifierError as exc:
        raise EpcError(f"{exc} ({uri})") from exc
    if ai in ("10", "21", "22", "254"):
        return _check_text(value, 20, ai, uri)
    if ai in ("00", "8017", "8018"):
        return _check_digits(value, 18, ai, uri)
    if ai == "402":
        return _check_digits(value, 17, ai, uri)
    if ai in ("253", "255", "8003"):
        # A 13-digit key with its check digit (GRAI: after a leading 0), then a serial.
        head = value[:14] if ai == "8003" else value[:13]
        if ai == "8003" and not head.startswith("0"):
            raise _wrong(value, ai, uri)
        _check_digits(head, len(head), ai, uri)
        tail = value[len(head) :]
        if tail and (_bad_chars(tail) or len(tail) > (12 if ai == "255" else 17)):
            raise _wrong(value, ai, uri)
        return value
    if ai == "8006":
        if not _DIGITS.match(value) or len(value) != 18:
            raise _wrong(value, ai, uri)
        _check_digits(value[:14], 14, ai, uri)
        return value
    if ai == "8011":
        if not _DIGITS.match(value) or len(value) > 12:
            raise _wrong(value, ai, uri)
        return value
    # 8004 GIAI, 401 GINC, 8010 CPID, 8013 GMN, 235 TPX: up to 30 (28) characters of the set.
    return _check_text(value, 28 if ai == "235" else 30, ai, uri)


# --- EPC URIs (GS1 EPC Tag Data Standard, pure identity, class and pattern URIs) -------------


def _component(text: str, uri: str) -> str:
    if not _URN_PART.match(text):
        raise _not_epc(uri)
    return unquote(text)


def _not_epc(uri: str) -> EpcError:
    return EpcError(
        _(
            "“%(uri)s” is not a valid EPC URI: see GS1's EPC Tag Data Standard (for example "
            "urn:epc:id:sgtin:8931234.056789.A001 or urn:epc:class:lgtin:8931234.056789.L1)."
        )
        % {"uri": uri}
    )


def _split(body: str, count: int, uri: str) -> list[str]:
    parts = body.split(".", count - 1) if count > 1 else [body]
    if len(parts) != count:
        raise _not_epc(uri)
    return parts


def _company(prefix: str, reference: str, total: int, uri: str) -> str:
    """Company prefix (6–12 digits) and a reference of digits that together make `total`."""
    if not (_DIGITS.match(prefix) and 6 <= len(prefix) <= 12):
        raise _not_epc(uri)
    if reference and not _DIGITS.match(reference):
        raise _not_epc(uri)
    if len(prefix) + len(reference) != total:
        raise _not_epc(uri)
    return prefix + reference


def _gtin_of(prefix: str, item: str, uri: str) -> str:
    _company(prefix, item, 13, uri)
    body = item[0] + prefix + item[1:]
    return body + check_digit(body)


def _with_check(body: str) -> str:
    return body + check_digit(body)


def _serial(text: str, longest: int, uri: str) -> str:
    value = _component(text, uri)
    if not value or len(value) > longest or _bad_chars(value):
        raise _not_epc(uri)
    return value


def _parse_urn(uri: str) -> Gs1Key | None:
    match = re.match(r"^urn:epc:(id|class|idpat):([a-z0-9]+):(.+)$", uri, re.IGNORECASE)
    if match is None:
        raise _not_epc(uri)
    kind, scheme, body = match.group(1).lower(), match.group(2).lower(), match.group(3)
    if kind == "idpat":
        return _parse_pattern(scheme, body, uri)
    if kind == "class":
        if scheme != "lgtin":
            raise _not_epc(uri)
        prefix, item, lot = _split(body, 3, uri)
        return Gs1Key("01", _gtin_of(prefix, item, uri), (("10", _serial(lot, 20, uri)),))
    if scheme == "sgtin":
        prefix, item, serial = _split(body, 3, uri)
        return Gs1Key("01", _gtin_of(prefix, item, uri), (("21", _serial(serial, 20, uri)),))
    if scheme == "sscc":
        prefix, reference = _split(body, 2, uri)
        _company(prefix, reference, 17, uri)
        return Gs1Key("00", _with_check(reference[:1] + prefix + reference[1:]))
    if scheme == "sgln":
        prefix, reference, extension = _split(body, 3, uri)
        gln = _with_check(_company(prefix, reference, 12, uri))
        value = _serial(extension, 20, uri)
        return Gs1Key("414", gln, () if value == "0" else (("254", value),))
    if scheme == "pgln":
        prefix, reference = _split(body, 2, uri)
        return Gs1Key("417", _with_check(_company(prefix, reference, 12, uri)))
    if scheme == "grai":
        prefix, asset, serial = _split(body, 3, uri)
        head = "0" + _with_check(_company(prefix, asset, 12, uri))
        return Gs1Key("8003", head + _serial(serial, 16, uri))
    if scheme == "giai":
        prefix, reference = _split(body, 2, uri)
        _company(prefix, "", len(prefix), uri)
        value = prefix + _serial(reference, 30 - len(prefix), uri)
        return Gs1Key("8004", value)
    if scheme in ("gsrn", "gsrnp"):
        prefix, reference = _split(body, 2, uri)
        return Gs1Key(
            "8018" if scheme == "gsrn" else "8017",
            _with_check(_company(prefix, reference, 17, uri)),
        )
    if scheme == "gdti":
        prefix, document, serial = _split(body, 3, uri)
        head = _with_check(_company(prefix, document, 12, uri))
        return Gs1Key("253", head + (_serial(serial, 17, uri) if serial else ""))
    if scheme == "sgcn":
        prefix, coupon, serial = _split(body, 3, uri)
        if serial and not (_DIGITS.match(serial) and len(serial) <= 12):
            raise _not_epc(uri)
        return Gs1Key("255", _with_check(_company(prefix, coupon, 12, uri)) + serial)
    if scheme == "ginc":
        prefix, reference = _split(body, 2, uri)
        _company(prefix, "", len(prefix), uri)
        return Gs1Key("401", prefix + _serial(reference, 30 - len(prefix), uri))
    if scheme == "gsin":
        prefix, reference = _split(body, 2, uri)
        return Gs1Key("402", _with_check(_company(prefix, reference, 16, uri)))
    if scheme == "itip":
        prefix, item, piece, total, serial = _split(body, 5, uri)
        if not (_DIGITS.match(piece + total) and len(piece) == len(total) == 2):
            raise _not_epc(uri)
        gtin = _gtin_of(prefix, item, uri)
        return Gs1Key("8006", gtin + piece + total, (("21", _serial(serial, 20, uri)),))
    if scheme == "upui":
        prefix, item, tpx = _split(body, 3, uri)
        return Gs1Key("01", _gtin_of(prefix, item, uri), (("235", _serial(tpx, 28, uri)),))
    if scheme == "cpi":
        prefix, reference, serial = _split(body, 3, uri)
        if not (_DIGITS.match(serial) and len(serial) <= 12):
            raise _not_epc(uri)
        _company(prefix, "", len(prefix), uri)
        return Gs1Key("8010", prefix + _component(reference, uri), (("8011", serial),))
    if scheme in ("gid", "usdod", "adi", "bic", "imovn", "lgtin"):
        # EPC schemes without a GS1 key: well-formed enough, kept as given.
        if scheme == "lgtin" or not _URN_PART.match(body):
            raise _not_epc(uri)
        return None
    raise _not_epc(uri)


_PATTERN_PART = re.compile(rf"^(?:\*|{_URN_CHARS}+)$")
PATTERN_SCHEMES = (
    "sgtin",
    "sscc",
    "sgln",
    "grai",
    "giai",
    "gsrn",
    "gsrnp",
    "gdti",
    "sgcn",
    "cpi",
    "gid",
    "itip",
    "upui",
    "pgln",
    "ginc",
    "gsin",
    "usdod",
    "adi",
)


def _parse_pattern(scheme: str, body: str, uri: str) -> Gs1Key | None:
    """`urn:epc:idpat:…`: each field a value or `*`. The pattern of every serial of one GTIN
    (`urn:epc:idpat:sgtin:CP.ITEM.*`) is the GTIN's class (a Digital Link with the GTIN alone);
    any other pattern is kept as given."""
    if scheme not in PATTERN_SCHEMES:
        raise _not_epc(uri)
    fields = body.split(".")
    if not all(_PATTERN_PART.match(field) for field in fields):
        raise _not_epc(uri)
    if scheme == "sgtin" and len(fields) == 3 and fields[2] == "*" and "*" not in fields[:2]:
        return Gs1Key("01", _gtin_of(fields[0], fields[1], uri), pattern=True)
    return None


def pattern_prefix(uri: str) -> str | None:
    """For a query: the canonical prefix that an `urn:epc:idpat:sgtin:CP.ITEM.*` matches (every
    serial of the GTIN: `https://id.gs1.org/01/{gtin}/21/`); None for any other value."""
    if not uri.lower().startswith("urn:epc:idpat:"):
        return None
    key = parse_identifier(uri)
    if key is None or not key.pattern:
        raise EpcError(
            _(
                "Only patterns of every serial of one GTIN (urn:epc:idpat:sgtin:PREFIX.ITEM.*) "
                "are supported here, not “%(uri)s”."
            )
            % {"uri": uri}
        )
    return f"{CANONICAL_BASE}/01/{key.value}/21/"
