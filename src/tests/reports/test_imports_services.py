"""Spreadsheet imports, the service: a good file imports exactly what it holds (records and
audit rows); every kind of bad input imports nothing and lists every problem with its row and
column."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from stdnum import ean

from ocop.core.models import ActivityLog, StoredFile
from ocop.core.services.uploads import private_storage
from ocop.producers.enums import ProducerKind, ProducerStatus, Sex
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.reports.enums import ImportKind, ImportStatus
from ocop.reports.imports import spec_for
from ocop.reports.imports.cells import Row
from ocop.reports.models import ImportJob
from ocop.reports.services.imports import (
    Progress,
    RowRefused,
    change_import_status,
    check_file,
    import_progress,
    progress_key,
    run_import_job,
    start_import,
    write_rows,
)
from tests.factories.geo import OldCommuneFactory
from tests.factories.producers import ProducerFactory, valid_mst
from tests.factories.products import ProductFactory
from tests.reports.import_files import (
    problems_at,
    producer_row,
    product_row,
    run_import,
    workbook_bytes,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Producer.objects.count(), Product.objects.count(), ActivityLog.objects.count()


# --- a good producers file ----------------------------------------------------------------------


def test_a_good_producers_file_imports_exactly_its_rows(cast):
    rows = [
        producer_row(cast.commune_a, 1),
        producer_row(
            cast.commune_b,
            2,
            kind="Doanh nghiệp",
            tax_code="",
            registration_date=dt.datetime(2018, 4, 2),  # noqa: DTZ001 (a date cell)
            founded_on="",
            phone=912000111,  # a number cell: the leading 0 is put back
            email="",
            representative_name="Lò Văn Pâng",
            representative_sex="Nam",
            representative_ethnicity="thai",
            workforce_total="1.234",
            workforce_local=1000,
        ),
        producer_row(cast.commune_a, 3, kind="household", tax_code=int(valid_mst(7003))),
    ]
    before = Producer.objects.count()
    job = run_import(cast.office, ImportKind.PRODUCERS, workbook_bytes("producers", rows))

    assert job.status == ImportStatus.DONE, job.errors
    assert job.errors == []
    assert (job.total_rows, job.processed_rows) == (3, 3)
    assert job.created["count"] == 3
    assert Producer.objects.count() == before + 3
    made = {p.code: p for p in Producer.objects.filter(code__in=job.created["codes"])}
    first, second, third = (made[code] for code in job.created["codes"])
    assert (first.name, first.kind, first.tax_code, first.commune) == (
        "Hợp tác xã Nông nghiệp Thử 1",
        ProducerKind.COOPERATIVE,
        valid_mst(7001),
        cast.commune_a,
    )
    assert (first.registration_date, first.founded_on) == (
        dt.date(2015, 5, 12),
        dt.date(2015, 3, 1),
    )
    assert (first.workforce_total, first.workforce_local, first.status) == (
        25,
        20,
        ProducerStatus.APPROVED,
    )
    assert (second.kind, second.tax_code, second.registration_date, second.founded_on) == (
        ProducerKind.ENTERPRISE,
        "",
        dt.date(2018, 4, 2),
        None,
    )
    assert (second.phone, second.representative_sex, second.representative_ethnicity) == (
        "0912000111",
        Sex.MALE,
        "Thái",
    )
    assert (second.workforce_total, second.workforce_local) == (1234, 1000)
    assert (third.kind, third.tax_code) == (ProducerKind.HOUSEHOLD, valid_mst(7003))
    # The audit: each producer by the office, and the job's own life.
    created_logs = ActivityLog.objects.filter(action="producers.producer.create")
    assert set(created_logs.values_list("object_repr", flat=True)) >= {
        p.name for p in made.values()
    }
    assert created_logs.filter(actor=cast.office).count() == 3
    job_actions = list(
        ActivityLog.objects.filter(action__startswith="reports.import.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert job_actions == ["reports.import.create", "reports.import.start", "reports.import.import"]


def test_decomposed_unicode_and_emoji_are_stored_in_nfc(cast):
    decomposed = unicodedata.normalize("NFD", "Hợp tác xã Trà Sen Tây Hồ")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    rows = [
        producer_row(
            cast.commune_a,
            1,
            name=f"{decomposed} 🌸",
            representative_name=unicodedata.normalize("NFD", "Đỗ Thị Ánh"),
            address=unicodedata.normalize("NFD", "Xóm Chùa"),
        )
    ]
    job = run_import(cast.office, ImportKind.PRODUCERS, workbook_bytes("producers", rows))
    assert job.status == ImportStatus.DONE, job.errors
    producer = Producer.objects.get(code=job.created["codes"][0])
    assert producer.name == "Hợp tác xã Trà Sen Tây Hồ 🌸"
    assert unicodedata.is_normalized("NFC", producer.name)
    assert producer.representative_name == "Đỗ Thị Ánh"
    assert producer.address == "Xóm Chùa"
    assert producer.name_folded == "hop tac xa tra sen tay ho 🌸"


# --- a good products file -----------------------------------------------------------------------


def test_a_good_products_file_imports_exactly_its_rows(cast, qd26):
    cast.prod2.tax_code = valid_mst(901)
    cast.prod2.save(update_fields=["tax_code"])
    rows = [
        product_row(
            cast.prod1,
            1,
            classification="I.3.b",
            gtin="8936061000012",
            producer_sku="GN-01",
            description="Dòng 1\nDòng 2",
        ),
        product_row(cast.prod2, 2, producer=valid_mst(901), classification="qd26-2026:I.3.d"),
        product_row(cast.prod2, 3, producer=cast.prod2.code.lower(), gtin=8936061000029),
    ]
    before = Product.objects.count()
    job = run_import(cast.office, ImportKind.PRODUCTS, workbook_bytes("products", rows))

    assert job.status == ImportStatus.DONE, job.errors
    assert Product.objects.count() == before + 3
    made = [
        Product.objects.select_related("classification").get(code=c) for c in job.created["codes"]
    ]
    assert [(p.producer_id, p.name) for p in made] == [
        (cast.prod1.pk, "Gạo nếp cái hoa vàng 1"),
        (cast.prod2.pk, "Gạo nếp cái hoa vàng 2"),
        (cast.prod2.pk, "Gạo nếp cái hoa vàng 3"),
    ]
    assert (made[0].classification.code, made[0].gtin, made[0].producer_sku) == (
        "I.3.b",
        "8936061000012",
        "GN-01",
    )
    assert made[0].description == "Dòng 1\nDòng 2"
    assert made[1].classification.code == "I.3.d"
    assert (made[2].classification, made[2].gtin) == (None, "8936061000029")
    logs = ActivityLog.objects.filter(action="products.product.create", actor=cast.office)
    assert logs.count() == 3


# --- bad input: nothing is imported, every problem is listed ----------------------------------


def _refused(cast, kind: str, content: bytes) -> ImportJob:
    before = (Producer.objects.count(), Product.objects.count())
    job = run_import(cast.office, kind, content)
    assert job.status == ImportStatus.FAILED
    assert (Producer.objects.count(), Product.objects.count()) == before
    assert job.created == {}
    assert (
        ActivityLog.objects.filter(
            action__in=["producers.producer.create", "products.product.create"]
        ).count()
        == 0
    )
    return job


def test_wrong_missing_unknown_and_duplicated_columns_are_each_named(cast):
    header = [
        "Loại hình",
        "Tên chủ thể",
        "MÃ  SỐ THUẾ",  # case and spacing do not matter
        "Số đăng ký kinh doanh",
        "Ngày đăng ký kinh doanh",
        "Ngày thành lập",
        "Địa chỉ",
        "Mã huyện",  # unknown
        "Điện thoại",
        "Thư điện tử",
        "Người đại diện",
        "Giới tính người đại diện",
        "Dân tộc người đại diện",
        "Tổng số lao động",
        "Tên chủ thể",  # twice
    ]
    content = workbook_bytes("producers", [["Hợp tác xã", "A"]], header=header)
    job = _refused(cast, ImportKind.PRODUCERS, content)
    assert problems_at(job) == {
        (1, "H", "unknown_column"),
        (1, "O", "duplicate_column"),
        (1, "H", "missing_column"),  # "Mã xã", column H of the template
        (1, "O", "missing_column"),  # "Lao động địa phương", column O of the template
    }
    assert {item["field"] for item in job.errors if item["code"] == "missing_column"} == {
        "commune",
        "workforce_local",
    }


def test_the_products_template_is_not_a_producers_file(cast):
    content = workbook_bytes("products", [product_row(cast.prod1)])
    job = _refused(cast, ImportKind.PRODUCERS, content)
    assert {code for _row, _column, code in problems_at(job)} == {
        "unknown_column",
        "missing_column",
    }
    assert len([i for i in job.errors if i["code"] == "missing_column"]) == 15


def test_wrong_types_impossible_dates_and_negative_numbers(cast):
    rows = [
        producer_row(cast.commune_a, 1, registration_date="31/02/2020"),  # row 2, E
        producer_row(cast.commune_a, 2, founded_on=43000),  # a number, not a date: row 3, F
        producer_row(cast.commune_a, 3, workforce_total="nhiều"),  # row 4, N
        producer_row(cast.commune_a, 4, workforce_local=-3),  # row 5, O
        producer_row(cast.commune_a, 5, name=True),  # row 6, B
        producer_row(cast.commune_a, 6, workforce_total=12.5),  # row 7, N
        producer_row(cast.commune_a, 7, kind="Công ty mẹ"),  # row 8, A
        producer_row(
            cast.commune_a,
            8,
            registration_date=dt.datetime(2020, 1, 2, 10, 30),  # noqa: DTZ001
        ),
        producer_row(cast.commune_a, 9, founded_on="2030-01-01"),  # in the future: row 10, F
        producer_row(cast.commune_a, 10, workforce_total=3, workforce_local=5),  # row 11, O
    ]
    job = _refused(cast, ImportKind.PRODUCERS, workbook_bytes("producers", rows))
    assert problems_at(job) == {
        (2, "E", "invalid_date"),
        (3, "F", "invalid_date"),
        (4, "N", "type"),
        (5, "O", "negative"),
        (6, "B", "type"),
        (7, "N", "type"),
        (8, "A", "choice"),
        (9, "E", "invalid_date"),
        (10, "F", "future_date"),
        (11, "O", "local_gt_total"),
    }
    assert "31/02/2020" in next(i["message"] for i in job.errors if i["row"] == 2)
    assert all(item["message"] for item in job.errors)


def test_unknown_and_ended_communes(cast):
    ended = OldCommuneFactory(code="09999")
    rows = [
        producer_row(cast.commune_a, 1, commune="77777"),
        producer_row(cast.commune_a, 2, commune=ended.code),
        producer_row(cast.commune_a, 3, commune=int(cast.commune_b.code)),  # a number: fine
        producer_row(cast.commune_a, 4, commune=""),
    ]
    job = _refused(cast, ImportKind.PRODUCERS, workbook_bytes("producers", rows))
    assert problems_at(job) == {
        (2, "H", "unknown_commune"),
        (3, "H", "ended_commune"),
        (5, "H", "required"),
    }
    message = next(i["message"] for i in job.errors if i["row"] == 2)
    assert "77777" in message and "/dia-ban/" in message
    assert "30/06/2025" in next(i["message"] for i in job.errors if i["row"] == 3)


def test_duplicate_tax_codes_in_the_file_and_against_the_registry(cast):
    ProducerFactory(tax_code=valid_mst(8001), commune=cast.commune_a)
    rows = [
        producer_row(cast.commune_a, 1, tax_code=valid_mst(8001)),  # in the registry
        producer_row(cast.commune_a, 2, tax_code=valid_mst(8002)),
        producer_row(cast.commune_a, 3, tax_code=valid_mst(8002)[:3] + " " + valid_mst(8002)[3:]),
        producer_row(cast.commune_a, 4, tax_code="0100233489"),  # wrong check digit
        producer_row(cast.commune_a, 5, tax_code="12-34"),
    ]
    job = _refused(cast, ImportKind.PRODUCERS, workbook_bytes("producers", rows))
    assert problems_at(job) == {
        (2, "C", "duplicate"),
        (4, "C", "duplicate_in_file"),
        (5, "C", "mst_checksum"),
        (6, "C", "mst_format"),
    }
    assert "3" in next(i["message"] for i in job.errors if i["row"] == 4)  # "also in row 3"


def test_broken_rows_formulas_errors_stray_cells_and_missing_values(cast):
    rows = [
        producer_row(cast.commune_a, 1, workforce_total="=SUM(1,2)"),  # a formula: row 2, N
        producer_row(cast.commune_a, 2),  # its name is a #REF! error: row 3, B
        producer_row(cast.commune_a, 3),  # a value right of the last column: row 4, Q
        ["Hợp tác xã", "Chỉ có tên"],  # a short row: row 5 misses its required cells
        producer_row(cast.commune_a, 5, representative_name="   "),  # blank: row 6, K
    ]
    content = workbook_bytes("producers", rows, cells={"Q4": "ghi chú"}, error_cells=["B3"])
    job = _refused(cast, ImportKind.PRODUCERS, content)
    assert problems_at(job) == {
        (2, "N", "formula"),
        (3, "B", "cell_error"),
        (4, "Q", "no_heading"),
        (5, "G", "required"),
        (5, "H", "required"),
        (5, "K", "required"),
        (5, "L", "required"),
        (6, "K", "required"),
    }


def test_long_texts_and_control_characters(cast):
    rows = [
        producer_row(cast.commune_a, 1, name="A" * 10_000),
        producer_row(cast.commune_a, 2, address="Thôn\x7fĐông"),  # DEL
        producer_row(cast.commune_a, 3, name="Hợp tác xã\u202eđảo"),  # a bidirectional override
        producer_row(cast.commune_a, 4, representative_name="Nguyễn\nHoa"),  # a line break
        producer_row(cast.commune_a, 5, registration_number="01\t07"),  # a tab
        producer_row(cast.commune_a, 6, email="a\x85b@example.vn"),  # a C1 control (NEL)
    ]
    job = _refused(cast, ImportKind.PRODUCERS, workbook_bytes("producers", rows))
    assert problems_at(job) == {
        (2, "B", "max_length"),
        (3, "G", "control_character"),
        (4, "B", "control_character"),
        (5, "K", "control_character"),
        (6, "D", "control_character"),
        (7, "J", "control_character"),
    }
    assert "10000" in next(i["message"] for i in job.errors if i["row"] == 2)


def test_every_problem_of_a_file_is_listed_not_only_the_first(cast):
    rows = [
        producer_row(cast.commune_a, n, commune="77777", workforce_total=-1) for n in range(1, 31)
    ]
    job = _refused(cast, ImportKind.PRODUCERS, workbook_bytes("producers", rows))
    assert len(job.errors) == 60
    assert [item["row"] for item in job.errors][:4] == [2, 2, 3, 3]  # by row, then column


def test_a_file_with_headings_only_or_an_empty_sheet_is_refused(cast):
    job = _refused(cast, ImportKind.PRODUCERS, workbook_bytes("producers", []))
    assert problems_at(job) == {(None, "", "no_rows")}
    job = _refused(cast, ImportKind.PRODUCERS, workbook_bytes("producers", [], header=[]))
    assert problems_at(job) == {(1, "", "no_headings")}


def test_more_rows_than_the_limit_is_refused_as_a_whole(cast, settings):
    settings.OCOP_IMPORT_MAX_ROWS = 3
    rows = [producer_row(cast.commune_a, n) for n in range(1, 5)]
    job = _refused(cast, ImportKind.PRODUCERS, workbook_bytes("producers", rows))
    assert problems_at(job) == {(None, "", "too_many_rows")}


def test_products_bad_rows(cast, qd26):
    taken = ProductFactory(producer=cast.prod1, gtin="8936061000012", producer_sku="A1")
    rows = [
        product_row(cast.prod1, 1, producer="CTZZZZZZ"),  # unknown code: row 2, A
        product_row(cast.prod1, 2, producer="0100233489"),  # a wrong tax code: row 3, A
        product_row(cast.prod1, 3, gtin="8936061000013"),  # check digit: row 4, E
        product_row(cast.prod1, 4, gtin="08936061000012"),  # the same GTIN as taken: row 5, E
        product_row(cast.prod1, 5, gtin="8936061000029"),
        product_row(cast.prod2, 6, gtin="8936061000029"),  # twice in the file: row 7, E
        product_row(cast.prod1, 7, classification="IX.9"),  # unknown: row 8, D
        product_row(cast.prod1, 8, classification="I"),  # a category, not a leaf: row 9, D
        product_row(cast.prod1, 9, producer_sku=taken.producer_sku),  # row 10, F
        product_row(cast.prod1, 10, producer_sku="B2"),
        product_row(cast.prod1, 11, producer_sku="B2"),  # row 12, F
        product_row(cast.prod2, 12, producer_sku="B2"),  # another producer: fine
        product_row(cast.prod1, 13, name=""),  # row 14, B
        product_row(cast.prod1, 14, description="x" * 6000),  # row 15, C
    ]
    job = _refused(cast, ImportKind.PRODUCTS, workbook_bytes("products", rows))
    assert problems_at(job) == {
        (2, "A", "unknown_producer"),
        (3, "A", "unknown_producer"),
        (4, "E", "gtin_check_digit"),
        (5, "E", "duplicate"),
        (7, "E", "duplicate_in_file"),
        (8, "D", "unknown_classification"),
        (9, "D", "unknown_classification"),
        (10, "F", "duplicate"),
        (12, "F", "duplicate_in_file"),
        (14, "B", "required"),
        (15, "C", "max_length"),
    }


# --- the file itself: refused at the upload, nothing stored --------------------------------------


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        ("Loại hình,Tên chủ thể\nHợp tác xã,A\n".encode(), "not_xlsx"),  # a CSV renamed .xlsx
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "xls"),  # Excel 97-2003
        (b"PK\x03\x04 not really a zip archive", "damaged"),
        (_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<T/>"}), "not_xlsx"),
        (
            _zip(
                {
                    "[Content_Types].xml": b"<T/>",
                    "xl/workbook.xml": b"<w/>",
                    "xl/x.xml": b"0" * 30_000_000,
                }
            ),
            "zip_bomb",
        ),
    ],
    ids=["empty", "csv", "xls", "damaged", "docx", "zip-bomb"],
)
def test_files_that_are_not_workbooks_are_refused_at_the_upload(cast, content, code):
    files_before = StoredFile.objects.count()
    with pytest.raises(ValidationError) as caught:
        start_import(actor=cast.office, kind=ImportKind.PRODUCERS, upload=xlsx_upload(content))
    assert [error.code for error in caught.value.error_dict["file"]] == [code]
    assert ImportJob.objects.count() == 0
    assert StoredFile.objects.count() == files_before


def test_a_file_larger_than_the_limit_is_refused(cast, settings):
    settings.OCOP_IMPORT_MAX_BYTES = 4096
    content = workbook_bytes("producers", [producer_row(cast.commune_a, n) for n in range(40)])
    assert len(content) > 4096
    with pytest.raises(ValidationError) as caught:
        start_import(actor=cast.office, kind=ImportKind.PRODUCERS, upload=xlsx_upload(content))
    assert caught.value.error_dict["file"][0].code == "too_large"
    assert ImportJob.objects.count() == 0


def test_a_damaged_sheet_inside_a_real_archive_is_a_problem_of_the_file(cast):
    good = workbook_bytes("producers", [producer_row(cast.commune_a)])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1'"
    job = _refused(cast, ImportKind.PRODUCERS, _zip(members))
    assert problems_at(job) == {(None, "", "damaged")}


def test_only_the_office_may_start_an_import_and_results_are_refused(cast):
    content = workbook_bytes("producers", [producer_row(cast.commune_a)])
    for user in (cast.commune, cast.producer1, cast.buyer, cast.member, cast.approver):
        with pytest.raises(PermissionDenied):
            start_import(actor=user, kind=ImportKind.PRODUCERS, upload=xlsx_upload(content))
    with pytest.raises(ValidationError) as caught:
        start_import(actor=cast.admin, kind=ImportKind.RESULTS, upload=xlsx_upload(content))
    assert "kind" in caught.value.error_dict
    assert ImportJob.objects.count() == 0


# --- writing: one transaction, a refused row undoes every row -----------------------------------


def test_a_service_refusing_row_n_rolls_back_every_row_and_names_it(cast):
    spec = spec_for(ImportKind.PRODUCERS)
    data = {
        "kind": ProducerKind.COOPERATIVE,
        "name": "Hợp tác xã A",
        "tax_code": valid_mst(8101),
        "address": "Thôn A",
        "commune": cast.commune_a,
        "representative_name": "Nguyễn Thị Hoa",
        "representative_sex": Sex.FEMALE,
        "representative_ethnicity": "Kinh",
    }
    rows = [
        Row(number=2, extra={"data": data}),
        Row(number=3, extra={"data": {**data, "name": "Hợp tác xã B"}}),  # the same tax code
    ]
    before = _counts()
    with pytest.raises(RowRefused) as caught:
        write_rows(
            actor=cast.office, spec=spec, rows=rows, letters={"tax_code": "C"}, progress=Progress()
        )
    assert _counts() == before
    assert [(i["row"], i["column"], i["field"]) for i in caught.value.problems] == [
        (3, "C", "tax_code")
    ]


# --- the job: status, progress --------------------------------------------------------------------


def test_the_status_moves_only_through_its_table(cast):
    job = start_import(
        actor=cast.office,
        kind=ImportKind.PRODUCERS,
        upload=xlsx_upload(workbook_bytes("producers", [producer_row(cast.commune_a)])),
        queue=False,
    )
    assert job.status == ImportStatus.QUEUED
    with pytest.raises(ValidationError):
        change_import_status(actor=cast.office, job=job, to=ImportStatus.DONE)
    change_import_status(actor=cast.office, job=job, to=ImportStatus.RUNNING)
    change_import_status(actor=cast.office, job=job, to=ImportStatus.FAILED, errors=[])
    with pytest.raises(ValidationError):
        change_import_status(actor=cast.office, job=job, to=ImportStatus.RUNNING)
    job.refresh_from_db()
    assert (job.status, job.started_at is not None, job.finished_at is not None) == (
        ImportStatus.FAILED,
        True,
        True,
    )
    log = ActivityLog.objects.filter(action="reports.import.refuse").get()
    assert (log.data["old"], log.data["new"]) == ({"status": "running"}, {"status": "failed"})


def test_a_job_runs_once(cast):
    job = run_import(
        cast.office,
        ImportKind.PRODUCERS,
        workbook_bytes("producers", [producer_row(cast.commune_a)]),
    )
    count = Producer.objects.count()
    again = run_import_job(job.code)
    assert again.status == ImportStatus.DONE
    assert Producer.objects.count() == count


def test_progress_is_published_in_the_cache_while_the_rows_are_written(cast, monkeypatch):
    monkeypatch.setattr("ocop.reports.services.imports.PUBLISH_EVERY", 1)
    rows = [producer_row(cast.commune_a, n) for n in range(1, 6)]
    job = start_import(
        actor=cast.office,
        kind=ImportKind.PRODUCERS,
        upload=xlsx_upload(workbook_bytes("producers", rows)),
        queue=False,
    )
    assert import_progress(job) | {"code": ""} == {
        "code": "",
        "status": "queued",
        "phase": "queued",
        "processed": 0,
        "total": 0,
        "percent": 0,
        "errors": 0,
    }
    seen: list[dict] = []

    def listener(state: dict) -> None:
        # What the job page reads at this moment, from the cache (the row is not committed).
        seen.append(import_progress(ImportJob.objects.get(pk=job.pk)) | {"in": state["phase"]})

    done = run_import_job(job.code, listener=listener)
    assert done.status == ImportStatus.DONE
    writing = [state for state in seen if state["in"] == "writing"]
    assert [state["processed"] for state in writing] == [0, 1, 2, 3, 4, 5]
    assert all(state["status"] == "running" and state["total"] == 5 for state in writing)
    percents = [state["percent"] for state in seen if state["status"] == "running"]
    assert percents == sorted(percents)
    assert percents[-1] == 100
    assert {state["in"] for state in seen} >= {"reading", "checking", "writing", "finished"}
    assert import_progress(done) == {
        "code": done.code,
        "status": "done",
        "phase": "finished",
        "processed": 5,
        "total": 5,
        "percent": 100,
        "errors": 0,
    }


def test_progress_falls_back_to_the_job_row_without_the_cache(cast):
    job = start_import(
        actor=cast.office,
        kind=ImportKind.PRODUCERS,
        upload=xlsx_upload(workbook_bytes("producers", [producer_row(cast.commune_a)])),
        queue=False,
    )
    change_import_status(actor=cast.office, job=job, to=ImportStatus.RUNNING)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=10, processed_rows=4)
    # This process's cache still says "queued" (the worker, in another process, has its own).
    assert cache.get(progress_key(job.code))["status"] == "queued"
    state = import_progress(ImportJob.objects.get(pk=job.pk))
    assert (state["status"], state["phase"], state["processed"]) == ("running", "checking", 4)
    cache.delete(progress_key(job.code))
    state = import_progress(ImportJob.objects.get(pk=job.pk))
    assert (state["status"], state["phase"], state["processed"], state["total"]) == (
        "running",
        "checking",
        4,
        10,
    )
    assert state["percent"] == 26  # checking fills 10 % to 50 % of the bar
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=10)
    state = import_progress(ImportJob.objects.get(pk=job.pk))
    assert (state["phase"], state["percent"]) == ("writing", 50)


def test_the_job_row_follows_the_checking_for_pages_without_the_shared_cache(cast, monkeypatch):
    monkeypatch.setattr("ocop.reports.services.imports.PUBLISH_EVERY", 1)
    monkeypatch.setattr("ocop.reports.services.imports.SAVE_EVERY", 2)
    rows = [producer_row(cast.commune_a, n) for n in range(1, 6)]
    job = start_import(
        actor=cast.office,
        kind=ImportKind.PRODUCERS,
        upload=xlsx_upload(workbook_bytes("producers", rows)),
        queue=False,
    )
    stored: list[tuple[int, int]] = []

    def listener(state: dict) -> None:
        if state["phase"] == "checking":
            row = ImportJob.objects.values_list("processed_rows", "total_rows").get(pk=job.pk)
            stored.append(row)

    run_import_job(job.code, listener=listener)
    assert stored == [(0, 0), (0, 0), (2, 5), (2, 5), (4, 5), (4, 5)]


def test_an_unexpected_error_fails_the_job_and_writes_nothing(cast):
    job = start_import(
        actor=cast.office,
        kind=ImportKind.PRODUCERS,
        upload=xlsx_upload(workbook_bytes("producers", [producer_row(cast.commune_a)])),
        queue=False,
    )
    private_storage().delete(job.file.storage_name)  # the stored file is gone
    before = Producer.objects.count()
    with pytest.raises(FileNotFoundError):
        run_import_job(job.code)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert problems_at(job) == {(None, "", "crash")}
    assert Producer.objects.count() == before


def test_checking_queries_do_not_grow_with_the_rows(cast):
    """Lookups are made once per file (communes, producers), not once per row: the queries of
    the check phase grow by at most one per row (the registry's own duplicate check)."""
    spec = spec_for(ImportKind.PRODUCERS)

    def count(n: int) -> int:
        content = workbook_bytes("producers", [producer_row(cast.commune_a, i) for i in range(n)])
        with CaptureQueriesContext(connection) as queries:
            outcome = check_file(
                actor=cast.office, spec=spec, file=io.BytesIO(content), progress=Progress()
            )
        assert outcome.problems == []
        return len(queries)

    assert count(30) - count(3) == 27


def test_checking_products_makes_the_same_queries_for_3_or_30_rows(cast, qd26):
    spec = spec_for(ImportKind.PRODUCTS)

    def count(n: int) -> int:
        rows = [
            product_row(
                cast.prod1 if i % 2 else cast.prod2,
                i,
                classification="I.3.b",
                gtin=f"893606100{i:03d}",
                producer_sku=f"S{i}",
            )
            for i in range(n)
        ]
        for row in rows:  # a valid GS1 check digit for each
            row["gtin"] += ean.calc_check_digit(row["gtin"])
        content = workbook_bytes("products", rows)
        with CaptureQueriesContext(connection) as queries:
            outcome = check_file(
                actor=cast.office, spec=spec, file=io.BytesIO(content), progress=Progress()
            )
        assert outcome.problems == []
        return len(queries)

    count(3)  # the importer's roles, read once and kept on the user
    assert count(30) == count(3)
