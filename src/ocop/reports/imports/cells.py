"""The columns of an import file and what a cell may hold.

A template's column (`Column`) has a fixed Vietnamese heading — the file's contract, the same
whatever the language of the page it was downloaded from — and a kind that says how a cell is
read: text, a code typed as text (leading zeros that a spreadsheet may have dropped are put
back), a date (a date cell, or dd/mm/yyyy typed as text), a whole number ≥ 0, or one of a list.
`read_cell` turns a cell into a value or a `CellError` with a message for the officials.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from ocop.core.text import fold

KINDS = ("text", "code", "date", "count", "choice", "decimal")
# Format characters that hide or reorder text (bidirectional overrides and isolates, the byte
# order mark, invisible separators): refused like control characters. The zero-width joiner and
# non-joiner stay allowed (emoji sequences, some scripts).
HIDDEN_FORMAT = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\ufeff", "\u200b", "\u2028", "\u2029", "\u00ad", "\u061c", "\u200e", "\u200f"]
)
DAY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
GROUPED = re.compile(r"^\d{1,3}(?:[.,  ]\d{3})+$")
MAX_COUNT = 2_000_000_000
# How an XLSX stores a character XML cannot hold (Excel writes ESC as "_x001B_"); openpyxl
# leaves the escape as it is, so a control character typed in Excel arrives as these 7 letters.
OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass(frozen=True)
class Column:
    """One column of an import template.

    `field`: the key of the value in a row; `heading`: the exact heading of the template
    (Vietnamese, part of the file format); `help`: what to write (a lazy translation, shown on
    the instructions sheet); `example`: the sample row's value; `digits`: for a code, the width a
    number typed without its leading zeros is padded back to (`prefix_zero` puts back one 0,
    for phone numbers); `choices`: (stored value, label in the file) for a list."""

    field: str
    heading: str
    kind: str = "text"
    required: bool = False
    max_length: int | None = None
    multiline: bool = False
    digits: int = 0
    prefix_zero: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    help: Any = ""
    example: Any = ""
    width: int = 18
    # Another sheet of the template with the accepted values (for the data-validation list).
    list_range: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}")

    def choice_labels(self) -> list[str]:
        return [label for _value, label in self.choices]


@dataclass
class CellError(Exception):
    code: str
    message: str


@dataclass
class Row:
    """A data row of the file: its number in the sheet, the values read from its cells (only
    the cells that could be read), and the fields whose cell could not."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)  # what a kind's checks add (lookups)


def grouped(number: int) -> str:
    """A whole number with the active language's thousands separator (20.000 in Vietnamese)."""
    from django.utils.formats import number_format

    return number_format(number, use_l10n=True, force_grouping=True)


# --- Problems -----------------------------------------------------------------------------------


def problem(
    row: int | None, column: str, field_name: str, code: str, message: Any
) -> dict[str, Any]:
    """One problem as the job stores and shows it. `row` None: the file as a whole; `column`
    the letter in the file ("" for the whole row or file)."""
    return {
        "row": row,
        "column": column,
        "field": field_name,
        "code": code,
        "message": str(message),
    }


def service_problems(
    exc: ValidationError, row: int, letters: dict[str, str], skip: Collection[str] = ()
) -> list[dict[str, Any]]:
    """A service's ValidationError as problems of row `row`: one per message, in the column of
    its field (the whole row for an error of no field); fields in `skip` already have theirs."""
    found: list[dict[str, Any]] = []
    error_dict = getattr(exc, "error_dict", None) or {NON_FIELD_ERRORS: exc.error_list}
    for name, errors in error_dict.items():
        if name in skip:
            continue
        field_name = "" if name == NON_FIELD_ERRORS else name
        for error in errors:
            for message in error.messages:
                found.append(
                    problem(
                        row, letters.get(name, ""), field_name, error.code or "invalid", message
                    )
                )
    return found


def sort_key(item: dict[str, Any]) -> tuple[int, int, str]:
    column = item.get("column") or ""
    return (item.get("row") or 0, len(column), column)


# --- Reading a cell -----------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _bad_character(text: str, multiline: bool) -> str | None:
    escaped = "".join(chr(int(code, 16)) for code in OOXML_ESCAPE.findall(text))
    for character in text + escaped:
        if multiline and character in "\n\t":
            continue
        category = unicodedata.category(character)
        if category in ("Cc", "Cs") or character in HIDDEN_FORMAT:
            return f"U+{ord(character):04X}"
    return None


