"""The printable documents (PDF, Vietnamese): a member's score sheet, the commune report
(Mẫu 03), the council minutes (biên bản), the round's summary table. Each loader answers 404 to
whoever may not print the document."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ocop.core.pdf import pdf_response, render_pdf
from ocop.evaluation.queries.documents import (
    access_round_for_summary,
    access_session_for_minutes,
    access_sheet,
    latest_commune_assessment,
    minutes_context,
    sheet_context,
    summary_context,
)
from ocop.evaluation.queries.dossiers import access_dossier
from ocop.evaluation.views.dossiers import commune_report_context


@login_required
@require_GET
def sheet_pdf(
    request: HttpRequest, session: str, dossier: str, username: str | None = None
) -> HttpResponse:
    sheet = access_sheet(request.user, session, dossier, username)
    content = render_pdf("evaluation/pdf/sheet.html", sheet_context(sheet))
    return pdf_response(content, f"phieu-{session}-{dossier}-{sheet.member.user.username}.pdf")


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, session: str) -> HttpResponse:
    found = access_session_for_minutes(request.user, session)
    content = render_pdf("evaluation/pdf/minutes.html", minutes_context(found))
    return pdf_response(content, f"bien-ban-{found.code}.pdf")


@login_required
@require_GET
def commune_report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 03 on engineer A's include (evaluation/dossiers/includes/mau03_body.html), the same
    text as the printable page, for whoever sees the dossier."""
    dossier = access_dossier(request.user, code)
    assessment = latest_commune_assessment(dossier)
    content = render_pdf("evaluation/pdf/mau03.html", commune_report_context(dossier, assessment))
    return pdf_response(content, f"mau-03-{code}.pdf")


@login_required
@require_GET
def round_summary_pdf(request: HttpRequest, code: str) -> HttpResponse:
    round_ = access_round_for_summary(request.user, code)
    content = render_pdf("evaluation/pdf/round_summary.html", summary_context(round_))
    return pdf_response(content, f"tong-hop-{round_.code}.pdf")
