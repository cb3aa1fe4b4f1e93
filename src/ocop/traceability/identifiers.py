"""GS1 identifiers and Digital Link URIs: the one place that says what a valid GTIN, lot, serial
and GLN is, and how a Digital Link is written and read.

- GTIN-8/12/13/14 with the GS1 mod-10 check digit; stored and written in Digital Links as the
  14-digit form (`normalise_gtin`). Prefix 893 is GS1 Vietnam (`is_vietnamese`).
- Lot (AI 10) and serial (AI 21): 1–20 characters of the GS1 "AI encodable character set 82".
- A producer without a GS1 company prefix gets a **platform GTIN** (`platform_gtin`): a GTIN-13
  in the restricted-circulation range that GS1 reserves for use within a region or company
  (prefix `OCOP_PLATFORM_GTIN_PREFIX`, default "2089": GS1 prefix 20–29 is never allocated to a
  brand owner), with a valid check digit, so that it behaves exactly like a GS1 GTIN on the
  platform (resolver, stamps, EPCIS), and is never valid outside it.
- Digital Link URIs on the platform's own domain: `{SITE_URL}/01/{gtin14}[/10/{lot}][/21/{serial}]`
  (qualifiers in the order GS1 gives for AI 01: 22, 10, 21; `/22/` is not used here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from django.conf import settings
from django.utils.translation import gettext as _

VIETNAM_PREFIX = "893"
GTIN_LENGTHS = (8, 12, 13, 14)
# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
CSET82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")
GLN_LENGTH = 13


class IdentifierError(ValueError):
    """A malformed identifier; `str(exc)` is a sentence for the person who typed or scanned it."""


def check_digit(body: str) -> str:
    """GS1 mod-10: from the rightmost digit leftwards, weights 3, 1, 3, 1 …"""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(body[::-1]))
    return str((10 - total % 10) % 10)


def normalise_gtin(value: str) -> str:
    """The 14-digit form of a GTIN-8/12/13/14; IdentifierError when it is not one."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) not in GTIN_LENGTHS:
        raise IdentifierError(
            _("“%(value)s” is not a GTIN: a GTIN has 8, 12, 13 or 14 digits.") % {"value": value}
        )
    if check_digit(text[:-1]) != text[-1]:
        raise IdentifierError(
            _("The check digit of GTIN %(value)s is wrong: it should end in %(digit)s.")
            % {"value": text, "digit": check_digit(text[:-1])}
        )
    return text.zfill(14)


def is_vietnamese(gtin14: str) -> bool:
    """Allocated by GS1 Vietnam (prefix 893), read on the GTIN-13 inside the GTIN-14."""
    return gtin14.zfill(14)[1:4] == VIETNAM_PREFIX


def is_platform_gtin(gtin14: str) -> bool:
    return gtin14.zfill(14)[1:].startswith(settings.OCOP_PLATFORM_GTIN_PREFIX)


def platform_gtin(number: int) -> str:
    """The platform GTIN-13 number `number` (1, 2, …) in the restricted-circulation range, as a
    GTIN-14. The prefix and the number fill 12 digits; the 13th is the check digit."""
    prefix = settings.OCOP_PLATFORM_GTIN_PREFIX
    width = 12 - len(prefix)
    if number < 1 or len(str(number)) > width:
        raise IdentifierError(_("The platform's range of GTINs is exhausted."))
    body = f"{prefix}{number:0{width}d}"
    return (body + check_digit(body)).zfill(14)


def check_qualifier(value: str, what: str) -> str:
    """A lot (AI 10) or serial (AI 21): 1–20 characters of the GS1 set."""
    text = value or ""
    if not CSET82.match(text):
        raise IdentifierError(
            _(
                "“%(value)s” is not a valid %(what)s: 1 to 20 letters (without diacritics), "
                "digits or the signs ! \" %% & ' ( ) * + , - . / : ; < = > ? _"
            )
            % {"value": value, "what": what}
        )
    return text


def check_lot(value: str) -> str:
    return check_qualifier(value, _("lot number"))


def check_serial(value: str) -> str:
    return check_qualifier(value, _("serial number"))


def check_gln(value: str) -> str:
    text = (value or "").strip()
    if (
        not (text.isascii() and text.isdigit())
        or len(text) != GLN_LENGTH
        or check_digit(text[:-1]) != text[-1]
    ):
        raise IdentifierError(
            _("“%(value)s” is not a GLN: 13 digits ending in a GS1 check digit.") % {"value": value}
        )
    return text


@dataclass(frozen=True)
class DigitalLink:
    gtin: str  # 14 digits
    lot: str | None = None
    serial: str | None = None

    def path(self) -> str:
        parts = [f"/01/{self.gtin}"]
        if self.lot is not None:
            parts.append(f"/10/{quote(self.lot, safe='')}")
        if self.serial is not None:
            parts.append(f"/21/{quote(self.serial, safe='')}")
        return "".join(parts)

    def uri(self, base: str | None = None) -> str:
        """The Digital Link on the platform's domain (or `base`, e.g. https://id.gs1.org)."""
        return f"{(base or settings.SITE_URL).rstrip('/')}{self.path()}"


def digital_link(gtin: str, lot: str | None = None, serial: str | None = None) -> DigitalLink:
    """A checked Digital Link (IdentifierError on a malformed part)."""
    return DigitalLink(
        gtin=normalise_gtin(gtin),
        lot=check_lot(lot) if lot is not None else None,
        serial=check_serial(serial) if serial is not None else None,
    )


PATH = re.compile(r"^/?01/(?P<gtin>[^/]+)(?:/10/(?P<lot>[^/]+))?(?:/21/(?P<serial>[^/]+))?/?$")


def parse_path(path: str) -> DigitalLink:
    """The Digital Link of a resolver path `/01/{gtin}[/10/{lot}][/21/{serial}][/]`; percent
    escapes decoded; IdentifierError for anything malformed (qualifiers out of order included)."""
    match = PATH.match(path or "")
    if match is None:
        raise IdentifierError(
            _(
                "This address is not a GS1 Digital Link: it should read /01/ then a GTIN, "
                "optionally /10/ and a lot number, then /21/ and a serial number."
            )
        )
    lot = match.group("lot")
    serial = match.group("serial")
    return digital_link(
        match.group("gtin"),
        unquote(lot) if lot is not None else None,
        unquote(serial) if serial is not None else None,
    )
