"""Validation before writing: the findings of the raw 26/2026 file, the corrections, stale
corrections, and small broken files refused with a readable report and nothing written."""

from __future__ import annotations

import copy
import json

import pytest

from ocop.core.models import ActivityLog
from ocop.criteria.models import CriteriaSet, Node, Option, Scorecard
from ocop.criteria.services.importer import CriteriaImportError, import_criteria
from ocop.criteria.services.reading import (
    QD1048_FILE,
    apply_corrections,
    load_corrections,
    read_criteria_file,
    split_label,
)
from ocop.criteria.services.validation import validate_boards, validate_sets
from tests.criteria.conftest import QD26_RAW, write_json

pytestmark = pytest.mark.django_db

QD26_MAXIMA = {"A": 40, "B": 25, "C": 35}


def locations(findings) -> list[tuple]:
    return [(f.scorecard, f.code, f.rule, f.severity) for f in findings]


def nothing_written() -> bool:
    return not (
        CriteriaSet.objects.exists()
        or Scorecard.objects.exists()
        or Node.objects.exists()
        or Option.objects.exists()
        or ActivityLog.objects.exists()
    )


def test_the_raw_file_has_the_ten_findings_of_the_readme(english):
    findings = validate_boards(QD26_RAW, part_maxima=QD26_MAXIMA)
    assert locations(findings) == [
        (3, "5.1", "marker", "error"),
        (4, "1.2", "points-type", "error"),
        (4, "7", "points-over-max", "error"),
        (7, "1.2", "points-type", "error"),
        (10, "1.2", "points-type", "error"),
        (11, "1.2", "points-type", "error"),
        (11, "6.1.1", "points-over-max", "error"),
        (23, "C", "children-sum", "error"),
        (23, "9", "max-missing", "error"),
        (26, "A", "title-points", "warning"),
    ]
    assert [str(f) for f in findings[:3]] == [
        "scorecard 3, 5.1: option 283: the label has 4 asterisks but the minimum-star marker is null.",
        "scorecard 4, 1.2: the points of option 333 are not a whole number ('').",
        "scorecard 4, 7: option 419 scores 13, outside 0 to the maximum 3.",
    ]
    assert str(findings[-1]) == (
        "warning: scorecard 26, A: the title says 35 points but the part is worth 40."
    )


def test_after_the_eight_corrections_only_the_title_warning_is_left():
    corrections = load_corrections("corrections-qd26-2026.json")
    corrected, stale = apply_corrections(QD26_RAW, corrections)
    assert stale == []
    assert len(corrections) == 8
    assert locations(validate_boards(corrected, part_maxima=QD26_MAXIMA)) == [
        (26, "A", "title-points", "warning")
    ]
    assert QD26_RAW["boards"][3]["sections"][2]["children"][1]["options"][-1]["points"] == 13


def test_the_1048_transcription_fails_in_sets_10_21_23_and_24():
    data = json.loads(QD1048_FILE.read_text(encoding="utf-8"))
    findings = validate_sets(data, part_maxima={"A": 35, "B": 25, "C": 40})
    assert locations(findings) == [
        (10, "", "no-parts", "error"),
        (21, "C", "part-max", "error"),
        (23, "C", "part-max", "error"),
        (24, "C", "part-max", "error"),
    ]


def test_a_corrected_source_makes_its_correction_stale_and_the_import_fails(tmp_path, english):
    data = copy.deepcopy(QD26_RAW)
    # The source now prints 3 (someone fixed the typo): the correction 13 → 3 must not apply.
    data["boards"][3]["sections"][2]["children"][1]["options"][-1]["points"] = 3
    path = write_json(tmp_path / "qd26-2026-phuluc2-scorecards.json", data)
    with pytest.raises(CriteriaImportError) as error:
        import_criteria(path=path)
    assert locations(error.value.problems) == [
        (4, "7", "stale-correction", "error"),
        (26, "A", "title-points", "warning"),
    ]
    report = error.value.report().splitlines()
    assert report[:2] == [
        "The criteria file qd26-2026-phuluc2-scorecards.json was refused (1 error, 1 warning); "
        "nothing was written:",
        "  - scorecard 4, 7: correction 1 (option 419, field points) is stale: the source "
        "holds 3, the correction expects 13.",
    ]
    assert nothing_written()


def test_a_correction_whose_place_is_gone_is_stale(tmp_path, english):
    data = copy.deepcopy(QD26_RAW)
    data["boards"][22]["sections"][2]["children"][3]["code"] = "9x"  # bộ 23, group 9
    path = write_json(tmp_path / "qd26-2026-phuluc2-scorecards.json", data)
    with pytest.raises(CriteriaImportError) as error:
        read_criteria_file(path)
    assert (23, "9", "stale-correction", "error") in locations(error.value.problems)
    assert "correction 3 (option –, field max) is stale: the source has no such place." in (
        error.value.report()
    )


def test_the_small_file_is_sound(small_file):
    path, registry = small_file
    result = import_criteria(path=path, registry=registry)
    assert (result.criteria_set.code, result.summary["criteria"], result.warnings) == (
        "test-set",
        6,
        [],
    )


