"""The yearly report as files: `xlsx_report.yearly_xlsx` (openpyxl) and `pdf_report.yearly_pdf`
(WeasyPrint). Both print the same `YearlyReport` (`ocop.reports.queries.yearly`), in Vietnamese
unless another language is asked for."""

from __future__ import annotations

from typing import Any


def report_filename(report: Any, extension: str) -> str:
    """`bao-cao-ocop-2019-den-31-12-2019.xlsx`; with a unit, its official code after the year
    (`bao-cao-ocop-2026-00004-den-30-06-2026.pdf`)."""
    unit = f"-{report.unit.code}" if report.unit is not None else ""
    return f"bao-cao-ocop-{report.year}{unit}-den-{report.day:%d-%m-%Y}.{extension}"
