"""The yearly report opens in LibreOffice: Debian's `libreoffice-calc-nogui` (installed by `make
system-deps`, which `make test` runs first) converts the generated XLSX to CSV, one file per
sheet, the cells as LibreOffice shows them; the figures must be the report's. The PDF is read
back with pypdf.

LibreOffice runs headless with a throw-away HOME and user profile, bounded by a timeout. Without
`soffice` the test is skipped on a workstation and fails under CI=true (like the PostgreSQL run).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from ocop.reports.queries.yearly import yearly_report
from ocop.reports.writers.pdf_report import yearly_pdf
from ocop.reports.writers.xlsx_report import sheet_names, title_text, yearly_xlsx
from tests.reports.test_yearly import build_world, office_access, pdf_text, vi

# CSV, UTF-8, from line 1, cells as shown (formats applied), every sheet to its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
TIMEOUT = 180
AS_OF = dt.date(2020, 12, 31)


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is missing: `make system-deps` installs it.")
        pytest.skip("LibreOffice (soffice) is not installed: run `make system-deps`.")
    return found


def convert(xlsx: Path, work: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `xlsx` as LibreOffice shows it, by sheet name."""
    out = work / "csv"
    home = work / "home"
    home.mkdir()
    result = subprocess.run(  # noqa: S603 - a fixed command on our own file
        [
            soffice(),
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            str(xlsx),
        ],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    sheets = {}
    for path in out.glob("*.csv"):
        name = path.stem.removeprefix(f"{xlsx.stem}-")
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[name] = list(csv.reader(handle))
    return sheets


@pytest.mark.slow
@pytest.mark.django_db
def test_the_xlsx_opens_in_libreoffice_with_the_reports_figures(tmp_path):
    build_world()
    report = yearly_report(year=2019, as_of=AS_OF, access=office_access())
    xlsx = tmp_path / "bao-cao.xlsx"
    xlsx.write_bytes(yearly_xlsx(report))

    sheets = convert(xlsx, tmp_path)

    with translation.override("vi"):
        summary_name, unit_name, group_name, products_name = sheet_names()
    assert set(sheets) == {summary_name, unit_name, group_name, products_name}

    summary = sheets[summary_name]
    with translation.override("vi"):
        assert summary[0][0] == title_text(report)
    assert summary[0][0].startswith("Thành phố Hà Nội")
    assert "31/12/2020" in summary[0][0]
    figures = {row[0]: row[1] for row in summary[3:] if row and row[0]}
    assert figures[vi("Products evaluated and ranked (3★ or more)")] == "5"
    assert figures[vi("of which %(item)s") % {"item": vi("potential 5★")}] == "1"
    assert figures[vi("Workers of these producers")] == "85"
    assert figures[vi("Plan: products to evaluate and rank")] == "6"
    assert figures[vi("Plan achieved")] == "83.3%"
    assert figures[vi("Data as of")] == "31/12/2020"

    units = [row for row in sheets[unit_name][4:] if any(row)]
    assert units == [
        ["1", "017", "Huyện Đông Anh", "2", "0", "0", "2", "0"],
        ["2", "018", "Huyện Gia Lâm", "3", "0", "1", "1", "1"],
        ["", vi("Total"), "", "5", "0", "1", "3", "1"],
    ]
    groups = [row for row in sheets[group_name][4:] if any(row)]
    assert groups[-1] == ["", vi("Total"), "", "5", "0", "1", "3", "1"]

    products = [row for row in sheets[products_name][4:] if any(row)]
    assert len(products) == 5
    first = products[0]
    assert first[:3] == ["1", "Rượu nếp Kim Lan", "Công ty TNHH Rượu Kim Lan"]
    assert first[8:12] == ["91.20", vi("potential 5★"), "6103/QĐ-UBND", "10/12/2019"]


@pytest.mark.django_db
def test_the_pdf_reads_back_with_its_figures():
    build_world()
    report = yearly_report(year=2019, as_of=AS_OF, access=office_access())

    text = pdf_text(yearly_pdf(report))

    assert "Gạo nếp cái hoa vàng" in text
    assert "Huyện Gia Lâm" in text
    assert "83,3%" in text
    assert "75,00" in text
    assert "05/06/2020" in text
