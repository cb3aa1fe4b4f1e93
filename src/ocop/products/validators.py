"""Field checks shared by the product form, the services and the API."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import ean

GTIN_LENGTHS = (8, 12, 13, 14)


def normalise_gtin(value: str) -> str:
    """The digits as typed, without the spaces and hyphens people put between groups; full-width
    digits from an East Asian keyboard become ASCII (NFKC)."""
    return "".join(unicodedata.normalize("NFKC", value).split()).replace("-", "")


def validate_gtin(value: str) -> str:
    """Return the normalised GTIN-8/12/13/14, or raise ValidationError (GS1 mod-10 check digit).

    Any GS1 prefix is accepted: 893 (GS1 Vietnam) is common, but imported packaging and
    restricted-circulation numbers are legitimate too.
    """
    gtin = normalise_gtin(value)
    if not (gtin.isascii() and gtin.isdigit()):
        raise ValidationError(_("A GTIN contains digits only."), code="gtin_digits")
    if len(gtin) not in GTIN_LENGTHS:
        raise ValidationError(
            _("A GTIN has 8, 12, 13 or 14 digits; this one has %(count)s.") % {"count": len(gtin)},
            code="gtin_length",
        )
    expected = ean.calc_check_digit(gtin[:-1])
    if gtin[-1] != expected:
        raise ValidationError(
            _("The check digit of this GTIN is wrong: with these digits it must be %(digit)s.")
            % {"digit": expected},
            code="gtin_check_digit",
        )
    return gtin


def gtin_equivalents(gtin: str) -> set[str]:
    """The spellings of the same GTIN at other lengths: a UPC-A 036000291452 is the GTIN-13
    0036000291452 and the GTIN-14 00036000291452. Used to keep one product per GTIN."""
    padded = gtin.zfill(14)
    return {padded[-length:] for length in GTIN_LENGTHS if not padded[:-length].strip("0")}
