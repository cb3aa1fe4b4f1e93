"""From the data sheet to rows of values, with every problem of the headings and the cells.

Row 1 holds the headings. They must be the template's: each heading once, in any order, none
missing and none unknown (compared without regard to case, accents and spacing, so "MÃ XÃ" and
"Mã  xã" are "Mã xã"). Then each row that is not empty is read cell by cell; a value in a
column without a heading is a problem too. Every problem is kept, with its row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ocop.core.text import fold
from ocop.reports.imports.cells import (
    CellError,
    Column,
    Row,
    grouped,
    is_blank,
    problem,
    read_cell,
)

HEADER_ROW = 1


@dataclass
class Sheet:
    rows: list[Row] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)  # field → index of its column

    def letter(self, field_name: str) -> str:
        index = self.positions.get(field_name)
        return "" if index is None else get_column_letter(index + 1)


def _heading_key(value: Any) -> str:
    if value is None:
        return ""
    return fold(str(value).replace("*", ""))


def match_headings(cells: tuple[Any, ...], columns: tuple[Column, ...]) -> Sheet:
    """Where each column is in the file, and a problem for every wrong, unknown, duplicated or
    missing heading."""
    sheet = Sheet()
    wanted = {_heading_key(column.heading): column for column in columns}
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        value = getattr(cell, "value", None)
        if is_blank(value):
            continue
        letter = get_column_letter(index + 1)
        column = wanted.get(_heading_key(value))
        if column is None:
            sheet.problems.append(
                problem(
                    HEADER_ROW,
                    letter,
                    "",
                    "unknown_column",
                    _("“%(heading)s” is not a column of this template.")
                    % {"heading": str(value)[:80]},
                )
            )
            continue
        if column.field in seen:
            sheet.problems.append(
                problem(
                    HEADER_ROW,
                    letter,
                    column.field,
                    "duplicate_column",
                    _("The column “%(heading)s” appears twice (also in column %(other)s).")
                    % {
                        "heading": column.heading,
                        "other": get_column_letter(seen[column.field] + 1),
                    },
                )
            )
            continue
        seen[column.field] = index
    for position, column in enumerate(columns):
        if column.field not in seen:
            sheet.problems.append(
                problem(
                    HEADER_ROW,
                    get_column_letter(position + 1),
                    column.field,
                    "missing_column",
                    _("The column “%(heading)s” is missing (column %(letter)s of the template).")
                    % {"heading": column.heading, "letter": get_column_letter(position + 1)},
                )
            )
    sheet.positions = seen
    return sheet


def read_rows(
    rows: Iterator[tuple[Any, ...]],
    columns: tuple[Column, ...],
    *,
    max_rows: int,
    tick: Callable[[int], None] | None = None,
) -> Sheet:
    """Read the headings and every non-empty row. Stops at the headings when they are wrong
    (the cells cannot be placed) and after `max_rows` data rows (the file is then refused)."""
    header = next(rows, None)
    if header is None or all(is_blank(getattr(cell, "value", None)) for cell in header):
        sheet = Sheet()
        sheet.problems.append(
            problem(
                HEADER_ROW,
                "",
                "",
                "no_headings",
                _("Row 1 must hold the column headings of the template; it is empty."),
            )
        )
        return sheet
    sheet = match_headings(header, columns)
    if sheet.problems:
        return sheet
    by_index = {sheet.positions[column.field]: column for column in columns}
    for number, cells in enumerate(rows, start=HEADER_ROW + 1):
        values = [getattr(cell, "value", None) for cell in cells]
        if all(is_blank(value) for value in values):
            continue
        if len(sheet.rows) >= max_rows:
            sheet.problems.append(
                problem(
                    None,
                    "",
                    "",
                    "too_many_rows",
                    _(
                        "The file has more than %(limit)s data rows: split it into several files "
                        "of at most %(limit)s rows."
                    )
                    % {"limit": grouped(max_rows)},
                )
            )
            sheet.rows = []
            return sheet
        row = Row(number=number)
        for index, cell in enumerate(cells):
            column = by_index.get(index)
            if column is None:
                if not is_blank(values[index]):
                    sheet.problems.append(
                        problem(
                            number,
                            get_column_letter(index + 1),
                            "",
                            "no_heading",
                            _("This cell holds a value but its column has no heading in row 1."),
                        )
                    )
                continue
            try:
                row.values[column.field] = read_cell(cell, column)
            except CellError as exc:
                row.failed.add(column.field)
                sheet.problems.append(
                    problem(
                        number, get_column_letter(index + 1), column.field, exc.code, exc.message
                    )
                )
        for column in columns:  # a row shorter than the headings: its last cells are empty
            if column.field not in row.values and column.field not in row.failed:
                try:
                    row.values[column.field] = read_cell(None, column)
                except CellError as exc:
                    row.failed.add(column.field)
                    sheet.problems.append(
                        problem(
                            number, sheet.letter(column.field), column.field, exc.code, exc.message
                        )
                    )
        sheet.rows.append(row)
        if tick is not None:
            tick(len(sheet.rows))
    if not sheet.rows and not sheet.problems:
        sheet.problems.append(
            problem(
                None,
                "",
                "",
                "no_rows",
                _("The file holds no data: fill in the rows below the headings."),
            )
        )
    return sheet