def read_text(value: Any, column: Column) -> str:
    if isinstance(value, bool):
        raise CellError("type", _("Enter text here, not TRUE or FALSE."))
    if isinstance(value, dt.date | dt.time):
        raise CellError("type", _("Enter text here, not a date."))
    text = _number_text(value) if isinstance(value, int | float) else str(value)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").strip()
    bad = _bad_character(text, column.multiline)
    if bad is not None:
        raise CellError(
            "control_character",
            _(
                "The text holds an invisible control character (%(character)s): retype it "
                "without it."
            )
            % {"character": bad},
        )
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(
            "max_length",
            _("At most %(limit)s characters; this cell has %(count)s.")
            % {"limit": column.max_length, "count": len(text)},
        )
    return text


def read_code(value: Any, column: Column) -> str:
    """A code (tax code, commune code, phone, GTIN): a number typed into a cell loses its
    leading zeros, so they are put back to the column's width."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError("type", _("Enter the code as text, without decimals."))
        text = str(int(value))
        if column.prefix_zero:
            return "0" + text
        return text.zfill(column.digits) if column.digits else text
    return read_text(value, column)


def _day(year: int, month: int, day: int, typed: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(
            "invalid_date", _("%(value)s is not a date of the calendar.") % {"value": typed}
        ) from None


def read_date(value: Any, column: Column) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise CellError("invalid_date", _("Enter a date without a time of day."))
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if match := DAY.match(text):
            day, month, year = (int(part) for part in match.groups())
            return _day(year, month, day, text)
        if match := ISO_DAY.match(text):
            year, month, day = (int(part) for part in match.groups())
            return _day(year, month, day, text)
    raise CellError(
        "invalid_date",
        _("Enter a date as day/month/year (dd/mm/yyyy), e.g. 25/03/2019, or a date cell."),
    )


def read_count(value: Any, column: Column) -> int:
    """A whole number ≥ 0: a number cell, or digits (thousands may be grouped: 1.234)."""
    number: Any = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    elif isinstance(value, str):
        text = value.strip()
        if GROUPED.match(text):
            text = re.sub(r"[.,  ]", "", text)
        if re.fullmatch(r"-?\d+", text):
            number = int(text)
    if number is None:
        raise CellError("type", _("Enter a whole number, such as 12."))
    if number < 0:
        raise CellError("negative", _("Enter a number that is 0 or more."))
    if number > MAX_COUNT:
        raise CellError("too_large", _("This number is too large."))
    return int(number)


def read_decimal(value: Any, column: Column) -> Decimal:
    """A decimal number (a score): a number cell, or 78,50 / 78.50 typed as text."""
    if isinstance(value, bool | dt.date | dt.time):
        raise CellError("type", _("Enter a number, such as 78,50."))
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise CellError("type", _("Enter a number, such as 78,50.")) from None
    if not number.is_finite():
        raise CellError("type", _("Enter a number, such as 78,50."))
    if number < 0:
        raise CellError("negative", _("Enter a number that is 0 or more."))
    return number


def read_choice(value: Any, column: Column) -> str:
    text = read_text(value, column)
    wanted = fold(text)
    for stored, label in column.choices:
        if wanted in (fold(label), fold(stored)):
            return stored
    raise CellError(
        "choice",
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": text[:60], "choices": ", ".join(column.choice_labels())},
    )


READERS: dict[str, Callable[[Any, Column], Any]] = {
    "text": read_text,
    "code": read_code,
    "date": read_date,
    "count": read_count,
    "choice": read_choice,
    "decimal": read_decimal,
}


def read_cell(cell: Any, column: Column) -> Any:
    """The value of `cell` for `column` ("" or None when empty), or CellError."""
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", None)
    if data_type == "f":
        raise CellError(
            "formula",
            _("Formulas are not read: copy the column and paste it back as values."),
        )
    if data_type == "e":
        raise CellError(
            "cell_error",
            _("The cell shows the spreadsheet error %(error)s.") % {"error": str(value)[:20]},
        )
    if is_blank(value):
        if column.required:
            raise CellError("required", _("This column must be filled in."))
        return None if column.kind in ("date", "count", "decimal") else ""
    return READERS[column.kind](value, column)
