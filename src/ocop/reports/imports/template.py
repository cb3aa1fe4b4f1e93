"""The template of an import: an XLSX with the data sheet (the headings, nothing else), the
instructions (what each column takes, a sample row) and the lists the data sheet's drop-downs
offer (data validation where openpyxl writes it)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ocop.reports.imports.cells import grouped
from ocop.reports.imports.spec import ImportSpec

LIST_SHEET = "Danh mục"
INSTRUCTIONS_SHEET = "Hướng dẫn"
NUMBER_FORMATS = {"code": "@", "text": "@", "date": "dd/mm/yyyy", "count": "0", "decimal": "0.00"}


def build_template(spec: ImportSpec) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    data = workbook.active
    data.title = spec.sheet_title
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    optional_fill = PatternFill("solid", fgColor="EAF1DD")
    last_row = settings.OCOP_IMPORT_MAX_ROWS + 1
    lists = spec.lists()
    list_rows = {title: rows for title, _headings, rows in lists}
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=column.heading)
        cell.font = bold
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(str(column.help), "OCOP")
        data.column_dimensions[letter].width = column.width
        number_format = NUMBER_FORMATS.get(column.kind, "General")
        for row in range(2, 202):  # the first rows take the column's format when typed into
            data.cell(row=row, column=index).number_format = number_format
        if column.list_range and lists:
            title = lists[0][0]
            count = len(
                [row for row in list_rows[title] if _at(row, column.list_range) is not None]
            )
            if count:
                source = f"{quote_sheetname(title)}!${column.list_range}$2:${column.list_range}${count + 1}"
                validation = DataValidation(
                    type="list",
                    formula1=source,
                    allow_blank=not column.required,
                    showErrorMessage=column.kind == "choice",
                    errorStyle="warning",
                    error=str(_("Choose a value of the list.")),
                )
                data.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{last_row}")
    data.freeze_panes = "A2"
    data.row_dimensions[1].height = 32

    _instructions(workbook, spec, bold)
    for title, headings, rows in lists:
        sheet = workbook.create_sheet(title)
        sheet.append(list(headings))
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(list(row))
        for index in range(1, len(headings) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 24 if index == 1 else 40
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _at(row: tuple[Any, ...], letter: str) -> Any:
    index = ord(letter) - ord("A")
    return row[index] if index < len(row) else None


def _instructions(workbook: Any, spec: ImportSpec, bold: Any) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(INSTRUCTIONS_SHEET)
    wrap = Alignment(wrap_text=True, vertical="top")
    lines = [
        _("How to fill in this file"),
        _(
            "Fill in the sheet “%(sheet)s”: one row per record, from row 2, under the headings. "
            "Do not change, move or delete the headings; columns with an orange heading must be "
            "filled in, green ones may stay empty."
        )
        % {"sheet": spec.sheet_title},
        _(
            "Dates: dd/mm/yyyy (e.g. 25/03/2019) or a date cell. Numbers: whole numbers, 0 or "
            "more. Codes (tax code, commune code, GTIN): format the column as text so that "
            "leading zeros stay."
        ),
        _("Type values, not formulas. At most %(rows)s rows and %(size)s MB per file.")
        % {
            "rows": grouped(settings.OCOP_IMPORT_MAX_ROWS),
            "size": f"{settings.OCOP_IMPORT_MAX_BYTES / 1048576:g}",
        },
        _(
            "The file is checked as a whole: if any row has a problem, nothing is imported and "
            "every problem is listed with its row and column. Correct them and upload the file "
            "again."
        ),
        *spec.notes(),
    ]
    for number, line in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=str(line))
        cell.alignment = wrap
        if number == 1:
            cell.font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 16
    row = len(lines) + 2
    for index, heading in enumerate(
        (_("Column"), _("Heading"), _("Required"), _("What to write"), _("Example")), start=1
    ):
        sheet.cell(row=row, column=index, value=str(heading)).font = bold
    for index, column in enumerate(spec.columns, start=1):
        values = (
            get_column_letter(index),
            column.heading,
            str(_("yes")) if column.required else str(_("no")),
            str(column.help),
            _example(column.example),
        )
        for position, value in enumerate(values, start=1):
            cell = sheet.cell(row=row + index, column=position, value=value)
            cell.alignment = wrap
            if position == 5:
                cell.number_format = "@"
    for letter, width in (("B", 28), ("C", 10), ("D", 60), ("E", 30)):
        sheet.column_dimensions[letter].width = width
    # The sample row, as it would look in the data sheet (it is not imported from here).
    row = row + len(spec.columns) + 2
    sheet.cell(
        row=row,
        column=1,
        value=str(_("A sample row of “%(sheet)s”:") % {"sheet": spec.sheet_title}),
    ).font = bold
    for index, column in enumerate(spec.columns, start=1):
        sheet.cell(row=row + 1, column=index, value=column.heading).font = bold
        cell = sheet.cell(row=row + 2, column=index, value=_example(column.example))
        cell.number_format = "@"
    # The sample row spans the columns A… of this sheet; sheet A..E widths above are kept.


def _example(value: Any) -> Any:
    return "" if value is None else value