@pytest.mark.parametrize(
    ("change", "expected", "line"),
    [
        (
            lambda d: d["boards"][0]["sections"][1].update(max=30),
            [
                (1, "B", "part-max", "error"),
                (1, "B", "title-points", "warning"),
                (1, "B", "children-sum", "error"),
                (1, "", "total", "error"),
            ],
            "  - scorecard 1, B: the part is worth 30 points, not 25.",
        ),
        (
            lambda d: d["boards"][0]["sections"][0]["children"][1]["options"][0].update(points=11),
            [(1, "2", "points-over-max", "error")],
            "  - scorecard 1, 2: option 5 scores 11, outside 0 to the maximum 10.",
        ),
        (
            lambda d: d["boards"][0]["sections"][0]["children"][0].update(max=31),
            [(1, "A", "children-sum", "error"), (1, "1", "children-sum", "error")],
            "  - scorecard 1, A: the maximum is 40 but its children add up to 41.",
        ),
        (
            lambda d: d["boards"][0]["sections"][0]["children"][0]["children"][0]["options"][
                1
            ].update(min_star_marker=4),
            [(1, "1.1", "marker", "error")],
            "  - scorecard 1, 1.1: option 2: the label has 3 asterisks but the minimum-star marker is 4.",
        ),
        (
            lambda d: d["boards"][0]["sections"][0]["children"][0]["children"][1].update(max=2),
            [(1, "1", "children-sum", "error"), (1, "1.2", "binary-max", "error")],
            "  - scorecard 1, 1.2: an item without options is a yes/no item and must have the maximum 1, not 2.",
        ),
    ],
    ids=["part-max", "option-over-max", "group-sum", "marker", "binary-max"],
)
def test_a_broken_file_is_refused_with_every_problem_and_nothing_is_written(
    small_file, english, change, expected, line
):
    path, registry = small_file
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    write_json(path, data)
    with pytest.raises(CriteriaImportError) as error:
        import_criteria(path=path, registry=registry)
    assert locations(error.value.problems) == expected
    report = error.value.report().splitlines()
    errors = sum(1 for finding in expected if finding[3] == "error")
    warnings = len(expected) - errors
    assert report[0] == (
        f"The criteria file small.json was refused ({errors} error{'s' if errors > 1 else ''}, "
        f"{warnings} warning{'' if warnings == 1 else 's'}); nothing was written:"
    )
    assert line in report
    assert nothing_written()


def test_files_that_are_not_criteria_files_are_refused(tmp_path, english):
    bad_json = tmp_path / "broken.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(CriteriaImportError) as error:
        read_criteria_file(bad_json)
    assert (
        error.value.report()
        .splitlines()[1]
        .startswith(f"  - The file {bad_json} is not valid UTF-8 JSON:")
    )
    other = write_json(tmp_path / "other.json", {"products": []})
    with pytest.raises(CriteriaImportError) as error:
        read_criteria_file(other)
    assert str(error.value.problems[0]) == (
        "The file holds neither “boards” (26/2026 format) nor “sets” (1048 format)."
    )
    unknown = write_json(tmp_path / "unknown.json", {"boards": []})
    with pytest.raises(CriteriaImportError) as error:
        read_criteria_file(unknown)
    assert str(error.value.problems[0]) == (
        "The file unknown.json is not in the registry of criteria files (criteria-sets.json); "
        "add it there or name a known set with --code (known: qd1048-2019, qd26-2026)."
    )
    assert nothing_written()


def test_a_missing_file_is_refused(tmp_path, english):
    with pytest.raises(CriteriaImportError) as error:
        read_criteria_file(tmp_path / "missing.json")
    assert "cannot be read" in str(error.value.problems[0])


def test_the_registry_entry_is_checked(small_file, english):
    path, registry = small_file
    registry["small.json"].update(code="Bad Code", part_maxima=[40], in_force_from="1/1/2030")
    with pytest.raises(CriteriaImportError) as error:
        read_criteria_file(path, registry=registry)
    assert [str(problem) for problem in error.value.problems] == [
        "The criteria-set code 'Bad Code' must be lower-case letters, digits and hyphens.",
        "The registry's “part_maxima” must map part codes to points.",
        "The registry's “in_force_from” is not a date (YYYY-MM-DD): 1/1/2030",
    ]


def test_a_1048_set_failing_outside_the_known_incomplete_ones_is_refused(tmp_path, english):
    data = json.loads(QD1048_FILE.read_text(encoding="utf-8"))
    data["sets"][0]["parts"][0]["groups"][0]["criteria"][0]["max"] = 4  # set 1, 1.1: best is 3
    path = write_json(tmp_path / QD1048_FILE.name, data)
    with pytest.raises(CriteriaImportError) as error:
        import_criteria(path=path)
    assert locations(error.value.problems)[:2] == [
        (1, "1.1", "best-option", "error"),
        (1, "A", "part-max", "error"),
    ]
    assert nothing_written()


def test_labels_lose_their_asterisks_and_trailing_notes():
    assert split_label("Đóng gói sáng tạo, bao bì đẹp***") == ("Đóng gói sáng tạo, bao bì đẹp", "")
    assert split_label("Câu chuyện * * * *") == ("Câu chuyện", "")
    assert split_label("Độc đáo***** Ghi chú: sẽ bị loại bỏ") == (
        "Độc đáo",
        "Ghi chú: sẽ bị loại bỏ",
    )
    assert split_label("Không có dấu") == ("Không có dấu", "")
