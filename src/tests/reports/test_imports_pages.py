"""Spreadsheet imports, the pages: the upload page (templates, form, past imports), a job's
page (progress, what was created, every problem, also as XLSX), the progress JSON, the
templates; and who may reach them."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from ocop.producers.models import Producer
from ocop.reports.enums import ImportKind, ImportStatus
from ocop.reports.imports import spec_for
from ocop.reports.models import ImportJob
from ocop.reports.services.imports import start_import
from tests.reports.import_files import (
    headings,
    producer_row,
    run_import,
    workbook_bytes,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _good(cast, n: int = 2) -> bytes:
    return workbook_bytes("producers", [producer_row(cast.commune_a, i) for i in range(1, n + 1)])


def _failed_job(cast) -> ImportJob:
    rows = [
        producer_row(cast.commune_a, 1, commune="77777"),
        producer_row(cast.commune_a, 2, workforce_local=-1),
    ]
    return run_import(cast.office, ImportKind.PRODUCERS, workbook_bytes("producers", rows))


# --- the upload page ------------------------------------------------------------------------------


def test_the_upload_page_offers_the_templates_and_the_form(cast, client_for):
    response = client_for(cast.office).get(reverse("reports:imports"))
    assert response.status_code == 200
    page = response.content.decode()
    for kind in ("producers", "products"):
        assert reverse("reports:import_template", kwargs={"kind": kind}) in page
    assert reverse("reports:import_template", kwargs={"kind": "results"}) not in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="file"' in page and 'accept=".xlsx' in page
    assert 'value="producers"' in page and 'value="products"' in page
    assert "/dia-ban/?period=current&amp;level=commune" in page


def test_uploading_a_good_file_imports_it_and_shows_the_job(cast, client_for):
    client = client_for(cast.office)
    before = Producer.objects.count()
    response = client.post(
        reverse("reports:imports"),
        {"kind": "producers", "file": xlsx_upload(_good(cast, 2), "chu-the.xlsx")},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:import", kwargs={"code": job.code})
    assert (job.status, job.file_name, job.created_by) == (
        ImportStatus.DONE,
        "chu-the.xlsx",
        cast.office,
    )
    assert Producer.objects.count() == before + 2
    page = client.get(response["Location"]).content.decode()
    assert job.code in page and "chu-the.xlsx" in page
    for code in job.created["codes"]:
        assert reverse("producers:detail", kwargs={"code": code}) in page
    assert "<progress" not in page and 'http-equiv="refresh"' not in page


def test_uploading_a_file_that_is_not_a_workbook_shows_the_error_and_stores_nothing(
    cast, client_for
):
    response = client_for(cast.office).post(
        reverse("reports:imports"),
        {"kind": "producers", "file": xlsx_upload(b"a;b;c\n1;2;3\n", "chu-the.xlsx")},
    )
    assert response.status_code == 422
    assert 'class="error"' in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_the_page_limit_is_the_smaller_of_the_two_limits(cast, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    response = client_for(cast.office).post(
        reverse("reports:imports"), {"kind": "producers", "file": xlsx_upload(_good(cast, 5))}
    )
    assert response.status_code == 422
    assert ImportJob.objects.count() == 0


def test_the_past_imports_list_costs_the_same_queries_for_3_or_30(
    cast, client_for, django_assert_num_queries
):
    client = client_for(cast.office)
    content = workbook_bytes("producers", [])
    for _ in range(3):
        run_import(cast.office, ImportKind.PRODUCERS, content)
    client.get(reverse("reports:imports"))  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("reports:imports"))
    assert response.content.decode().count('href="/bao-cao/nhap-du-lieu/NK') == 3
    for _ in range(27):
        run_import(cast.office, ImportKind.PRODUCERS, content)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("reports:imports"))
    assert response.content.decode().count('href="/bao-cao/nhap-du-lieu/NK') == 25  # a page


def test_the_past_imports_download_as_xlsx(cast, client_for, django_assert_num_queries):
    job = _failed_job(cast)
    client = client_for(cast.office)
    url = reverse("reports:imports") + "?format=xlsx"
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == job.code and rows[1][5] == 2
    content = workbook_bytes("producers", [])
    for _ in range(29):
        run_import(cast.office, ImportKind.PRODUCERS, content)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 31


# --- a job's page -------------------------------------------------------------------------------


def test_a_refused_import_lists_every_problem_with_its_row_and_column(cast, client_for):
    job = _failed_job(cast)
    client = client_for(cast.office)
    page = client.get(reverse("reports:import", kwargs={"code": job.code})).content.decode()
    assert "<td>H</td>" in page and "<td>O</td>" in page
    assert '<td class="num">2</td>' in page and '<td class="num">3</td>' in page
    assert "77777" in page
    assert "?format=xlsx" in page
    response = client.get(reverse("reports:import", kwargs={"code": job.code}) + "?format=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [
        (2, "H", "commune"),
        (3, "O", "workforce_local"),
    ]
    assert "77777" in rows[1][3]


def test_a_done_import_has_no_problems_to_download(cast, client_for):
    job = run_import(cast.office, ImportKind.PRODUCERS, _good(cast, 1))
    response = client_for(cast.office).get(
        reverse("reports:import", kwargs={"code": job.code}) + "?format=xlsx"
    )
    assert response.status_code == 404


def test_a_waiting_import_shows_a_progress_bar_that_refreshes(cast, client_for, settings):
    settings.TASKS = DATABASE_TASKS  # queued for the worker, which does not run here
    job = start_import(
        actor=cast.office, kind=ImportKind.PRODUCERS, upload=xlsx_upload(_good(cast))
    )
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.code]).count() == 1
    client = client_for(cast.office)
    page = client.get(reverse("reports:import", kwargs={"code": job.code})).content.decode()
    assert '<progress id="import-bar" max="100" value="0">' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "/static/reports/import-progress.js" in page
    assert (
        f'data-progress-url="{reverse("reports:import_progress", kwargs={"code": job.code})}"'
        in page
    )
    assert "<script>" not in page  # no inline script (the CSP forbids it)
    state = client.get(reverse("reports:import_progress", kwargs={"code": job.code})).json()
    assert {
        k: state[k] for k in ("status", "phase", "percent", "processed", "total", "errors")
    } == {
        "status": "queued",
        "phase": "queued",
        "percent": 0,
        "processed": 0,
        "total": 0,
        "errors": 0,
    }
    assert state["code"] == job.code and state["message"]


def test_the_progress_json_of_a_finished_import(cast, client_for):
    job = _failed_job(cast)
    response = client_for(cast.office).get(
        reverse("reports:import_progress", kwargs={"code": job.code})
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    state = response.json()
    assert (state["status"], state["percent"], state["errors"], state["total"]) == (
        "failed",
        100,
        2,
        2,
    )


def test_the_progress_script_is_served(client):
    path = settings.BASE_DIR / "reports" / "static" / "reports" / "import-progress.js"
    text = path.read_text(encoding="utf-8")
    assert "data-progress-url" in text and "progress" in text


# --- the templates ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["producers", "products"])
def test_the_template_opens_with_its_headings_instructions_and_lists(cast, client_for, kind, qd26):
    response = client_for(cast.office).get(
        reverse("reports:import_template", kwargs={"kind": kind})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    spec = spec_for(kind)
    data = workbook.worksheets[0]
    assert data.title == spec.sheet_title
    assert [cell.value for cell in data[1]] == headings(kind)
    assert data.max_row == 1 or all(cell.value is None for cell in data[2])  # no data rows
    assert workbook.sheetnames[1:] == ["Hướng dẫn", "Danh mục"]
    instructions = [c for row in workbook["Hướng dẫn"].iter_rows(values_only=True) for c in row]
    for heading in headings(kind):
        assert heading in instructions
    lists = list(workbook["Danh mục"].iter_rows(values_only=True))
    assert len(lists) > 2
    if kind == "producers":
        assert [row[0] for row in lists[1:7]] == [
            "Hợp tác xã",
            "Tổ hợp tác",
            "Doanh nghiệp",
            "Trang trại",
            "Hộ kinh doanh",
            "Hội, hiệp hội",
        ]
        assert [row[1] for row in lists[1:3]] == ["Nữ", "Nam"]
        ranges = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
        assert ranges["A2:A20001"] == "'Danh mục'!$A$2:$A$7"
        assert ranges["L2:L20001"] == "'Danh mục'!$B$2:$B$3"
    else:
        assert ("I.3.b", "qd26-2026") in {(row[0], row[2]) for row in lists[1:]}


def test_a_filled_in_template_imports(cast, client_for):
    """The template itself, with rows typed under its headings, is a good file."""
    content = (
        client_for(cast.office)
        .get(reverse("reports:import_template", kwargs={"kind": "producers"}))
        .content
    )
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    sheet.append(list(producer_row(cast.commune_b, 1).values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(cast.office, ImportKind.PRODUCERS, buffer.getvalue())
    assert job.status == ImportStatus.DONE, job.errors
    assert Producer.objects.get(code=job.created["codes"][0]).commune == cast.commune_b


def test_results_have_no_template(cast, client_for):
    response = client_for(cast.office).get(
        reverse("reports:import_template", kwargs={"kind": "results"})
    )
    assert response.status_code == 404


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    ["producer1", "producer2", "buyer", "commune", "member", "chair", "approver", "outsider"],
)
def test_only_the_office_and_administrators_reach_the_imports(cast, client_for, role):
    job = _failed_job(cast)
    client = client_for(getattr(cast, role))
    urls = [
        reverse("reports:imports"),
        reverse("reports:imports") + "?format=xlsx",
        reverse("reports:import_template", kwargs={"kind": "producers"}),
        reverse("reports:import", kwargs={"code": job.code}),
        reverse("reports:import", kwargs={"code": job.code}) + "?format=xlsx",
        reverse("reports:import_progress", kwargs={"code": job.code}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    before = ImportJob.objects.count()
    response = client.post(
        reverse("reports:imports"), {"kind": "producers", "file": xlsx_upload(_good(cast))}
    )
    assert response.status_code == 404
    assert ImportJob.objects.count() == before


def test_an_administrator_sees_the_office_imports(cast, client_for):
    job = _failed_job(cast)
    response = client_for(cast.admin).get(reverse("reports:import", kwargs={"code": job.code}))
    assert response.status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(cast, client):
    job = _failed_job(cast)
    for url in (
        reverse("reports:imports"),
        reverse("reports:import_template", kwargs={"kind": "producers"}),
        reverse("reports:import", kwargs={"code": job.code}),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "dang-nhap/" in response["Location"], url
    assert (
        client.get(reverse("reports:import_progress", kwargs={"code": job.code})).status_code == 404
    )


def test_an_unknown_import_is_404(cast, client_for):
    client = client_for(cast.office)
    assert client.get(reverse("reports:import", kwargs={"code": "NKXXXXXXXX"})).status_code == 404
    assert (
        client.get(reverse("reports:import_progress", kwargs={"code": "NKXXXXXXXX"})).status_code
        == 404
    )


def test_the_page_in_english(cast, client_for):
    job = _failed_job(cast)
    client = client_for(cast.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("reports:import", kwargs={"code": job.code})).content.decode()
    assert "Refused: nothing was imported" in page
    assert "The file has 2 problems." in page
