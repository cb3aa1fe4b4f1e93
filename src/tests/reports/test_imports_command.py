"""`ocop import-xlsx`: the same checks and writing as the page, synchronously, with a progress
bar on stderr; a refused file prints every problem and exits with status 1."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.producers.models import Producer
from ocop.reports.enums import ImportStatus
from ocop.reports.models import ImportJob
from tests.reports.import_files import producer_row, workbook_bytes

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _file(tmp_path, content: bytes, name: str = "chu-the.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _good(cast, n: int = 3) -> bytes:
    return workbook_bytes("producers", [producer_row(cast.commune_a, i) for i in range(1, n + 1)])


def test_a_good_file_is_imported_and_recorded_as_a_job(cast, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    before = Producer.objects.count()
    call_command(
        "import-xlsx",
        "producers",
        str(_file(tmp_path, _good(cast))),
        "--user",
        cast.office.username,
        stdout=out,
        stderr=err,
    )
    job = ImportJob.objects.get()
    assert (job.status, job.file_name, job.created_by) == (
        ImportStatus.DONE,
        "chu-the.xlsx",
        cast.office,
    )
    assert Producer.objects.count() == before + 3
    assert out.getvalue().strip() == f"3 producers imported (import {job.code})."
    lines = err.getvalue().splitlines()  # not a terminal: a line per 10 %
    assert lines[-1].startswith("[" + "#" * 30 + "] 100% 3/3 rows (writing)")
    assert len(lines) <= 12
    assert "\r" not in err.getvalue()


def test_the_progress_bar_on_a_terminal_redraws_one_line(cast, tmp_path):
    err = Terminal()
    call_command(
        "import-xlsx",
        "producers",
        str(_file(tmp_path, _good(cast))),
        "--user",
        cast.office.username,
        stdout=io.StringIO(),
        stderr=err,
    )
    text = err.getvalue()
    assert text.startswith("\r[")
    assert "\r[" + "#" * 30 + "] 100% 3/3 rows (writing)" in text
    assert text.endswith("\n") and text.count("\n") == 1


def test_a_refused_file_prints_every_problem_and_exits_with_1(cast, tmp_path):
    rows = [
        producer_row(cast.commune_a, 1, commune="77777"),
        producer_row(cast.commune_a, 2, workforce_total=-5),
    ]
    out = io.StringIO()
    before = Producer.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import-xlsx",
            "producers",
            str(_file(tmp_path, workbook_bytes("producers", rows))),
            "--user",
            cast.office.username,
            stdout=out,
            stderr=io.StringIO(),
        )
    assert caught.value.returncode == 1
    assert "Nothing was imported" in str(caught.value) and "2 problem(s)" in str(caught.value)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "row 2, column H (commune)",
        "row 3, column N (workforce_total)",
    ]
    assert Producer.objects.count() == before
    assert ImportJob.objects.get().status == ImportStatus.FAILED


def test_a_dry_run_checks_and_writes_nothing(cast, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    before = Producer.objects.count()
    call_command(
        "import-xlsx",
        "producers",
        str(_file(tmp_path, _good(cast, 4))),
        "--user",
        cast.office.username,
        "--dry-run",
        stdout=out,
        stderr=err,
    )
    assert "4 row(s) checked, no problem" in out.getvalue()
    assert Producer.objects.count() == before
    assert ImportJob.objects.count() == 0
    assert err.getvalue().splitlines()[-1].startswith("[" + "#" * 30 + "] 100% 4/4 rows (checking)")


def test_a_file_that_is_not_xlsx_is_refused(cast, tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import-xlsx",
            "producers",
            str(_file(tmp_path, b"ten,ma\nA,1\n", "a.xlsx")),
            "--user",
            cast.office.username,
            stdout=out,
            stderr=io.StringIO(),
        )
    assert caught.value.returncode == 1
    assert out.getvalue().startswith("file: ")
    assert ImportJob.objects.count() == 0
    with pytest.raises(CommandError):
        call_command(
            "import-xlsx",
            "producers",
            str(_file(tmp_path, b"ten,ma\nA,1\n", "b.xlsx")),
            "--user",
            cast.office.username,
            "--dry-run",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_who_may_run_it_and_what(cast, tmp_path):
    path = str(_file(tmp_path, _good(cast)))
    with pytest.raises(CommandError, match="may not import"):
        call_command("import-xlsx", "producers", path, "--user", cast.commune.username)
    with pytest.raises(CommandError, match="no active user"):
        call_command("import-xlsx", "producers", path, "--user", "nobody")
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "import-xlsx", "producers", str(tmp_path / "x.xlsx"), "--user", cast.office.username
        )
    with pytest.raises(CommandError, match="ocop import-certificates"):  # in either language
        call_command("import-xlsx", "results", path, "--user", cast.office.username)
    assert ImportJob.objects.count() == 0
