"""The standard yearly report (/bao-cao/bao-cao-nam/): the figures on the page, and the same
report as XLSX and PDF downloads (`?year=2019&as_of=31/12/2019&unit=…`). Officials only
(`rules.can_see_reports`): a commune officer gets their own communes; anyone else 404, an
anonymous visitor the sign-in page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from ocop.accounts.rules import access_for
from ocop.core.pdf import pdf_response
from ocop.geo.models import AdministrativeUnit
from ocop.reports import charts
from ocop.reports.forms_report import YearlyReportForm, form_data
from ocop.reports.queries.yearly import YearlyReport, yearly_report
from ocop.reports.rules import can_see_reports, report_unit_ids
from ocop.reports.writers import pdf_report, report_filename, xlsx_report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The page shows the first rows of the list; the downloads hold every row.
PAGE_PRODUCTS = 100


def _read(request: HttpRequest) -> tuple[YearlyReportForm, YearlyReport | None]:
    """The form of the query string and, when it is valid, the report it asks for."""
    access = access_for(request.user)
    if not can_see_reports(access):
        raise Http404
    form = YearlyReportForm(data=form_data(request.GET), access=access, today=timezone.localdate())
    if not form.is_valid():
        return form, None
    cleaned = form.cleaned_data
    report = yearly_report(
        year=cleaned["year"], as_of=cleaned["as_of"], unit=cleaned["unit_obj"], access=access
    )
    return form, report


def _params(report: YearlyReport) -> str:
    params = {"year": str(report.year), "as_of": report.day.strftime("%d/%m/%Y")}
    if report.unit is not None:
        params["unit"] = report.unit.code
    return urlencode(params)


def _page(
    request: HttpRequest, form: YearlyReportForm, report: YearlyReport | None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "report": report}
    own = report_unit_ids(access_for(request.user))
    if own is not None:
        context["own_units"] = AdministrativeUnit.objects.filter(pk__in=own).order_by("name")
    if report is not None:
        query = _params(report)
        context.update(
            {
                "title": xlsx_report.title_text(report),
                "unit_text": xlsx_report.unit_text(report),
                "xlsx_url": f"{reverse('reports:yearly_xlsx')}?{query}",
                "pdf_url": f"{reverse('reports:yearly_pdf')}?{query}",
                "chart": charts.bar_chart(
                    gettext("Ranked products by class"),
                    [(label, count) for _key, label, count in report.class_rows],
                    colours=charts.PALETTE[:4],
                ),
                "products": report.products[:PAGE_PRODUCTS],
                "more_products": max(0, len(report.products) - PAGE_PRODUCTS),
            }
        )
    return render(request, "reports/yearly.html", context, status=status)


@login_required
@require_GET
def yearly(request: HttpRequest) -> HttpResponse:
    form, report = _read(request)
    return _page(request, form, report, status=200 if report is not None else 400)


@login_required
@require_GET
def yearly_xlsx(request: HttpRequest) -> HttpResponse:
    form, report = _read(request)
    if report is None:
        return _page(request, form, None, status=400)
    response = HttpResponse(xlsx_report.yearly_xlsx(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, "xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def yearly_pdf(request: HttpRequest) -> HttpResponse:
    form, report = _read(request)
    if report is None:
        return _page(request, form, None, status=400)
    content = pdf_report.yearly_pdf(report)
    return pdf_response(content, report_filename(report, "pdf"), inline=False)
