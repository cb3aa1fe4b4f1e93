"""`ocop import-criteria [PATH…] [--code] [--check]`."""

from __future__ import annotations

import copy
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from ocop.criteria.models import CriteriaSet, Option
from tests.criteria.conftest import QD26_RAW, write_json

pytestmark = pytest.mark.django_db

QD26_LINES = [
    "  26 scorecards (26 usable), 291 groups, 787 criteria, 2535 options",
    "  22 yes/no, 25 conditional, 3 with alternative cases; minimum-star markers 3★ 179, 4★ 290, 5★ 106",
    "  knock-out rules: 25 dossier, 46 criterion; 8 corrections applied; 1 warnings",
    "  warning: scorecard 26, A: the title says 35 points but the part is worth 40.",
]
QD1048_LINES = [
    "  26 scorecards (22 usable), 266 groups, 751 criteria, 2688 options",
    "  0 yes/no, 48 conditional, 28 with alternative cases; minimum-star markers 3★ 0, 4★ 0, 5★ 0",
    "  knock-out rules: 0 dossier, 64 criterion; 0 corrections applied; 5 warnings",
]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import-criteria", *args, stdout=out, stderr=err, no_color=True)
    return out.getvalue(), err.getvalue()


def test_without_a_path_both_bundled_files_are_imported():
    out, err = run()
    lines = out.splitlines()
    assert lines[0].endswith("src/ocop/criteria/data/qd26-2026-phuluc2-scorecards.json → qd26-2026")
    assert lines[1:6] == [*QD26_LINES, "Imported (new criteria set)."]
    assert lines[6].endswith("qd1048-scorecards-unofficial-transcription.json → qd1048-2019")
    assert lines[7:10] == QD1048_LINES
    assert lines[-1] == "Imported (new criteria set)."
    assert err == ""
    assert list(CriteriaSet.objects.order_by("code").values_list("code", flat=True)) == [
        "qd1048-2019",
        "qd26-2026",
    ]
    out, _err = run()
    assert [line for line in out.splitlines() if not line.startswith(" ")][1::2] == [
        "Imported: nothing changed.",
        "Imported: nothing changed.",
    ]


def test_check_only_writes_nothing():
    out, _err = run("--check", "src/ocop/criteria/data/qd26-2026-phuluc2-scorecards.json")
    assert out.splitlines()[1:] == [
        *QD26_LINES,
        "The file is sound; nothing was written (--check).",
    ]
    assert not CriteriaSet.objects.exists()


def test_a_bad_file_exits_with_code_2_and_the_report(tmp_path):
    data = copy.deepcopy(QD26_RAW)
    data["boards"][5]["sections"][1]["max"] = 30  # bộ 6, Phần B
    path = write_json(tmp_path / "qd26-2026-phuluc2-scorecards.json", data)
    unknown = write_json(tmp_path / "unknown.json", data)
    out, err = StringIO(), StringIO()
    with translation.override("en"), pytest.raises(SystemExit) as exit_info:
        call_command("import-criteria", str(path), str(unknown), stdout=out, stderr=err)
    assert exit_info.value.code == 2
    assert err.getvalue().splitlines() == [
        "The criteria file qd26-2026-phuluc2-scorecards.json was refused (3 errors, 2 warnings); nothing "
        "was written:",
        "  - scorecard 6, B: the part is worth 30 points, not 25.",
        "  - warning: scorecard 6, B: the title says 25 points but the part is worth 30.",
        "  - scorecard 6, B: the maximum is 30 but its children add up to 25.",
        "  - scorecard 6: the total is 100 and the parts add up to 105, not 100.",
        "  - warning: scorecard 26, A: the title says 35 points but the part is worth 40.",
        "The criteria file unknown.json was refused (1 error, 0 warnings); nothing was written:",
        "  - The file unknown.json is not in the registry of criteria files (criteria-sets.json); "
        "add it there or name a known set with --code (known: qd1048-2019, qd26-2026).",
    ]
    assert out.getvalue() == ""
    assert not CriteriaSet.objects.exists()


def test_a_file_with_a_stale_correction_is_refused_with_exit_code_2(tmp_path):
    data = copy.deepcopy(QD26_RAW)
    data["boards"][2]["sections"][1]["children"][1]["children"][0]["options"][-1][
        "min_star_marker"
    ] = 4
    path = write_json(tmp_path / "qd26-2026-phuluc2-scorecards.json", data)
    out, err = StringIO(), StringIO()
    with translation.override("en"), pytest.raises(SystemExit) as exit_info:
        call_command("import-criteria", str(path), stdout=out, stderr=err)
    assert exit_info.value.code == 2
    assert err.getvalue().splitlines()[:2] == [
        "The criteria file qd26-2026-phuluc2-scorecards.json was refused (1 error, 1 warning); "
        "nothing was written:",
        "  - scorecard 3, 5.1: correction 8 (option 283, field min_star_marker) is stale: the "
        "source holds 4, the correction expects null.",
    ]
    assert out.getvalue() == ""
    assert not Option.objects.exists()


def test_code_picks_the_registry_entry_of_a_renamed_file(tmp_path):
    path = write_json(tmp_path / "ban-sao.json", QD26_RAW)
    out, _err = run(str(path), "--code", "qd26-2026")
    assert out.splitlines()[0] == f"File {path} → qd26-2026"
    assert CriteriaSet.objects.get().source_file == "ban-sao.json"
