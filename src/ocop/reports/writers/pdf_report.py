"""The yearly report as a printable document: `yearly_pdf(report) -> bytes`.

A4 landscape through `ocop.core.pdf.render_pdf` (DejaVu Sans: every Vietnamese letter, copied
out of the PDF as the stored NFC text; nothing fetched but `data:` URLs), template
`reports/pdf/yearly.html`. Numbers in the language's format (under Vietnamese "100,3%",
"1.803", a mean of "85,50"); the stars of the ranked products drawn as a server-side SVG bar
chart (`ocop.reports.charts.bar_chart`), passed to the page as a `data:` URL.
"""

from __future__ import annotations

import base64
from types import SimpleNamespace
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from ocop.core.pdf import DOCUMENT_LANGUAGE, render_pdf
from ocop.evaluation.queries.documents import short_province
from ocop.reports import charts
from ocop.reports.queries.yearly import YearlyReport
from ocop.reports.writers.xlsx_report import title_text, unit_text

TEMPLATE = "reports/pdf/yearly.html"


def stars_chart(report: YearlyReport) -> str:
    """The chart of the ranked products by class, as a `data:image/svg+xml` URL."""
    svg = charts.bar_chart(
        _("Ranked products by class"),
        [(label, count) for _key, label, count in report.class_rows],
        colours=charts.PALETTE[:4],
    )
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


def yearly_context(report: YearlyReport) -> dict[str, Any]:
    return {
        "report": report,
        "title": title_text(report),
        "unit_text": unit_text(report),
        "chart": stars_chart(report),
        "code_label": _("Code"),
        "unit_label": _("Commune") if report.rows_are_communes else _("District"),
        "category_label": _("Product category"),
        "group_label": _("Product group"),
        "place": short_province(SimpleNamespace(name=report.province)),
    }


def yearly_pdf(report: YearlyReport, *, language: str = DOCUMENT_LANGUAGE) -> bytes:
    """The report's PDF, its labels in `language` (Vietnamese by default)."""
    with translation.override(language):
        context = yearly_context(report)
    return render_pdf(TEMPLATE, context, language=language)
