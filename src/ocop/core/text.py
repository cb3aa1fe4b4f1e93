"""Text normalisation: everything typed is stored in Unicode NFC."""

from __future__ import annotations

import unicodedata
from typing import Any

DIACRITIC_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(value: Any) -> Any:
    """NFC-normalise a string and strip surrounding white space; other values pass through."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def fold(value: str) -> str:
    """Lower-case, diacritic-free form for search: 'Hà Nội' -> 'ha noi', 'Đông Anh' -> 'dong anh'."""
    decomposed = unicodedata.normalize("NFD", value.translate(DIACRITIC_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def short_date(day: Any) -> str:
    """A date (or date-time) as the platform shows it: dd/mm/yyyy (`SHORT_DATE_FORMAT` of the
    active language); "" for none."""
    from django.utils.formats import date_format

    return date_format(day, "SHORT_DATE_FORMAT") if day else ""
