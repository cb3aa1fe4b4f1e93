"""Lists as spreadsheets: every list page offers `?format=xlsx`, the rows it shows (all pages).

    COLUMNS = [
        Column(_("Code"), "code"),
        Column(_("Name"), "name", width=40),
        Column(_("Commune or ward"), "commune.name"),
        Column(_("Status"), "get_status_display"),
        Column(_("Workers"), "workforce_total", kind="int"),
        Column(_("Registered on"), "created_at", kind="datetime"),
    ]

    state = list_state(request, queryset, ...)
    if wants_xlsx(request):
        return xlsx_response(_("Producers"), _("Producers"), COLUMNS, state.queryset)

The workbook is written in openpyxl's write-only mode: rows stream to a temporary file, so
100,000 rows take the memory of a few; a queryset is read with `.iterator()` in chunks (its
`select_related` and `prefetch_related` hold, so the number of queries does not grow with the
rows). The headings are the labels under the active language (Vietnamese by default); dates are
real dates shown dd/mm/yyyy, date-times are local to Asia/Ho_Chi_Minh, numbers are numbers,
codes are text. A text that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`,
`@`, a tab or a carriage return) is written as a string cell with Excel's quote prefix (the
apostrophe a person would type), so opening the file never runs it.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
KINDS = ("text", "int", "decimal", "date", "datetime")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
INT_FORMAT = "#,##0"
# Characters that make a spreadsheet read a typed text as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 cannot hold (openpyxl refuses them): dropped from texts.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")
CHUNK_SIZE = 2000
SHEET_TITLE_LIMIT = 31
DEFAULT_WIDTHS = {"text": 18, "int": 12, "decimal": 14, "date": 12, "datetime": 17}


@dataclass(frozen=True)
class Column:
    """One column: its heading (a lazy translation), where its value comes from (a callable of
    the row, or an attribute path such as "producer.commune.name"; a method at the end of the
    path, like "get_status_display", is called), its kind, its width in characters and, for
    decimals, the places shown."""

    label: Any
    value: str | Callable[[Any], Any]
    kind: str = "text"
    width: float | None = None
    decimals: int = 2

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}: one of {', '.join(KINDS)}.")

    def read(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        value = row
        for name in self.value.split("."):
            if value is None:
                return None
            value = value.get(name) if isinstance(value, dict) else getattr(value, name)
        return value() if callable(value) else value


@dataclass(frozen=True)
class Sheet:
    """A worksheet of a workbook: its title, columns and rows (any iterable, a queryset too)."""

    title: Any
    columns: Sequence[Column]
    rows: Iterable[Any]


def yes_no(value: Any) -> str:
    """A flag as a cell: "yes" or "no" in the active language."""
    from django.utils.translation import gettext

    return gettext("yes") if value else gettext("no")


def wants_xlsx(request: HttpRequest) -> bool:
    """Whether the list is asked for as a spreadsheet (`?format=xlsx`)."""
    return request.GET.get("format", "") == "xlsx"


def write_xlsx(
    title: Any, columns: Sequence[Column], rows: Iterable[Any], file: IO[bytes] | None = None
) -> bytes | None:
    """A one-sheet workbook: the bytes, or written to `file` (then None)."""
    return write_workbook([Sheet(title, columns, rows)], file)


def write_workbook(sheets: Sequence[Sheet], file: IO[bytes] | None = None) -> bytes | None:
    """A workbook of several sheets: the bytes, or written to `file` (then None)."""
    from openpyxl import Workbook  # heavy import, only where spreadsheets are made

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        _write_sheet(workbook, _sheet_title(sheet.title, used), sheet.columns, sheet.rows)
    if not sheets:
        workbook.create_sheet("Sheet")
    if file is not None:
        workbook.save(file)
        return None
    with tempfile.TemporaryFile() as buffer:
        workbook.save(buffer)
        buffer.seek(0)
        return buffer.read()


def xlsx_response(
    filename: Any, title: Any, columns: Sequence[Column], rows: Iterable[Any]
) -> HttpResponse:
    """The list as an XLSX attachment named `filename` (".xlsx" added if missing)."""
    return workbook_response(filename, [Sheet(title, columns, rows)])


def workbook_response(filename: Any, sheets: Sequence[Sheet]) -> HttpResponse:
    content = write_workbook(sheets)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(str(filename))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_header(filename: str) -> str:
    """`attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 and
    RFC 5987): every browser gets a safe name, those that can get the Vietnamese one."""
    name = unicodedata.normalize("NFC", filename).strip() or "export"
    if not name.lower().endswith(".xlsx"):
        name = f"{name}.xlsx"
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "-", name)
    return f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name)}"


def ascii_filename(name: str) -> str:
    """ "Sản phẩm OCOP.xlsx" -> "San-pham-OCOP.xlsx": letters without marks, đ as d."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-.")
    return plain or "export.xlsx"


# --- the writing ----------------------------------------------------------------------------


def _sheet_title(title: Any, used: set[str]) -> str:
    """A valid, unique sheet title: at most 31 characters, none of []:*?/\\."""
    text = re.sub(r"[\[\]:*?/\\]+", " ", str(title)).strip().strip("'") or "Sheet"
    text = text[:SHEET_TITLE_LIMIT]
    candidate, number = text, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = text[: SHEET_TITLE_LIMIT - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


def _write_sheet(workbook: Any, title: str, columns: Sequence[Column], rows: Iterable[Any]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        width = column.width or max(DEFAULT_WIDTHS[column.kind], len(str(column.label)) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_clean(str(column.label)))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [_number_format(column) for column in columns]
    for row in _iterate(rows):
        sheet.append(
            [
                _cell(WriteOnlyCell, sheet, column, formats[i], column.read(row))
                for i, column in enumerate(columns)
            ]
        )


def _iterate(rows: Iterable[Any]) -> Iterable[Any]:
    """A queryset in chunks (its related rows and prefetches kept); anything else as it is."""
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return rows


def _number_format(column: Column) -> str | None:
    if column.kind == "date":
        return DATE_FORMAT
    if column.kind == "datetime":
        return DATETIME_FORMAT
    if column.kind == "int":
        return INT_FORMAT
    if column.kind == "decimal":
        return f"{INT_FORMAT}.{'0' * column.decimals}" if column.decimals > 0 else INT_FORMAT
    return None


def _cell(make: Any, sheet: Any, column: Column, number_format: str | None, value: Any) -> Any:
    if value is None or value == "":
        return None
    kind = column.kind
    if kind == "text":
        text = _clean(str(value))
        if not text.startswith(FORMULA_STARTS):
            return text
        cell = make(sheet, value=text)
        cell.data_type = "s"  # a string, never a formula
        cell.quotePrefix = True  # shown and kept as text when edited, like a typed apostrophe
        return cell
    converted = _convert(kind, value)
    if converted is None:
        return None
    cell = make(sheet, value=converted)
    if number_format:
        cell.number_format = number_format
    return cell


def _convert(kind: str, value: Any) -> Any:
    if kind == "int":
        return int(value)
    if kind == "decimal":
        return value if isinstance(value, Decimal | int | float) else Decimal(str(value))
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(LOCAL_ZONE).replace(tzinfo=None)
            return value
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time.min)
        return None
    if kind == "date":
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(LOCAL_ZONE)
            return value.date()
        return value if isinstance(value, dt.date) else None
    return value


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS.sub("", unicodedata.normalize("NFC", text))
