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


# Characters nobody types on purpose and that break or disguise stored text: C0/C1 controls
# (NUL cannot even be stored by PostgreSQL) but tab and line breaks, the bidirectional
# overrides and isolates (U+202A–U+202E, U+2066–U+2069: "Trojan source" names), the zero-width
# space and the byte-order mark. Zero-width joiners (emoji sequences) stay allowed.
FORBIDDEN_CHARACTERS = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200b", "\ufeff"]
)


def has_forbidden_characters(value: str) -> bool:
    return not FORBIDDEN_CHARACTERS.isdisjoint(value)
