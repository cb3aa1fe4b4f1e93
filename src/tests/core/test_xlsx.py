"""The shared XLSX writer (`ocop.core.xlsx`): types, dates, formula injection, Vietnamese text,
the download's headers, and many rows."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from django.test import RequestFactory
from django.utils import translation

from ocop.core.xlsx import (
    XLSX_CONTENT_TYPE,
    Column,
    Sheet,
    ascii_filename,
    attachment_header,
    wants_xlsx,
    workbook_response,
    write_workbook,
    write_xlsx,
    xlsx_response,
    yes_no,
)

UTC = dt.UTC


@dataclass
class Commune:
    name: str


@dataclass
class Row:
    code: str
    name: str
    commune: Commune | None
    workers: int | None
    score: Decimal | None
    day: dt.date | None
    at: dt.datetime | None
    status: str = "approved"

    def get_status_display(self) -> str:
        return {"approved": "đã duyệt"}.get(self.status, self.status)


COLUMNS = [
    Column("Mã", "code"),
    Column("Tên", "name", width=40),
    Column("Xã, phường", "commune.name"),
    Column("Trạng thái", "get_status_display"),
    Column("Lao động", "workers", kind="int"),
    Column("Điểm", "score", kind="decimal"),
    Column("Ngày", "day", kind="date"),
    Column("Lúc", "at", kind="datetime"),
    Column("Tên viết hoa", lambda row: row.name.upper()),
]


def _row(**overrides: Any) -> Row:
    fields: dict[str, Any] = {
        "code": "0012345",
        "name": "Hợp tác xã Gốm Bát Tràng",
        "commune": Commune("Xã Bát Tràng"),
        "workers": 1803,
        "score": Decimal("78.50"),
        "day": dt.date(2019, 12, 31),
        "at": dt.datetime(2019, 12, 31, 17, 30, tzinfo=UTC),
    }
    fields.update(overrides)
    return Row(**fields)


def _sheet(content: bytes, index: int = 0) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[index]


def _values(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_the_header_row_is_bold_and_frozen_and_the_widths_are_set():
    sheet = _sheet(write_xlsx("Chủ thể", COLUMNS, []))
    assert sheet.title == "Chủ thể"
    assert _values(sheet) == [tuple(column.label for column in COLUMNS)]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 40
    assert sheet.column_dimensions["A"].width == 18


def test_values_keep_their_types():
    sheet = _sheet(write_xlsx("Chủ thể", COLUMNS, [_row()]))
    code, name, commune, status, workers, score, day, _at, upper = next(sheet.iter_rows(min_row=2))
    assert (code.value, code.data_type) == ("0012345", "s")  # a code stays text: "0012345"
    assert name.value == "Hợp tác xã Gốm Bát Tràng"
    assert commune.value == "Xã Bát Tràng"
    assert status.value == "đã duyệt"
    assert (workers.value, workers.data_type, workers.number_format) == (1803, "n", "#,##0")
    assert (score.value, score.data_type, score.number_format) == (78.5, "n", "#,##0.00")
    assert day.value == dt.datetime.combine(dt.date(2019, 12, 31), dt.time())
    assert (day.is_date, day.number_format) == (True, "dd/mm/yyyy")
    assert upper.value == "HỢP TÁC XÃ GỐM BÁT TRÀNG"


def test_date_times_are_local_to_ho_chi_minh_city_and_naive():
    sheet = _sheet(write_xlsx("T", COLUMNS, [_row()]))
    at = sheet.cell(row=2, column=8)
    # 17:30 UTC on 31/12/2019 is 00:30 on 01/01/2020 in Asia/Ho_Chi_Minh (UTC+7).
    assert at.value == dt.datetime.combine(dt.date(2020, 1, 1), dt.time(0, 30))
    assert at.is_date
    assert at.number_format == "dd/mm/yyyy hh:mm"


def test_a_date_time_in_a_date_column_is_its_local_day():
    columns = [Column("Ngày", "at", kind="date")]
    sheet = _sheet(write_xlsx("T", columns, [_row()]))
    assert sheet.cell(row=2, column=1).value == dt.datetime.combine(dt.date(2020, 1, 1), dt.time())


def test_empty_values_are_empty_cells_and_a_missing_relation_is_empty_too():
    row = _row(commune=None, workers=None, score=None, day=None, at=None, name="")
    sheet = _sheet(write_xlsx("T", COLUMNS, [row]))
    assert _values(sheet)[1][1:8] == (None, None, "đã duyệt", None, None, None, None)


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","Bấm")',
        "+84 912 345 678",
        "-2+3",
        "@SUM(A1:A2)",
        "\tcmd",
        "\r=1+1",
    ],
)
def test_a_text_that_looks_like_a_formula_is_written_as_text(text):
    content = write_xlsx("T", [Column("Ghi chú", "name")], [_row(name=text)])
    cell = _sheet(content).cell(row=2, column=1)
    assert cell.value.strip() == text.strip()  # (XML reads a carriage return as a line feed)
    assert cell.data_type == "s"
    assert cell.quotePrefix is True
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_an_ordinary_text_has_no_quote_prefix():
    cell = _sheet(write_xlsx("T", [Column("Tên", "name")], [_row()])).cell(row=2, column=1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (
        "Hợp tác xã Gốm Bát Tràng",
        "s",
        False,
    )


def test_vietnamese_text_is_stored_nfc_and_control_characters_are_dropped():
    decomposed = "Ha\u0300 No\u0323\u0302i\x07"  # "Hà Nội" typed with combining marks, a bell
    cell = _sheet(write_xlsx("T", [Column("Tên", "name")], [_row(name=decomposed)])).cell(2, 1)
    assert cell.value == "Hà Nội"


def test_the_headings_follow_the_active_language():
    from django.utils.translation import gettext_lazy

    columns = [Column(gettext_lazy("Name"), "name"), Column(gettext_lazy("Status"), "status")]
    with translation.override("en"):
        english = _values(_sheet(write_xlsx(gettext_lazy("Products"), columns, [])))[0]
    assert english == ("Name", "Status")


def test_sheet_titles_are_made_valid_and_unique():
    content = write_workbook(
        [
            Sheet("Thống kê: theo sản phẩm / lô [2026]?", [Column("A", "code")], []),
            Sheet("Thống kê: theo sản phẩm / lô [2026]?", [Column("A", "code")], []),
            Sheet("", [Column("A", "code")], []),
        ]
    )
    titles = openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    assert len(titles) == 3
    assert all(len(title) <= 31 for title in titles)
    assert not any(ch in title for title in titles for ch in "[]:*?/\\")
    assert len({title.lower() for title in titles}) == 3
    assert titles[2] == "Sheet"


def test_a_workbook_of_several_sheets_keeps_each_rows():
    content = write_workbook(
        [
            Sheet("Sản phẩm", [Column("Tên", "name")], [{"name": "Trà sen"}]),
            Sheet("Lô", [Column("Số lô", "lot")], [{"lot": "L1"}, {"lot": "L2"}]),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Sản phẩm", "Lô"]
    assert _values(book["Lô"]) == [("Số lô",), ("L1",), ("L2",)]


def test_write_to_a_file_object():
    buffer = io.BytesIO()
    assert write_xlsx("T", COLUMNS, [_row()], buffer) is None
    assert _values(_sheet(buffer.getvalue()))[1][0] == "0012345"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Column("X", "code", kind="money")


def test_ten_thousand_rows_stream_through():
    rows = ({"n": number, "name": f"Sản phẩm {number}"} for number in range(10_000))
    columns = [Column("Số", "n", kind="int"), Column("Tên", "name")]
    sheet = _sheet(write_xlsx("T", columns, rows))
    assert sheet.max_row == 10_001
    assert (sheet.cell(10_001, 1).value, sheet.cell(10_001, 2).value) == (9999, "Sản phẩm 9999")


def test_the_response_is_an_attachment_with_an_ascii_name_and_the_vietnamese_one():
    response = xlsx_response("Sản phẩm OCOP đã đánh giá", "Sản phẩm", COLUMNS, [_row()])
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="San-pham-OCOP-da-danh-gia.xlsx"; ')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Sản phẩm OCOP đã đánh giá.xlsx"
    assert disposition.isascii()
    assert _values(_sheet(response.content))[1][0] == "0012345"


def test_a_filename_cannot_break_the_header():
    header = attachment_header('a"b\r\nc/d\\e.xlsx')
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="a-b-c-d-e.xlsx"')


def test_ascii_filename_keeps_letters_and_drops_marks():
    assert ascii_filename("Đợt đánh giá 2019.xlsx") == "Dot-danh-gia-2019.xlsx"
    assert ascii_filename("ỗ.xlsx") == "o.xlsx"
    assert ascii_filename("…") == "export.xlsx"


def test_workbook_response_names_the_file_with_xlsx_once():
    response = workbook_response("bao-cao.xlsx", [Sheet("A", [Column("A", "code")], [])])
    assert 'filename="bao-cao.xlsx"' in response["Content-Disposition"]


def test_wants_xlsx_reads_the_format_parameter():
    factory = RequestFactory()
    assert wants_xlsx(factory.get("/", {"format": "xlsx", "q": "trà"}))
    assert not wants_xlsx(factory.get("/", {"format": "csv"}))
    assert not wants_xlsx(factory.get("/"))


def test_yes_no_in_the_active_language():
    with translation.override("en"):
        assert (yes_no(True), yes_no(0)) == ("yes", "no")
