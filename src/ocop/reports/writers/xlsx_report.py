"""The yearly report as an XLSX workbook (openpyxl), made to be opened in LibreOffice Calc or
Excel and worked on: four sheets (summary, by administrative unit, by product group, the list of
ranked products), each with a title row (the province, the year and the day the figures stand
at), a bold header row frozen under it, column widths, numbers as numbers, dates as dates shown
dd/mm/yyyy and the plan's achievement as a percentage.

The labels are document contents in English msgids, written under `translation.override` of
the language asked for (Vietnamese by default), like the printed documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ocop.reports.queries.dashboard import EVALUATION_LEVELS
from ocop.reports.queries.summary import STAR_CLASSES
from ocop.reports.queries.yearly import CLASS_LABELS, CountRow, YearlyReport

DATE_FORMAT = "DD/MM/YYYY"
MEAN_FORMAT = "0.00"
PERCENT_FORMAT = "0.0%"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
# The rows above a sheet's header: the title, the unit, an empty row.
HEADER_ROW = 4


def sheet_names() -> tuple[str, str, str, str]:
    """The four sheets' names in the active language."""
    return (
        pgettext("yearly report sheet", "Summary"),
        pgettext("yearly report sheet", "By unit"),
        pgettext("yearly report sheet", "By group"),
        pgettext("yearly report sheet", "List of products"),
    )


def title_text(report: YearlyReport) -> str:
    return _("%(province)s: report on the OCOP programme in %(year)s (data as of %(day)s)") % {
        "province": report.province,
        "year": report.year,
        "day": report.day.strftime("%d/%m/%Y"),
    }


def unit_text(report: YearlyReport) -> str:
    if report.limited_to:
        return _("Communes: %(names)s") % {"names": ", ".join(report.limited_to)}
    if report.unit is None:
        return _("Whole province")
    return _("Administrative unit: %(unit)s (code %(code)s)") % {
        "unit": report.unit.name,
        "code": report.unit.code,
    }


def _start(sheet: Worksheet, report: YearlyReport, headers: Sequence[str], widths: Sequence[int]):
    sheet["A1"] = title_text(report)
    sheet["A1"].font = TITLE
    sheet["A2"] = unit_text(report)
    sheet["A2"].font = BOLD
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        cell.font = BOLD
        cell.alignment = WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)


def _class_headers() -> list[str]:
    return [_("Ranked products")] + [str(CLASS_LABELS[key]) for key in STAR_CLASSES]


def _summary_sheet(sheet: Worksheet, report: YearlyReport) -> None:
    _start(sheet, report, [_("Figure"), _("Value")], [60, 16])
    figures = report.summary
    rows: list[tuple[str, Any, str | None]] = [
        (_("Products evaluated and ranked (3★ or more)"), figures.products_ranked, None),
    ]
    for _key, label, count in report.class_rows:
        rows.append((_("of which %(item)s") % {"item": label}, count, None))
    rows.append((_("Producers of the ranked products"), figures.producers, None))
    for _kind, label, count in report.producer_kinds:
        rows.append((_("of which %(item)s") % {"item": label}, count, None))
    rows.append((_("Workers of these producers"), figures.workers, None))
    rows.append((_("Plan: products to evaluate and rank"), figures.plan_target, None))
    achievement = figures.plan_achievement_percent
    rows.append(
        (
            _("Plan achieved"),
            float(achievement) / 100 if achievement is not None else None,
            PERCENT_FORMAT,
        )
    )
    rows.append((_("Products scored by the councils of the year's rounds"), report.evaluated, None))
    level_labels = {
        "district": _("at district level"),
        "province": _("at provincial level"),
        "central": _("at central level"),
    }
    for level in EVALUATION_LEVELS:
        rows.append(
            (
                _("of which %(item)s") % {"item": level_labels[level]},
                report.evaluated_by_level.get(level, 0),
                None,
            )
        )
    rows.append((_("Data as of"), report.day, DATE_FORMAT))
    for offset, (label, value, number_format) in enumerate(rows, start=HEADER_ROW + 1):
        sheet.cell(row=offset, column=1, value=label)
        cell = sheet.cell(row=offset, column=2, value=value)
        if number_format:
            cell.number_format = number_format


def _count_sheet(
    sheet: Worksheet,
    report: YearlyReport,
    names: Sequence[str],
    widths: Sequence[int],
    rows: Sequence[CountRow],
    values: Any,
) -> None:
    headers = [pgettext("yearly report", "No."), *names, *_class_headers()]
    _start(sheet, report, headers, [6, *widths, 12, 10, 12, 10, 10])
    line = HEADER_ROW
    for number, row in enumerate(rows, start=1):
        line += 1
        cells = [number, *values(row), row.ranked, *(row.stars[key] for key in STAR_CLASSES)]
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=line, column=column, value=value)
    line += 1
    total = report.total
    sheet.cell(row=line, column=2, value=_("Total"))
    first = 2 + len(names)
    cells = [total.ranked, *(total.stars[key] for key in STAR_CLASSES)]
    for column, value in enumerate(cells, start=first):
        sheet.cell(row=line, column=column, value=value)
    for cell in sheet[line]:
        cell.font = BOLD


def _products_sheet(sheet: Worksheet, report: YearlyReport) -> None:
    headers = [
        pgettext("yearly report", "No."),
        _("Product"),
        _("Producer"),
        _("Kind of producer"),
        _("Commune"),
        _("District"),
        _("Product category"),
        _("Product group"),
        _("Mean score"),
        _("Class"),
        _("Decision"),
        _("Signed on"),
        _("Dossier"),
    ]
    _start(sheet, report, headers, [6, 36, 34, 24, 24, 22, 26, 26, 10, 14, 20, 12, 12])
    for line, row in enumerate(report.products, start=HEADER_ROW + 1):
        cells = [
            row.number,
            row.product,
            row.producer,
            row.producer_kind_label,
            row.commune,
            row.district,
            row.category,
            row.group,
            float(row.mean_total),
            row.class_label,
            row.decision_number,
            row.signed_on,
            row.dossier_code,
        ]
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=line, column=column, value=value)
        sheet.cell(row=line, column=9).number_format = MEAN_FORMAT
        sheet.cell(row=line, column=12).number_format = DATE_FORMAT


def yearly_xlsx(report: YearlyReport, *, language: str = "vi") -> bytes:
    """The workbook's bytes, its labels in `language`."""
    with translation.override(language):
        workbook = Workbook()
        summary_name, unit_name, group_name, products_name = sheet_names()
        first = workbook.active
        first.title = summary_name
        _summary_sheet(first, report)
        unit_label = _("Commune") if report.rows_are_communes else _("District")
        _count_sheet(
            workbook.create_sheet(unit_name),
            report,
            [_("Code"), unit_label],
            [10, 34],
            report.by_unit,
            lambda row: [row.first, row.second],
        )
        _count_sheet(
            workbook.create_sheet(group_name),
            report,
            [_("Product category"), _("Product group")],
            [34, 34],
            report.by_group,
            lambda row: [row.first or _("Unclassified"), row.second],
        )
        _products_sheet(workbook.create_sheet(products_name), report)
        workbook.properties.title = title_text(report)
        workbook.properties.language = language
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
