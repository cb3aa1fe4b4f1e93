"""Public pages of certificates, no sign-in: the verification of a code (the page, its form, the
PDF), the register of valid certificates and its open-data exports (CSV, JSON).

The verification code is the capability: whoever holds it may see the certificate and print
it; a code that is unknown or whose MAC does not match answers the same "unknown" (404), a text
that is not shaped like a code answers 400, both on the friendly page. The verification pages
are never stored by browsers or shared caches nor indexed; the platform keeps a verification
page in its own cache, invalidated at once by a revocation (`ocop.core.pagecache`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ocop.certificates.pdf import certificate_filename, certificate_pdf
from ocop.certificates.queries.public import (
    OPEN_DATA_FIELDS,
    OPEN_DATA_LICENCE,
    RegisterFilters,
    Verification,
    clean_code,
    filter_register,
    open_data_record,
    register_certificates,
    register_choices,
    verify_code,
)
from ocop.certificates.signing import MalformedCode, parse_code
from ocop.core import pagecache
from ocop.core.json import dumps
from ocop.core.pdf import pdf_response

PER_PAGE = 50
EXPORT_CHUNK = 500


def _private(response: HttpResponse) -> HttpResponse:
    """Never stored by a cache (a revocation must show at once), never indexed."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _result_page(request: HttpRequest, result: Verification, *, status: int) -> HttpResponse:
    certificate = result.certificate
    pdf_url = (
        reverse("verify:certificate_pdf_vi", kwargs={"code": certificate.verification_code})
        if certificate is not None
        else ""
    )
    response = render(
        request,
        "certificates/public/verify.html",
        {"result": result, "certificate": certificate, "pdf_url": pdf_url},
        status=status,
    )
    return _private(response)


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """/xac-minh/: type (or paste) a code; ?code=… goes to its page, lower case, spaces and a
    pasted address accepted. A text that cannot be a code stays here with the expected shape."""
    if "code" not in request.GET:
        return _private(render(request, "certificates/public/form.html", {"result": None}))
    typed = request.GET.get("code", "")
    cleaned = clean_code(typed)
    try:
        parse_code(cleaned)
    except MalformedCode:
        response = render(
            request,
            "certificates/public/form.html",
            {"result": verify_code(cleaned), "typed": typed[:100]},
            status=400,
        )
        return _private(response)
    return redirect("verify:verify_vi", code=cleaned)


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """/verify/<code>/ and /xac-minh/<code>/: the state of the certificate in plain words, with
    what it certifies (200), unknown (404) or not a code (400). The 200 is kept for anonymous
    visits under the certificate's generation (`ocop.core.pagecache`), which its revocation,
    replacement or any change moves; the expiry shows because the key names the day."""
    return pagecache.cached_page(
        request,
        "verify:verify",
        lambda: _verify(request, code),
        depends=[pagecache.certificate(code)],
    )


def _verify(request: HttpRequest, code: str) -> HttpResponse:
    result = verify_code(code)
    if result.code and result.code != code:
        # Typed by hand in lower case, or with spaces: the page of the code as printed.
        name = request.resolver_match.url_name if request.resolver_match else "verify"
        return _private(redirect(f"verify:{name}", code=result.code))
    return _result_page(request, result, status=result.http_status)


@require_GET
def verify_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate as PDF, for whoever holds its code (a matching MAC). A certificate no
    longer in force is still printed, with a stamp across it. Otherwise: 404 on the friendly page."""
    result = verify_code(code)
    certificate = result.certificate
    if certificate is None:
        return _result_page(request, result, status=404)
    response = pdf_response(
        certificate_pdf(certificate, today=result.today), certificate_filename(certificate)
    )
    return _private(response)


# --- the register and its open data ---------------------------------------------------------


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """/chung-nhan/: the valid certificates, filtered, a page at a time; the same number of
    queries for 1 or 500 rows."""
    base = register_certificates(timezone.localdate())
    filters = RegisterFilters.from_query(request.GET)
    page = Paginator(filter_register(base, filters), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certificates/public/register.html",
        {
            "page": page,
            "rows": list(page.object_list),
            "choices": register_choices(base),
            "filters": filters,
            "export_query": query.urlencode(),
        },
    )


class _Echo:
    """A file-like object whose write returns the line (csv.writer, one row at a time)."""

    def write(self, value: str) -> str:
        return value


def _export_rows(request: HttpRequest) -> Iterator:
    filters = RegisterFilters.from_query(request.GET)
    queryset = filter_register(register_certificates(timezone.localdate()), filters)
    return queryset.iterator(chunk_size=EXPORT_CHUNK)


@require_GET
def register_csv(request: HttpRequest) -> StreamingHttpResponse:
    """/chung-nhan/du-lieu.csv: the register (same filters) as UTF-8 CSV with a BOM, so that a
    spreadsheet shows the Vietnamese letters right; streamed."""
    rows = _export_rows(request)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(OPEN_DATA_FIELDS)
        for certificate in rows:
            record = open_data_record(certificate)
            yield writer.writerow([record[field] for field in OPEN_DATA_FIELDS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="giay-chung-nhan-ocop.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def register_json(request: HttpRequest) -> StreamingHttpResponse:
    """/chung-nhan/du-lieu.json: the register (same filters) as JSON, with when it was made and
    its licence; streamed."""
    rows = _export_rows(request)
    head = {
        "generated_at": timezone.now().isoformat(),
        "licence": OPEN_DATA_LICENCE,
        "filters": RegisterFilters.from_query(request.GET).as_dict(),
    }

    def chunks() -> Iterator[str]:
        yield dumps(head)[:-1] + ', "certificates": ['
        separator = ""
        for certificate in rows:
            yield separator + dumps(open_data_record(certificate))
            separator = ", "
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
