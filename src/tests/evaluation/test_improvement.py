""" "What to improve for the next star": the pure function, on the real bộ 6 and on a small
hand-built scorecard for the edge cases."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ocop.criteria.engine.scoring import SheetInput, score_council
from ocop.criteria.engine.types import (
    CriterionSpec,
    GroupSpec,
    KnockoutSpec,
    OptionSpec,
    PartSpec,
    Policy,
    ScorecardSpec,
)
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.queries.improvement import improvement_for, improvement_to_dict
from ocop.evaluation.queries.prediction import predict
from tests.evaluation.conftest import BO6


def rows(gaps):
    return [(g.criterion, g.level, g.required, g.current, g.answered) for g in gaps]


# --- the real bộ 6 ----------------------------------------------------------------------------


@pytest.fixture
def bo6(qd26, db):
    return load_scorecard_spec("qd26-2026", 6), policy_for("qd26-2026")


def test_a_3_star_sheet_learns_what_4_stars_need(bo6):
    spec, policy = bo6
    prediction = predict(spec, policy, BO6, has_story=True)
    improvement = improvement_for(spec, policy, prediction.result)
    assert (improvement.predicted, improvement.band, improvement.target) == (3, 3, 4)
    assert (improvement.threshold, improvement.total, improvement.missing_points) == (
        D(70),
        D(56),
        D(14),
    )
    assert rows(improvement.requirements) == [
        ("1.5", 4, D(2), D(1), True),
        ("2.1", 4, D(3), D(2), True),
        ("2.3", 4, D(3), D(2), True),
        ("3.4", 4, D(2), D(1), True),
        ("3.5", 4, D(2), D(1), True),
        ("4.1", 4, D(3), D(2), True),
        ("5.1", 4, D(5), D(3), True),
        ("9", 4, D(3), D(1), True),
    ]
    by_code = {gap.criterion: gap for gap in improvement.requirements}
    assert by_code["1.5"].option == "Có hợp đồng liên kết trên 75% sản lượng tiêu thụ"
    assert by_code["4.1"].option == (
        "Thị trường ngoài địa bàn cấp xã, có ≥ 5 đại diện/đại lý phân phối"
    )
    assert by_code["9"].option == (
        "Cơ sở chế biến, đóng gói có chứng nhận quản lý chất lượng theo tiêu chuẩn quốc gia "
        "(ISO, HACCP,...)"
    )
    assert by_code["5.1"].shortfall == D(2)
    assert [
        (g.criterion, g.current, g.max_points, g.room, g.next_points, g.gain)
        for g in improvement.gains
    ] == [
        ("9", D(1), D(5), D(4), D(3), D(2)),
        ("4.1", D(2), D(5), D(3), D(3), D(1)),
        ("4.3", D(2), D(5), D(3), D(3), D(1)),
        ("8", D(2), D(5), D(3), D(4), D(2)),
        ("1.5", D(1), D(3), D(2), D(2), D(1)),
        ("1.6", D(1), D(3), D(2), D(2), D(1)),
        ("3.5", D(1), D(3), D(2), D(2), D(1)),
        ("4.2", D(1), D(3), D(2), D(2), D(1)),
    ]
    assert improvement.gains[7].next_option == "Có bộ phận/phòng quản lý phân phối"
    assert improvement.then == 5
    assert rows(improvement.then_requirements) == [
        ("1.5", 5, D(3), D(1), True),
        ("4.1", 5, D(5), D(2), True),
        ("6.4", 5, D(3), D(2), True),
        ("6.5", 5, D(3), D(2), True),
        ("7", 5, D(5), D(3), True),
    ]
    assert improvement.then_requirements[2].option == "Mùi phù hợp đặc trưng của sản phẩm, hấp dẫn"


def test_a_partial_draft_below_its_band_aims_at_3_stars(bo6):
    spec, policy = bo6
    sheet = {code: value for code, value in BO6.items() if code not in ("9", "5.2")}
    prediction = predict(spec, policy, sheet, has_story=True)
    assert prediction.unanswered == ("5.2", "9")
    improvement = improvement_for(spec, policy, prediction.result, unanswered=prediction.unanswered)
    assert (improvement.predicted, improvement.band, improvement.target) == (2, 3, 3)
    assert (improvement.missing_points, improvement.reachable_by_points) == (D(0), True)
    assert rows(improvement.requirements) == [("9", 3, D(1), D(0), False)]
    assert improvement.gains[0].criterion == "9"
    assert improvement.gains[0].answered is False
    assert [gap.criterion for gap in improvement.then_requirements] == [
        "1.5",
        "2.1",
        "2.3",
        "3.4",
        "3.5",
        "4.1",
        "5.1",
        "9",
    ]
    assert improvement.then_requirements[-1].required == D(3)


def test_without_a_story_5_2_is_never_a_gain(bo6):
    spec, policy = bo6
    sheet = dict.fromkeys(BO6, 0) | {"9": 1, "8": 2}
    prediction = predict(spec, policy, sheet, has_story=False)
    assert prediction.not_asked == ("5.2",)
    improvement = improvement_for(
        spec, policy, prediction.result, not_asked=prediction.not_asked, top=40
    )
    assert "5.2" not in [gain.criterion for gain in improvement.gains]
    assert len(improvement.gains) == 31
    assert improvement.target == 3
    assert improvement.missing_points == D(47)


def test_the_json_form_uses_numbers(bo6):
    spec, policy = bo6
    prediction = predict(spec, policy, BO6, has_story=True)
    data = improvement_to_dict(improvement_for(spec, policy, prediction.result))
    assert (data["target"], data["threshold"], data["missing_points"], data["total"]) == (
        4,
        70,
        14,
        56,
    )
    assert data["requirements"][0] == {
        "criterion": "1.5",
        "title": "Liên kết chuỗi trong sản xuất",
        "level": 4,
        "required": 2,
        "current": 1,
        "option": "Có hợp đồng liên kết trên 75% sản lượng tiêu thụ",
        "answered": True,
    }
    assert data["gains"][0]["gain"] == 2
    assert improvement_to_dict(None) is None


# --- a small scorecard ------------------------------------------------------------------------


def small_spec() -> ScorecardSpec:
    """A 100-point scorecard: 1.1 (0–40, markers 3★ at 20, 4★ at 30, 5★ at 40), 1.2 yes/no (20),
    2.1 with two alternative cases (0–20, 4★ at 10 in either case), 3.1 conditional (0–20)."""
    return ScorecardSpec(
        criteria_set="toy",
        number=1,
        name="Toy",
        parts=(PartSpec("A", "A", D(60)), PartSpec("B", "B", D(40))),
        groups=(
            GroupSpec("1", "G1", "A", D(60)),
            GroupSpec("2", "G2", "B", D(20)),
            GroupSpec("3", "G3", "B", D(20)),
        ),
        criteria=(
            CriterionSpec(
                "1.1",
                "Nguồn nguyên liệu",
                "A",
                "1",
                D(40),
                (
                    OptionSpec("Ít", D(10)),
                    OptionSpec("Vừa", D(20), 3),
                    OptionSpec("Nhiều", D(30), 4),
                    OptionSpec("Rất nhiều", D(40), 5),
                ),
            ),
            CriterionSpec("1.2", "Song ngữ", "A", "1", D(20), binary=True),
            CriterionSpec(
                "2.1",
                "Điều kiện",
                "B",
                "2",
                D(20),
                (
                    OptionSpec("Cộng đồng, đủ", D(10), 4, "a"),
                    OptionSpec("Cộng đồng, tốt", D(20), None, "a"),
                    OptionSpec("Tổ chức, đủ", D(10), 4, "b"),
                    OptionSpec("Tổ chức, tốt", D(20), None, "b"),
                ),
            ),
            CriterionSpec(
                "3.1",
                "Cấu trúc câu chuyện",
                "B",
                "3",
                D(20),
                (OptionSpec("Đơn giản", D(0)), OptionSpec("Hay", D(20))),
                conditional=True,
            ),
        ),
        knockouts=(KnockoutSpec("1.1", "criterion", "Bị loại", "1.1"),),
    )


def result_of(spec, sheet, knockouts=()):
    return score_council(spec, Policy(), [SheetInput("m1", sheet, tuple(knockouts))])


def test_a_5_star_result_has_nothing_to_improve():
    spec = small_spec()
    result = result_of(spec, {"1.1": 40, "1.2": 20, "2.1": 20, "3.1": 20})
    assert (result.stars, improvement_for(spec, Policy(), result)) == (5, None)


def test_a_knock_out_has_nothing_to_improve():
    spec = small_spec()
    result = result_of(spec, {"1.1": 40}, knockouts=["1.1"])
    assert improvement_for(spec, Policy(), result) is None


def test_a_product_held_below_its_band_needs_only_the_requirement():
    spec = small_spec()
    # 80 points: the 4★ band, but 1.1 has 20 of the 30 that 4★ requires
    result = result_of(spec, {"1.1": 20, "1.2": 20, "2.1": 20, "3.1": 20})
    assert (result.band_stars, result.stars) == (4, 3)
    improvement = improvement_for(spec, Policy(), result)
    assert (improvement.target, improvement.missing_points) == (4, D(0))
    assert rows(improvement.requirements) == [("1.1", 4, D(30), D(20), True)]
    assert improvement.requirements[0].option == "Nhiều"
    assert rows(improvement.then_requirements) == [("1.1", 5, D(40), D(20), True)]


def test_a_yes_no_item_offers_yes_and_a_case_requirement_the_marked_option(english):
    spec = small_spec()
    result = result_of(spec, {"1.1": 30, "1.2": 0, "2.1": 0, "3.1": 0})
    improvement = improvement_for(spec, Policy(), result, top=3)
    assert (improvement.predicted, improvement.target) == (2, 3)  # 30 points: the 2★ band
    assert improvement.missing_points == D(20)
    assert rows(improvement.requirements) == []
    assert rows(improvement.then_requirements) == [("2.1", 4, D(10), D(0), True)]
    assert improvement.then_requirements[0].option == "Cộng đồng, đủ"
    assert [(g.criterion, g.next_option, g.gain) for g in improvement.gains] == [
        ("1.2", "Yes", D(20)),
        ("2.1", "Cộng đồng, đủ", D(10)),
        ("3.1", "Hay", D(20)),
    ]
