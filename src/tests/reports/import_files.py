"""Spreadsheets for the import tests, made with openpyxl as an office's Excel would save them."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.reports.imports import spec_for
from ocop.reports.models import ImportJob
from ocop.reports.services.imports import start_import
from tests.factories.producers import valid_mst


def headings(kind: str) -> list[str]:
    spec = spec_for(kind)
    assert spec is not None
    return [column.heading for column in spec.columns]


def fields(kind: str) -> list[str]:
    spec = spec_for(kind)
    assert spec is not None
    return [column.field for column in spec.columns]


def workbook_bytes(
    kind: str,
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    *,
    header: Sequence[Any] | None = None,
    sheet_title: str | None = None,
    cells: Mapping[str, Any] | None = None,
    error_cells: Sequence[str] = (),
) -> bytes:
    """An XLSX whose first sheet has `header` (the template's headings by default) and then
    `rows`: a mapping field → value is placed under the template's columns, a sequence as is.
    `cells` sets single cells ("P2": "x"); `error_cells` become spreadsheet errors (#REF!)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    spec = spec_for(kind)
    assert spec is not None
    sheet.title = sheet_title or spec.sheet_title
    sheet.append(list(header if header is not None else headings(kind)))
    names = fields(kind)
    for row in rows:
        if isinstance(row, Mapping):
            sheet.append([row.get(name) for name in names])
        else:
            sheet.append(list(row))
    for reference, value in (cells or {}).items():
        sheet[reference] = value
    for reference in error_cells:
        sheet[reference] = "#REF!"
        sheet[reference].data_type = "e"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(content: bytes, name: str = "danh-sach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def run_import(actor: Any, kind: str, content: bytes, name: str = "danh-sach.xlsx") -> ImportJob:
    """Upload and run an import (the tests' tasks run at once); the job as stored."""
    job = start_import(actor=actor, kind=kind, upload=xlsx_upload(content, name))
    job.refresh_from_db()
    return job


def producer_row(unit: Any, n: int = 1, **overrides: Any) -> dict[str, Any]:
    """A good producer row (the commune as the file gives it: its official code)."""
    row: dict[str, Any] = {
        "kind": "Hợp tác xã",
        "name": f"Hợp tác xã Nông nghiệp Thử {n}",
        "tax_code": valid_mst(7000 + n),
        "registration_number": f"0107{n:06d}",
        "registration_date": "12/05/2015",
        "founded_on": "01/03/2015",
        "address": f"Thôn Đông, số {n}",
        "commune": unit.code,
        "phone": "0912345678",
        "email": f"htx{n}@example.vn",
        "representative_name": "Nguyễn Thị Hoa",
        "representative_sex": "Nữ",
        "representative_ethnicity": "Kinh",
        "workforce_total": 25,
        "workforce_local": 20,
    }
    row.update(overrides)
    return row


def product_row(owner: Any, n: int = 1, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "producer": owner.code,
        "name": f"Gạo nếp cái hoa vàng {n}",
        "description": "Gạo nếp truyền thống.",
        "classification": "",
        "gtin": "",
        "producer_sku": "",
    }
    row.update(overrides)
    return row


def problems_at(job: ImportJob) -> set[tuple[Any, str, str]]:
    """(row, column, code) of every problem of the job."""
    return {(item["row"], item["column"], item["code"]) for item in job.errors}
