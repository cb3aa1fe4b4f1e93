"""Printable documents: `render_pdf(template, context) -> bytes` (WeasyPrint, A4).

The text is set in DejaVu Sans (the Debian package fonts-dejavu-core, named in `make
system-deps`), which has every Vietnamese letter precomposed, so that "Hội đồng" is drawn, and
copied out of the PDF, as the same NFC text that was stored. The documents of the programme
(score sheets, Mẫu 03, minutes, the round's table) are Vietnamese state papers: they are rendered
in Vietnamese whatever language the page was in.

Nothing is fetched while rendering: the fetcher accepts only `data:` URLs, so a document never
reaches the network or the file system, whatever a template (or a typed text) contains.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

DOCUMENT_LANGUAGE = "vi"
STYLESHEET = "core/pdf/document.css"


def render_pdf(
    template: str, context: Mapping[str, Any], *, language: str = DOCUMENT_LANGUAGE
) -> bytes:
    """The template rendered to an A4 PDF, in `language` (Vietnamese by default)."""
    from weasyprint import CSS, HTML  # heavy import, only where documents are made
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"])
    with translation.override(language):
        html = render_to_string(template, dict(context))
        css = render_to_string(STYLESHEET, {})
    document = HTML(string=html, base_url="data:,", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=css, url_fetcher=fetcher)])


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
