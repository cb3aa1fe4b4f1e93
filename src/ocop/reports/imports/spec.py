"""What one kind of import is: its template's columns, its checks and how a row is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ocop.reports.imports.cells import Column, Row

# A check receives the person importing, the rows read from the sheet, the column letter of each
# field in this file and a callback to call after each row; it returns the problems and leaves in
# each row's `extra["data"]` what `write` needs.
Check = Callable[[Any, list[Row], dict[str, str], Callable[[], None]], list[dict[str, Any]]]
Write = Callable[[Any, Row], Any]


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    sheet_title: str  # the data sheet of the template (Vietnamese, part of the file format)
    columns: tuple[Column, ...]
    check: Check
    write: Write
    # (title of a sheet of lists, [(heading, …)], rows) for the template's "Danh mục" sheet
    lists: Callable[[], list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]]
    notes: Callable[[], list[str]]  # what the instructions sheet says about this kind

    def column(self, field_name: str) -> Column:
        return next(column for column in self.columns if column.field == field_name)
