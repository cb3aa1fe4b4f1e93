"""`ocop score` on the imported scorecards of QĐ 26/2026 (bộ 6 "Chế biến từ gạo, ngũ cốc")."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("qd26")]

# A 4★ product on bộ 6: A 32 + B 18 + C 25 = 75, every 4★ minimum met.
GOOD = {
    **{"1.1": 3, "1.2": 1, "1.3": 2, "1.4": 2, "1.5": 2, "1.6": 1, "1.7": 1},
    **{"2.1": 3, "2.2": 2, "2.3": 3, "2.4": 1},
    **{"3.1": 3, "3.2": 1, "3.3": 3, "3.4": 2, "3.5": 2},
    **{"4.1": 3, "4.2": 2, "4.3": 3},
    **{"5.1": 5, "5.2": 2, "5.3": 3},
    **{"6.1": 3, "6.2": 3, "6.3": 2, "6.4": 2, "6.5": 2},
    **{"7": 3, "8": 4, "9": 3, "10": 2, "11": 1},
}
KEYS = [
    "mean_total",
    "median_total",
    "spread",
    "band_stars",
    "stars",
    "capped_by",
    "flag_discussion",
    "knocked_out",
    "members",
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def score(body, *args, set_code="qd26-2026", number="6", tmp_path=None):
    out, err = StringIO(), StringIO()
    if tmp_path is None:
        sheets, stdin = "-", StringIO(body if isinstance(body, str) else json.dumps(body))
    else:
        path = tmp_path / "sheets.json"
        path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        sheets, stdin = str(path), StringIO("")
    options = ["--criteria-set", set_code, "--scorecard", number, "--sheets", sheets, *args]
    code = 0
    try:
        call_command("score", *options, stdin=stdin, stdout=out, stderr=err, no_color=True)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_a_council_read_from_a_file_is_printed_as_one_json_object(tmp_path):
    body = {
        "sheets": [
            {"member": "m1", "selections": GOOD},
            {"member": "m2", "selections": {**GOOD, "5.1": 3}},
        ]
    }
    code, out, err = score(body, tmp_path=tmp_path)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == KEYS
    assert data == {
        "mean_total": 74,
        "median_total": 74,
        "spread": 2,
        "band_stars": 4,
        "stars": 3,
        "capped_by": [{"criterion": "5.1", "level": 4, "required": 5, "achieved": 4}],
        "flag_discussion": False,
        "knocked_out": None,
        "members": [
            {
                "member": "m1",
                "total": 75,
                "parts": {"A": 32, "B": 18, "C": 25},
                "groups": {
                    "1": 12,
                    "2": 9,
                    "3": 11,
                    "4": 8,
                    "5": 10,
                    "6": 12,
                    "7": 3,
                    "8": 4,
                    "9": 3,
                    "10": 2,
                    "11": 1,
                },
                "knockouts": [],
            },
            {
                "member": "m2",
                "total": 73,
                "parts": {"A": 32, "B": 16, "C": 25},
                "groups": {
                    "1": 12,
                    "2": 9,
                    "3": 11,
                    "4": 8,
                    "5": 8,
                    "6": 12,
                    "7": 3,
                    "8": 4,
                    "9": 3,
                    "10": 2,
                    "11": 1,
                },
                "knockouts": [],
            },
        ],
    }


def test_a_dash_reads_standard_input():
    code, out, err = score({"sheets": [{"member": "m1", "selections": GOOD}]})
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["mean_total"], data["band_stars"], data["stars"], data["capped_by"]) == (
        75,
        4,
        4,
        [],
    )


def test_a_knock_out_prints_the_rule_and_zero_stars():
    stopped = {k: v for k, v in GOOD.items() if k in {"1.1", "1.2", "2.1"}} | {"6.1": 0}
    body = {
        "sheets": [
            {"member": "m1", "selections": GOOD},
            {"member": "m2", "selections": stopped, "knockouts": ["6.1"]},
        ]
    }
    code, out, _err = score(body)
    data = json.loads(out)
    assert code == 0
    assert (data["stars"], data["band_stars"], data["mean_total"]) == (0, 2, 41)
    assert data["knocked_out"]["code"] == "6.1"
    assert data["knocked_out"]["scope"] == "criterion"
    assert data["knocked_out"]["members"] == ["m2"]
    assert data["knocked_out"]["reason"].startswith("Ghi chú: Nếu có tạp chất không chấp nhận")
    code, out, _err = score({**body, "dossier_knockouts": ["dossier"]})
    knocked = json.loads(out)["knocked_out"]
    assert (knocked["code"], knocked["scope"], knocked["members"]) == ("dossier", "dossier", [])
    assert knocked["reason"].startswith("Hồ sơ bị loại khi: Giả mạo hồ sơ")


def test_bad_sheets_exit_2_with_one_line_per_problem_naming_the_criterion():
    m1 = {k: v for k, v in GOOD.items() if k != "6.1"} | {"1.1": 4, "9.9": 1}
    m2 = {**GOOD, "2.4": 2}
    code, out, err = score(
        {"sheets": [{"member": "m1", "selections": m1}, {"member": "m2", "selections": m2}]}
    )
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: [m1] 4 points is not an option of criterion 1.1 (allowed: 0, 1, 2, 3).",
        "error: [m1] Criterion 6.1 is missing from the sheet.",
        "error: [m1] There is no criterion 9.9 on this scorecard.",
        "error: [m2] 2 points is not an option of criterion 2.4 (allowed: 0, 1).",
    ]


def test_an_empty_council_exits_2():
    code, out, err = score({"sheets": []})
    assert (code, out, err) == (
        2,
        "",
        "error: The council has no sheets: at least one member's sheet is needed.\n",
    )


def test_unknown_knock_out_codes_exit_2():
    body = {
        "sheets": [{"member": "m1", "selections": GOOD, "knockouts": ["7"]}],
        "dossier_knockouts": ["forged"],
    }
    code, _out, err = score(body)
    assert code == 2
    assert err.splitlines() == [
        "error: There is no knock-out rule forged on this scorecard.",
        "error: [m1] There is no knock-out rule 7 on this scorecard.",
    ]


def test_an_unknown_criteria_set_or_scorecard_exits_2():
    body = {"sheets": [{"member": "m1", "selections": GOOD}]}
    code, out, err = score(body, set_code="qd99")
    assert (code, out, err) == (2, "", "error: There is no criteria set “qd99”.\n")
    code, out, err = score(body, number="27")
    assert (code, out, err) == (2, "", "error: The criteria set “qd26-2026” has no scorecard 27.\n")


def test_a_file_of_the_wrong_shape_exits_2():
    code, _out, err = score("{not json")
    assert code == 2
    assert err == (
        "error: The sheets are not valid JSON (line 1, column 2): "
        "Expecting property name enclosed in double quotes\n"
    )
    code, _out, err = score({"sheets": [{"member": "m1", "selection": GOOD}]})
    assert code == 2
    assert err.splitlines() == [
        "error: sheets.0.selections: Field required",
        "error: sheets.0.selection: Extra inputs are not permitted",
    ]
    code, _out, err = score({"sheets": [{"member": "m1", "selections": GOOD | {"1.1": "3"}}]})
    assert (code, err) == (2, "error: [m1] The points of criterion 1.1 must be a number.\n")


def test_a_missing_file_exits_2(tmp_path):
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as excinfo:
        call_command(
            "score",
            "--criteria-set",
            "qd26-2026",
            "--scorecard",
            "6",
            "--sheets",
            str(tmp_path / "none.json"),
            stdout=out,
            stderr=err,
        )
    assert excinfo.value.code == 2
    assert (
        err.getvalue()
        == f"error: Cannot read {tmp_path / 'none.json'}: No such file or directory\n"
    )
