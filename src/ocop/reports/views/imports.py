"""Spreadsheet imports: the upload page with the templates and the past imports, a job's page
(progress, then what was created or every problem), its progress as JSON, and the templates.

Only those who may import (`rules.can_import`: the provincial office, administrators) reach
these pages; anyone else signed in gets 404, an anonymous visitor is sent to sign in (the JSON
progress answers 404 to both)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.core.templatetags.ocop import num
from ocop.core.views.lists import list_state
from ocop.core.xlsx import XLSX_CONTENT_TYPE, Column, attachment_header, wants_xlsx, xlsx_response
from ocop.reports.enums import ImportKind, ImportStatus
from ocop.reports.forms_imports import ImportForm, page_max_bytes
from ocop.reports.imports import SUPPORTED_KINDS, spec_for
from ocop.reports.imports.template import build_template
from ocop.reports.models import ImportJob
from ocop.reports.queries.imports import access_import, imports_visible_to
from ocop.reports.rules import can_import
from ocop.reports.services.imports import import_progress as progress_of
from ocop.reports.services.imports import start_import

DETAIL_ROUTES = {ImportKind.PRODUCERS: "producers:detail", ImportKind.PRODUCTS: "products:detail"}
PROBLEMS_PER_PAGE = 100
CREATED_SHOWN = 50
SORT_OPTIONS = {
    "created": (["-created_at"], gettext_lazy("Uploaded")),
    "status": (["status", "-created_at"], gettext_lazy("Status")),
    "kind": (["kind", "-created_at"], gettext_lazy("What is imported")),
}
LIST_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("What is imported"), "get_kind_display"),
    Column(gettext_lazy("File"), "file_name", width=30),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Rows"), "total_rows", kind="int"),
    Column(gettext_lazy("Problems"), lambda job: len(job.errors or []), kind="int"),
    Column(gettext_lazy("Created"), lambda job: (job.created or {}).get("count", 0), kind="int"),
    Column(gettext_lazy("Uploaded by"), "created_by.username"),
    Column(gettext_lazy("Uploaded"), "created_at", kind="datetime"),
]
PROBLEM_COLUMNS = [
    Column(gettext_lazy("Row"), lambda item: item.get("row"), kind="int", width=8),
    Column(gettext_lazy("Column"), lambda item: item.get("column") or "", width=8),
    Column(gettext_lazy("Field"), lambda item: item.get("field") or "", width=22),
    Column(gettext_lazy("Problem"), lambda item: item.get("message") or "", width=90),
]


def _require_import(request: HttpRequest) -> None:
    if not can_import(access_for(request.user)):
        raise Http404


def _templates() -> list[tuple[str, str]]:
    labels = dict(ImportKind.choices)
    return [(kind, labels[kind]) for kind in SUPPORTED_KINDS]


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """/bao-cao/nhap-du-lieu/: upload a file (kind, XLSX), the templates, the past imports (a
    page at a time, the same number of queries for 1 or 100 imports)."""
    _require_import(request)
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = start_import(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    max_bytes=page_max_bytes(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("reports:import", code=job.code)
    state = list_state(
        request,
        imports_visible_to(request.user),
        search_fields=("code", "file_name"),
        sort_options=SORT_OPTIONS,
        default_sort="created",
    )
    if wants_xlsx(request) and request.method == "GET":
        title = _("Spreadsheet imports")
        return xlsx_response(title, title, LIST_COLUMNS, state.queryset)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "reports/import_list.html",
        {"form": form, "state": state, "jobs": state.items, "templates": _templates()},
        status=status,
    )


@login_required
@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    """/bao-cao/nhap-du-lieu/mau/<kind>.xlsx: the template of a kind."""
    _require_import(request)
    spec = spec_for(kind)
    if spec is None:
        raise Http404
    response = HttpResponse(build_template(spec), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(f"mau-nhap-{kind}.xlsx")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def import_detail(request: HttpRequest, code: str) -> HttpResponse:
    """/bao-cao/nhap-du-lieu/<code>/: the progress while the job waits or runs (the page
    refreshes itself without JavaScript), then what was created or every problem (also as
    XLSX: `?format=xlsx`)."""
    job = access_import(request.user, code)
    problems = list(job.errors or [])
    if wants_xlsx(request):
        if not problems:
            raise Http404
        title = _("Problems of import %(code)s") % {"code": job.code}
        return xlsx_response(title, title, PROBLEM_COLUMNS, problems)
    page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    created = job.created or {}
    codes = list(created.get("codes", []))
    return render(
        request,
        "reports/import_detail.html",
        {
            "job": job,
            "progress": _progress(job),
            "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            "page": page,
            "problems": list(page.object_list),
            "created_count": int(created.get("count", 0)),
            "created_links": _created_links(job, codes[:CREATED_SHOWN]),
            "created_more": max(0, int(created.get("count", 0)) - CREATED_SHOWN),
        },
    )


def _progress(job: ImportJob) -> dict[str, object]:
    """The job's progress with a sentence saying where it is (in the page's language)."""
    state = progress_of(job)
    count, total = num(state["processed"]), num(state["total"])
    phase = state["phase"]
    if phase == "queued":
        message = _("Waiting for the background worker to start the import…")
    elif phase == "reading":
        message = _("Reading the file: %(count)s rows read.") % {"count": count}
    elif phase == "checking":
        message = _("Checking the rows: %(count)s of %(total)s.") % {"count": count, "total": total}
    elif phase == "writing":
        message = _("Writing the rows: %(count)s of %(total)s.") % {"count": count, "total": total}
    else:
        message = str(dict(ImportStatus.choices).get(state["status"], state["status"]))
    return {**state, "message": message}


def _created_links(job: ImportJob, codes: list[str]) -> list[tuple[str, str]]:
    """(code, URL of its page) of the records an import created."""
    route = DETAIL_ROUTES.get(job.kind)
    return [(code, reverse(route, kwargs={"code": code}) if route else "") for code in codes]


@require_GET
def import_progress(request: HttpRequest, code: str) -> JsonResponse:
    """/bao-cao/nhap-du-lieu/<code>/tien-do.json: status, phase, processed, total, percent and
    the number of problems; read by import-progress.js."""
    job = access_import(request.user, code)
    response = JsonResponse(_progress(job))
    response["Cache-Control"] = "no-store"
    return response
