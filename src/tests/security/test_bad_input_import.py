"""The catalogue of bad input (issue #9, item 9) in the spreadsheet import (`ocop import-xlsx`
and the import page run the same service, `start_import`).

Each bad cell sits in a file whose other rows are good: the import is all or nothing, so the job
is refused, lists the problem with its row, its column letter and the Vietnamese message, and
writes no producer, no product and no activity row of theirs. Text typed in decomposed form is
accepted and stored in NFC; a formula is never evaluated (a formula cell is refused, a text cell
that merely starts with "=" is stored as the text it is, and exports keep it as text).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ocop.core.models import ActivityLog
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.reports.enums import ImportStatus
from tests.reports.import_files import (
    fields,
    producer_row,
    product_row,
    run_import,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """The import runs when it is queued (django-tasks' immediate backend), as in
    tests/reports/conftest.py."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


CONTROL = "The text holds an invisible control character (%(character)s): retype it without it."
FORMULA = "Formulas are not read: copy the column and paste it back as values."
NOT_A_DAY = "%(value)s is not a date of the calendar."
DATE_FORMAT = "Enter a date as day/month/year (dd/mm/yyyy), e.g. 25/03/2019, or a date cell."
NEGATIVE = "Enter a number that is 0 or more."
WHOLE = "Enter a whole number, such as 12."
TOO_LARGE = "This number is too large."
TOO_LONG = "At most %(limit)s characters; this cell has %(count)s."
FUTURE = "This date cannot be in the future."
LONG = "a" * 10_000


def vi(msgid: str, **params: Any) -> str:
    with translation.override("vi"):
        return gettext(msgid) % params if params else gettext(msgid)


def letter(kind: str, field: str) -> str:
    return get_column_letter(fields(kind).index(field) + 1)


def _written() -> tuple[int, int, int]:
    records = ActivityLog.objects.filter(action__regex=r"^(producers|products)\.")
    return Producer.objects.count(), Product.objects.count(), records.count()


# (id, field, cell value, code, message) for the producers file
PRODUCER_CASES: list[tuple[str, str, Any, str, str]] = [
    # XML cannot hold C0 controls: Excel writes them as _xHHHH_ escapes, which openpyxl leaves
    (
        "name-nul",
        "name",
        "Hợp tác xã_x0000_Sen",
        "control_character",
        vi(CONTROL, character="U+0000"),
    ),
    (
        "name-escape",
        "name",
        "Hợp tác xã_x001B_[31mSen",
        "control_character",
        vi(CONTROL, character="U+001B"),
    ),
    ("name-del", "name", "Hợp tác xã\x7fSen", "control_character", vi(CONTROL, character="U+007F")),
    (
        "name-c1-csi",
        "name",
        "Hợp tác xã\x9b31mSen",
        "control_character",
        vi(CONTROL, character="U+009B"),
    ),
    (
        "name-rtl-override",
        "name",
        "Hợp tác xã \u202enes",
        "control_character",
        vi(CONTROL, character="U+202E"),
    ),
    (
        "name-rtl-isolate",
        "name",
        "Hợp tác xã \u2066Sen",
        "control_character",
        vi(CONTROL, character="U+2066"),
    ),
    (
        "name-zero-width-space",
        "name",
        "Hợp tác\u200bxã",
        "control_character",
        vi(CONTROL, character="U+200B"),
    ),
    ("name-bom", "name", "\ufeffHợp tác xã", "control_character", vi(CONTROL, character="U+FEFF")),
    ("address-c1", "address", "Thôn\x85Đông", "control_character", vi(CONTROL, character="U+0085")),
    (
        "representative-escape",
        "representative_name",
        "Nguyễn_x001b_Hoa",
        "control_character",
        vi(CONTROL, character="U+001B"),
    ),
    ("name-10000-chars", "name", LONG, "max_length", vi(TOO_LONG, limit=255, count=10_000)),
    ("address-10000-chars", "address", LONG, "max_length", vi(TOO_LONG, limit=300, count=10_000)),
    ("name-formula", "name", "=1+1", "formula", vi(FORMULA)),
    (
        "name-hyperlink-formula",
        "name",
        '=HYPERLINK("http://x.example","bấm")',
        "formula",
        vi(FORMULA),
    ),
    ("workforce-formula", "workforce_total", "=SUM(1,2)", "formula", vi(FORMULA)),
    (
        "registration-31-02",
        "registration_date",
        "31/02/2015",
        "invalid_date",
        vi(NOT_A_DAY, value="31/02/2015"),
    ),
    (
        "founded-30-02-iso",
        "founded_on",
        "2015-02-30",
        "invalid_date",
        vi(NOT_A_DAY, value="2015-02-30"),
    ),
    ("founded-words", "founded_on", "hôm qua", "invalid_date", vi(DATE_FORMAT)),
    ("registration-number-cell", "registration_date", 20150512, "invalid_date", vi(DATE_FORMAT)),
    ("workforce-negative", "workforce_total", -5, "negative", vi(NEGATIVE)),
    ("workforce-negative-text", "workforce_local", "-1", "negative", vi(NEGATIVE)),
    ("workforce-abc", "workforce_total", "abc", "type", vi(WHOLE)),
    ("workforce-fraction", "workforce_local", 2.5, "type", vi(WHOLE)),
    ("workforce-huge", "workforce_total", 10**12, "too_large", vi(TOO_LARGE)),
]
# dates in the future: refused by the producer service, on the date's column
FUTURE_CASES = [
    ("registration-future", "registration_date", dt.datetime(2999, 1, 1)),  # noqa: DTZ001
    ("founded-future", "founded_on", "01/01/2999"),
]
PRODUCT_CASES: list[tuple[str, str, Any, str, str]] = [
    ("name-nul", "name", "Gạo_x0000_nếp", "control_character", vi(CONTROL, character="U+0000")),
    ("name-rtl", "name", "Gạo \u202epén", "control_character", vi(CONTROL, character="U+202E")),
    (
        "description-escape",
        "description",
        "Gạo_x001B_nếp",
        "control_character",
        vi(CONTROL, character="U+001B"),
    ),
    (
        "description-zwsp",
        "description",
        "Gạo\u200bnếp",
        "control_character",
        vi(CONTROL, character="U+200B"),
    ),
    ("name-10000-chars", "name", LONG, "max_length", vi(TOO_LONG, limit=255, count=10_000)),
    ("name-formula", "name", '=HYPERLINK("http://x.example")', "formula", vi(FORMULA)),
]


def _problems(job: Any) -> list[tuple[Any, str, str, str]]:
    return [(p["row"], p["column"], p["code"], p["message"]) for p in job.errors]


@pytest.mark.parametrize(
    ("case", "field", "value", "code", "message"),
    PRODUCER_CASES,
    ids=[c[0] for c in PRODUCER_CASES],
)
def test_a_bad_producer_cell_refuses_the_whole_file(cast, case, field, value, code, message):
    rows = [
        producer_row(cast.commune_a, 1),
        producer_row(cast.commune_a, 2, **{field: value}),
        producer_row(cast.commune_b, 3),
    ]
    before = _written()
    job = run_import(cast.office, "producers", workbook_bytes("producers", rows))
    assert job.status == ImportStatus.FAILED
    assert _problems(job) == [(3, letter("producers", field), code, message)]
    assert _written() == before


@pytest.mark.parametrize(("case", "field", "value"), FUTURE_CASES, ids=[c[0] for c in FUTURE_CASES])
def test_a_future_date_is_refused_on_its_column(cast, case, field, value):
    rows = [producer_row(cast.commune_a, 1), producer_row(cast.commune_a, 2, **{field: value})]
    before = _written()
    job = run_import(cast.office, "producers", workbook_bytes("producers", rows))
    assert job.status == ImportStatus.FAILED
    found = [(row, column, text) for row, column, _code, text in _problems(job)]
    assert found == [(3, letter("producers", field), vi(FUTURE))]
    assert _written() == before


@pytest.mark.parametrize(
    ("case", "field", "value", "code", "message"),
    PRODUCT_CASES,
    ids=[c[0] for c in PRODUCT_CASES],
)
def test_a_bad_product_cell_refuses_the_whole_file(cast, case, field, value, code, message):
    rows = [product_row(cast.prod1, 1), product_row(cast.prod1, 2, **{field: value})]
    before = _written()
    job = run_import(cast.office, "products", workbook_bytes("products", rows))
    assert job.status == ImportStatus.FAILED
    assert _problems(job) == [(3, letter("products", field), code, message)]
    assert _written() == before


NAME = "Hợp tác xã Trà Sen Tây Hồ"


@pytest.mark.parametrize(
    ("case", "value", "stored"),
    [
        ("nfd", unicodedata.normalize("NFD", NAME), NAME),
        ("mixed", "Hợp tác xã " + unicodedata.normalize("NFD", "Trà Sen Tây Hồ"), NAME),
        ("emoji", "Hợp tác xã Trà Sen 🍵", "Hợp tác xã Trà Sen 🍵"),
        ("surrounding-spaces", f"  {NAME}  ", NAME),
    ],
)
def test_names_people_type_are_imported_in_nfc(cast, case, value, stored):
    rows = [producer_row(cast.commune_a, 1, name=value)]
    job = run_import(cast.office, "producers", workbook_bytes("producers", rows))
    assert job.status == ImportStatus.DONE, job.errors
    producer = Producer.objects.get(tax_code=rows[0]["tax_code"])
    assert producer.name == stored
    assert unicodedata.is_normalized("NFC", producer.name)


def test_a_text_cell_that_starts_with_equals_is_stored_as_text_never_evaluated(cast):
    """A cell typed as text ('=1+1 with Excel's apostrophe) is not a formula: it is stored as
    the characters it holds."""
    rows = [product_row(cast.prod1, 1, description="placeholder")]
    workbook = load_workbook(io.BytesIO(workbook_bytes("products", rows)))
    cell = workbook.active[f"{letter('products', 'description')}2"]
    cell.value = "=1+1"
    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(cast.office, "products", buffer.getvalue())
    assert job.status == ImportStatus.DONE, job.errors
    assert Product.objects.get(name=rows[0]["name"]).description == "=1+1"


def test_every_bad_row_of_a_file_is_listed_and_nothing_is_written(cast):
    rows = [
        producer_row(cast.commune_a, n, **{field: value})
        for n, (_case, field, value, _code, _message) in enumerate(PRODUCER_CASES, 1)
    ]
    before = _written()
    job = run_import(cast.office, "producers", workbook_bytes("producers", rows))
    assert job.status == ImportStatus.FAILED
    listed = {(row, column, code) for row, column, code, _message in _problems(job)}
    expected = {
        (n + 1, letter("producers", field), code)
        for n, (_case, field, _value, code, _message) in enumerate(PRODUCER_CASES, 1)
    }
    assert expected <= listed
    assert _written() == before
