"""The scoring engine on hand-built scorecards (no database).

The toy scorecard below sums to 100; its minimum-star requirements are
3★: 1.1 ≥ 20, 7 ≥ 2;  4★: 1.1 ≥ 20, 2.1 ≥ 3, 6.1 ≥ 15, 7 ≥ 6;  5★: the 4★ ones, 4.1 ≥ 15, 7 ≥ 10.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from ocop.criteria.engine.errors import ScoringError, ScoringIssue
from ocop.criteria.engine.scoring import (
    CouncilResult,
    KnockedOut,
    Requirement,
    SheetInput,
    Shortfall,
    band_for,
    combine_sheets,
    requirements,
    result_to_dict,
    score_council,
    score_sheet,
)
from ocop.criteria.engine.types import (
    Band,
    CriterionSpec,
    GroupSpec,
    KnockoutSpec,
    OptionSpec,
    PartSpec,
    Policy,
    ScorecardSpec,
)

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def criterion(code, part, options=(), *, group=None, binary_max=None, conditional=False):
    """options: (points, marker) or (points, marker, case)."""
    opts = tuple(
        OptionSpec(f"{code} {o[0]}", D(o[0]), o[1], o[2] if len(o) > 2 else None) for o in options
    )
    return CriterionSpec(
        code=code,
        title=f"Criterion {code}",
        part=part,
        group=group or code.split(".")[0],
        max_points=D(binary_max) if binary_max is not None else max(o.points for o in opts),
        options=opts,
        binary=binary_max is not None,
        conditional=conditional,
    )


def make_spec(criteria, *, knockouts=(), usable=True, total_max=100):
    parts, groups = {}, {}
    for c in criteria:
        parts[c.part] = parts.get(c.part, D(0)) + c.max_points
        part, mx = groups.get(c.group, (c.part, D(0)))
        groups[c.group] = (part, mx + c.max_points)
    return ScorecardSpec(
        criteria_set="test-set",
        number=1,
        name="Toy",
        parts=tuple(PartSpec(code, code, mx) for code, mx in parts.items()),
        groups=tuple(GroupSpec(code, code, part, mx) for code, (part, mx) in groups.items()),
        criteria=tuple(criteria),
        knockouts=tuple(knockouts),
        usable=usable,
        total_max=D(total_max),
    )


DOSSIER = KnockoutSpec("dossier", "dossier", "Giả mạo hồ sơ")
STOP_61 = KnockoutSpec("6.1", "criterion", "Tạp chất không chấp nhận được", "6.1")
STOP_21 = KnockoutSpec("2.1", "criterion", "Giống hệt sản phẩm khác", "2.1")

TOY = make_spec(
    [
        criterion("1.1", "A", [(10, None), (20, 3), (30, None)]),
        criterion("1.2", "A", binary_max=5),
        criterion("2.1", "A", [(1, None), (3, 4), (5, None)]),
        criterion("4.1", "B", [(5, None), (10, None), (15, 5), (20, None)]),
        criterion("5.2", "B", [(1, None), (3, None), (5, None)], conditional=True),
        criterion("6.1", "C", [(5, None), (15, 4), (25, None)]),
        criterion("7", "C", [(2, 3), (6, 4), (10, 5)]),
    ],
    knockouts=[DOSSIER, STOP_21, STOP_61],
)
BEST = {"1.1": 30, "1.2": 5, "2.1": 5, "4.1": 20, "5.2": 5, "6.1": 25, "7": 10}
MIDDLE = {"1.1": 20, "1.2": 5, "2.1": 3, "4.1": 10, "5.2": 3, "6.1": 15, "7": 6}
POLICY = Policy()


def council(*sheets, policy=POLICY, spec=TOY, dossier_knockouts=()):
    inputs = [
        s if isinstance(s, SheetInput) else SheetInput(f"m{i + 1}", s) for i, s in enumerate(sheets)
    ]
    return score_council(spec, policy, inputs, dossier_knockouts=dossier_knockouts)


def issues_of(excinfo):
    return [(i.criterion, i.member, i.message) for i in excinfo.value.issues]


# --- one sheet ------------------------------------------------------------------------------


def test_a_sheet_has_its_total_part_totals_and_group_totals():
    sheet = score_sheet(TOY, MIDDLE, member="m1")
    assert sheet.member == "m1"
    assert sheet.total == D(62)
    assert sheet.parts == {"A": D(28), "B": D(13), "C": D(21)}
    assert sheet.groups == {"1": D(25), "2": D(3), "4": D(10), "5": D(3), "6": D(15), "7": D(6)}
    assert sheet.points == {k: D(v) for k, v in MIDDLE.items()}
    assert score_sheet(TOY, BEST).total == D(100)


def test_zero_is_always_allowed_when_no_option_applies():
    assert score_sheet(TOY, {**MIDDLE, "1.1": 0, "4.1": 0}).total == D(32)


def test_decimal_and_integer_points_are_the_same():
    as_decimals = {k: D(v) for k, v in MIDDLE.items()}
    assert score_sheet(TOY, as_decimals) == score_sheet(TOY, MIDDLE)
    assert score_sheet(TOY, {**MIDDLE, "1.1": D("20.00")}).points["1.1"] == D(20)


def test_a_binary_criterion_scores_zero_or_its_maximum():
    assert score_sheet(TOY, {**MIDDLE, "1.2": 0}).total == D(57)
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(TOY, {**MIDDLE, "1.2": 3}, member="m1")
    assert issues_of(excinfo) == [
        ("1.2", "m1", "3 points is not an option of criterion 1.2 (allowed: 0, 5).")
    ]


def test_a_conditional_criterion_left_out_scores_zero():
    selections = {k: v for k, v in MIDDLE.items() if k != "5.2"}
    sheet = score_sheet(TOY, selections)
    assert (sheet.total, sheet.points["5.2"], sheet.groups["5"]) == (D(59), D(0), D(0))


def test_a_missing_criterion_is_an_error_naming_it():
    selections = {k: v for k, v in MIDDLE.items() if k != "6.1"}
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(TOY, selections, member="m2")
    assert excinfo.value.issues == [
        ScoringIssue(
            "Criterion 6.1 is missing from the sheet.",
            criterion="6.1",
            member="m2",
            field="selections.6.1",
        )
    ]
    assert str(excinfo.value) == "[m2] Criterion 6.1 is missing from the sheet."


def test_points_that_are_not_an_option_are_an_error_listing_the_options():
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(TOY, {**MIDDLE, "1.1": 15, "4.1": D("10.5")})
    assert issues_of(excinfo) == [
        ("1.1", None, "15 points is not an option of criterion 1.1 (allowed: 0, 10, 20, 30)."),
        ("4.1", None, "10.5 points is not an option of criterion 4.1 (allowed: 0, 5, 10, 15, 20)."),
    ]


def test_points_must_be_numbers():
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(TOY, {**MIDDLE, "1.1": "20", "1.2": True, "2.1": None, "7": [6]})
    assert [i.message for i in excinfo.value.issues] == [
        "The points of criterion 1.1 must be a number.",
        "The points of criterion 1.2 must be a number.",
        "The points of criterion 2.1 must be a number.",
        "The points of criterion 7 must be a number.",
    ]


def test_an_unknown_criterion_is_an_error_naming_it():
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(TOY, {**MIDDLE, "9.9": 1})
    assert excinfo.value.as_dicts() == [
        {
            "field": "selections.9.9",
            "criterion": "9.9",
            "member": None,
            "message": "There is no criterion 9.9 on this scorecard.",
        }
    ]


def test_every_problem_of_a_sheet_is_reported_at_once():
    selections = {**{k: v for k, v in MIDDLE.items() if k != "2.1"}, "7": 7, "8": 1}
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(TOY, selections, member="m1")
    assert [i.criterion for i in excinfo.value.issues] == ["2.1", "7", "8"]


def test_a_sheet_over_the_maximum_is_an_error():
    spec = make_spec(
        [criterion("1.1", "A", [(30, None), (60, None)]), criterion("6.1", "C", [(60, None)])]
    )
    assert score_sheet(spec, {"1.1": 30, "6.1": 60}).total == D(90)
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(spec, {"1.1": 60, "6.1": 60}, member="m1")
    assert issues_of(excinfo) == [
        (None, "m1", "The sheet totals 120 points, more than the maximum of 100.")
    ]


def test_an_unusable_scorecard_cannot_score():
    spec = make_spec(TOY.criteria, usable=False)
    message = "Scorecard 1 of test-set is incomplete and cannot be used for scoring."
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(spec, MIDDLE)
    assert issues_of(excinfo) == [(None, None, message)]
    with pytest.raises(ScoringError) as excinfo:
        council(MIDDLE, spec=spec)
    assert issues_of(excinfo) == [(None, None, message)]


def test_alternative_cases_accept_the_points_of_either_case():
    spec = make_spec(
        [
            criterion("8", "C", [(1, None, "a"), (3, None, "a"), (1, None, "b"), (2, None, "b")]),
            criterion("9", "C", [(1, None, "a"), (3, None, "a"), (1, None, "b"), (3, None, "b")]),
        ]
    )
    assert score_sheet(spec, {"8": 2, "9": 3}).total == D(5)
    assert score_sheet(spec, {"8": 3, "9": 1}).total == D(4)
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(spec, {"8": 4, "9": 2})
    assert [i.message for i in excinfo.value.issues] == [
        "4 points is not an option of criterion 8 (allowed: 0, 1, 2, 3).",
        "2 points is not an option of criterion 9 (allowed: 0, 1, 3).",
    ]


# --- the council ----------------------------------------------------------------------------


def test_mean_median_and_spread_of_an_odd_council():
    low = {**MIDDLE}  # 62
    mid = {**MIDDLE, "4.1": 15, "7": 10, "5.2": 5, "2.1": 1}  # 71
    high = {**BEST, "4.1": 10}  # 90
    result = council(high, low, mid)
    assert [m.total for m in result.members] == [D(90), D(62), D(71)]
    assert (result.mean_total, result.median_total, result.spread) == (D("74.33"), D(71), D(28))
    assert result.flag_discussion is True


def test_the_median_of_an_even_council_is_the_middle_pair_average():
    result = council(MIDDLE, {**MIDDLE, "1.1": 30, "5.2": 1})  # 62 and 70
    assert (result.median_total, result.mean_total, result.spread) == (D(66), D(66), D(8))
    result = council(MIDDLE, {**MIDDLE, "5.2": 0}, {**MIDDLE, "5.2": 5}, {**MIDDLE, "5.2": 1})
    assert [m.total for m in result.members] == [D(62), D(59), D(64), D(60)]
    assert (result.median_total, result.mean_total) == (D("61.00"), D("61.25"))


def test_the_mean_is_rounded_to_two_places_half_up():
    # 7 × 70 + 71 = 561 over 8 members: 70.125 → 70.13 (half-even would give 70.12).
    spec = make_spec([criterion("1", "A", [(70, None), (71, None)])])
    result = council(*([{"1": 70}] * 7 + [{"1": 71}]), spec=spec)
    assert result.mean_total == D("70.13")
    result = council({"1": 70}, {"1": 70}, {"1": 71}, spec=spec)
    assert (result.mean_total, result.median_total) == (D("70.33"), D(70))


def test_the_spread_flag_uses_the_threshold_of_the_policy():
    spec = make_spec([criterion("1", "A", [(p, None) for p in range(101)])])
    assert council({"1": 60}, {"1": 70}, spec=spec).flag_discussion is False  # 10: not over
    assert council({"1": 60}, {"1": 71}, spec=spec).flag_discussion is True
    strict = Policy(spread_threshold=D(5))
    assert council({"1": 60}, {"1": 66}, spec=spec, policy=strict).flag_discussion is True


FINE = make_spec([criterion("1", "A", [(D(n) / 100, None) for n in range(1, 10001)])])


@pytest.mark.parametrize(
    ("mean", "band"),
    [
        ("0", 1),
        ("29.99", 1),
        ("30", 2),
        ("49.99", 2),
        ("50", 3),
        ("69.99", 3),
        ("70", 4),
        ("89.99", 4),
        ("90", 5),
        ("100", 5),
    ],
)
def test_band_edges_are_half_open(mean, band):
    result = council({"1": D(mean)}, spec=FINE)
    assert (result.mean_total, result.band_stars, result.stars) == (D(mean), band, band)
    assert band_for(POLICY, D(mean)) == band


def test_the_band_is_read_from_the_rounded_mean():
    # (89.99 + 90) / 2 = 89.995, shown as 90.00: the band follows the figure shown.
    result = council({"1": D("89.99")}, {"1": D(90)}, spec=FINE)
    assert (result.mean_total, result.band_stars) == (D("90.00"), 5)


def test_bands_are_a_setting_of_the_policy():
    policy = Policy(bands=(Band(5, D(95)), Band(4, D(75)), Band(3, D(50)), Band(1, D(0))))
    result = council({"1": D(90)}, spec=FINE, policy=policy)
    assert (result.band_stars, result.stars) == (4, 4)
    assert band_for(policy, D(49)) == 1


def test_the_requirements_of_each_level_come_from_the_largest_marker_at_or_below_it():
    assert requirements(TOY, 2) == ()
    assert requirements(TOY, 3) == (Requirement(3, "1.1", D(20)), Requirement(3, "7", D(2)))
    assert [(r.criterion, r.points) for r in requirements(TOY, 4)] == [
        ("1.1", D(20)),
        ("2.1", D(3)),
        ("6.1", D(15)),
        ("7", D(6)),
    ]
    assert [(r.criterion, r.points) for r in requirements(TOY, 5)] == [
        ("1.1", D(20)),
        ("2.1", D(3)),
        ("4.1", D(15)),
        ("6.1", D(15)),
        ("7", D(10)),
    ]


def test_when_two_options_carry_the_same_marker_the_lower_one_is_the_requirement():
    spec = make_spec([criterion("9", "C", [(1, 4, "a"), (2, 4, "b"), (3, None, "a")])])
    assert requirements(spec, 4) == (Requirement(4, "9", D(1)),)


def test_a_product_meeting_every_requirement_gets_its_band():
    result = council(BEST, MIDDLE | {"4.1": 15, "7": 10})  # 100 and 71
    assert (result.mean_total, result.band_stars, result.stars, result.capped_by) == (
        D("85.50"),
        4,
        4,
        (),
    )


def test_a_missed_requirement_drops_the_product_to_the_level_it_meets():
    result = council({**BEST, "7": 2})  # 92 points, but 7 only reaches the 3★ minimum
    assert (result.band_stars, result.stars) == (5, 3)
    assert result.capped_by == (
        Shortfall("7", 4, D(6), D(2)),
        Shortfall("7", 5, D(10), D(2)),
    )


def test_missing_a_3_star_requirement_leaves_an_uncertified_level():
    result = council({**BEST, "1.1": 10})  # 80 points, 1.1 below the 3★ minimum of 20
    assert (result.band_stars, result.stars) == (4, 2)
    assert result.capped_by == (
        Shortfall("1.1", 3, D(20), D(10)),
        Shortfall("1.1", 4, D(20), D(10)),
    )


def test_below_3_stars_there_are_no_requirements():
    low = {"1.1": 0, "1.2": 0, "2.1": 0, "4.1": 5, "5.2": 1, "6.1": 5, "7": 0}
    result = council(low)
    assert (result.mean_total, result.band_stars, result.stars, result.capped_by) == (
        D(11),
        1,
        1,
        (),
    )
    result = council(low | {"1.1": 10, "4.1": 20})
    assert (result.band_stars, result.stars, result.capped_by) == (2, 2, ())


def test_the_default_policy_compares_the_criterion_mean_across_members():
    # 7: 10 and 2 → mean 6, which meets the 4★ minimum (6) but not the 5★ one (10).
    result = council(BEST, {**BEST, "7": 2})
    assert (result.mean_total, result.band_stars, result.stars) == (D(96), 5, 4)
    assert result.capped_by == (Shortfall("7", 5, D(10), D(6)),)


def test_the_every_member_policy_needs_each_member_to_meet_the_requirement():
    strict = Policy(requirement_policy="every_member")
    result = council(BEST, {**BEST, "7": 2}, policy=strict)
    assert (result.band_stars, result.stars) == (5, 3)
    assert result.capped_by == (
        Shortfall("7", 4, D(6), D(2)),
        Shortfall("7", 5, D(10), D(2)),
    )


def test_the_achieved_mean_of_a_shortfall_has_two_decimals():
    result = council(BEST, {**BEST, "7": 6}, {**BEST, "7": 6})  # 7: mean 22/3
    assert result.capped_by == (Shortfall("7", 5, D(10), D("7.33")),)


def test_uncertified_levels_set_no_requirement():
    policy = Policy(certified_levels=(4, 5))
    spec = make_spec([criterion("1", "A", [(40, 3), (50, None), (60, None)]), TOY.criteria[0]])
    result = council({"1": 0, "1.1": 30}, spec=spec, policy=policy)  # 30: 2★ anyway
    assert result.stars == 2
    result = council({"1": 50, "1.1": 10}, spec=spec, policy=policy)
    assert (result.band_stars, result.stars, result.capped_by) == (3, 3, ())


def test_an_unknown_requirement_policy_is_a_configuration_error():
    with pytest.raises(ValueError, match="unknown requirement policy 'median'"):
        council(BEST, policy=Policy(requirement_policy="median"))


# --- knock-outs -----------------------------------------------------------------------------


def test_a_stop_rule_recorded_by_a_member_knocks_the_product_out():
    stopped = SheetInput("m2", {"1.1": 30, "1.2": 5, "2.1": 5, "4.1": 20, "6.1": 0}, ("6.1",))
    result = council(SheetInput("m1", BEST), stopped)
    assert result.knocked_out == KnockedOut(
        "6.1", "criterion", "Tạp chất không chấp nhận được", ("m2",)
    )
    assert (result.stars, result.band_stars, result.capped_by) == (0, 4, ())
    assert result.members[1].points["7"] == D(0)  # left out after the stop: 0
    assert result.members[1].total == D(60)


def test_a_sheet_with_a_stop_rule_still_checks_what_it_scores():
    with pytest.raises(ScoringError) as excinfo:
        council(SheetInput("m1", {"1.1": 25}, ("6.1",)))
    assert issues_of(excinfo) == [
        ("1.1", "m1", "25 points is not an option of criterion 1.1 (allowed: 0, 10, 20, 30).")
    ]


def test_a_dossier_knock_out_comes_before_any_stop_rule():
    result = council(
        SheetInput("m1", BEST, ("6.1", "2.1")),
        SheetInput("m2", BEST, ("2.1",)),
        dossier_knockouts=["dossier"],
    )
    assert result.knocked_out == KnockedOut("dossier", "dossier", "Giả mạo hồ sơ")
    assert (result.stars, result.band_stars) == (0, 5)
    result = council(SheetInput("m1", BEST, ("6.1", "2.1")), SheetInput("m2", BEST, ("2.1",)))
    assert result.knocked_out == KnockedOut(
        "2.1", "criterion", "Giống hệt sản phẩm khác", ("m1", "m2")
    )


def test_unknown_or_misplaced_knock_out_codes_are_errors():
    with pytest.raises(ScoringError) as excinfo:
        council(
            SheetInput("m1", BEST, ("9.9", "dossier")),
            dossier_knockouts=["6.1", "forged"],
        )
    assert [(i.field, i.criterion, i.member, i.message) for i in excinfo.value.issues] == [
        (
            "dossier_knockouts",
            "6.1",
            None,
            "Knock-out 6.1 is a criterion's stop rule: the member who applies it records it "
            "on their sheet (knockouts).",
        ),
        (
            "dossier_knockouts",
            None,
            None,
            "There is no knock-out rule forged on this scorecard.",
        ),
        ("sheets.0.knockouts", None, "m1", "There is no knock-out rule 9.9 on this scorecard."),
        (
            "sheets.0.knockouts",
            None,
            "m1",
            "Knock-out dossier is a dossier rule: record it for the whole dossier "
            "(dossier_knockouts), not on a member's sheet.",
        ),
    ]


# --- validation of a council ----------------------------------------------------------------


def test_an_empty_council_is_an_error():
    with pytest.raises(ScoringError) as excinfo:
        score_council(TOY, POLICY, [])
    assert excinfo.value.as_dicts() == [
        {
            "field": "sheets",
            "criterion": None,
            "member": None,
            "message": "The council has no sheets: at least one member's sheet is needed.",
        }
    ]
    with pytest.raises(ScoringError):
        combine_sheets(TOY, POLICY, [])


def test_a_member_may_hand_in_one_sheet_only():
    with pytest.raises(ScoringError) as excinfo:
        score_council(TOY, POLICY, [SheetInput("m1", BEST), SheetInput("m1", MIDDLE)])
    assert issues_of(excinfo) == [(None, "m1", "Member m1 has more than one sheet.")]
    with pytest.raises(ScoringError) as excinfo:
        score_council(TOY, POLICY, [SheetInput("", BEST)])
    assert issues_of(excinfo) == [(None, None, "Every sheet needs a member.")]


def test_every_sheet_is_checked_before_any_result():
    with pytest.raises(ScoringError) as excinfo:
        council({**MIDDLE, "1.1": 1}, MIDDLE, {k: v for k, v in BEST.items() if k != "7"})
    assert [(i.field, i.member) for i in excinfo.value.issues] == [
        ("sheets.0.selections.1.1", "m1"),
        ("sheets.2.selections.7", "m3"),
    ]


def test_combine_sheets_works_on_scored_sheets():
    sheets = [score_sheet(TOY, BEST, member="a"), score_sheet(TOY, MIDDLE, member="b")]
    result = combine_sheets(TOY, POLICY, sheets)
    assert result == council(SheetInput("a", BEST), SheetInput("b", MIDDLE))
    assert result.criterion_means() == {
        "1.1": D(25),
        "1.2": D(5),
        "2.1": D(4),
        "4.1": D(15),
        "5.2": D(4),
        "6.1": D(20),
        "7": D(8),
    }


# --- JSON -----------------------------------------------------------------------------------


def test_the_json_object_of_a_result():
    result = council({**BEST, "7": 2}, {**MIDDLE, "2.1": 1})  # 92 and 60
    assert isinstance(result, CouncilResult)
    assert result_to_dict(result) == {
        "mean_total": 76,
        "median_total": 76,
        "spread": 32,
        "band_stars": 4,
        "stars": 3,
        "capped_by": [{"criterion": "7", "level": 4, "required": 6, "achieved": 4}],
        "flag_discussion": True,
        "knocked_out": None,
        "members": [
            {
                "member": "m1",
                "total": 92,
                "parts": {"A": 40, "B": 25, "C": 27},
                "groups": {"1": 35, "2": 5, "4": 20, "5": 5, "6": 25, "7": 2},
                "knockouts": [],
            },
            {
                "member": "m2",
                "total": 60,
                "parts": {"A": 26, "B": 13, "C": 21},
                "groups": {"1": 25, "2": 1, "4": 10, "5": 3, "6": 15, "7": 6},
                "knockouts": [],
            },
        ],
    }


def test_decimals_in_the_json_object_are_numbers_with_at_most_two_places():
    result = council(BEST, {**BEST, "7": 6}, {**BEST, "7": 6})  # 100, 96, 96
    data = result_to_dict(result)
    assert (data["mean_total"], data["median_total"], data["spread"]) == (97.33, 96, 4)
    assert data["capped_by"] == [{"criterion": "7", "level": 5, "required": 10, "achieved": 7.33}]


def test_the_json_object_of_a_knocked_out_result():
    result = council(BEST, dossier_knockouts=["dossier"])
    data = result_to_dict(result)
    assert list(data) == [
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
    assert (data["stars"], data["band_stars"], data["knocked_out"]) == (
        0,
        5,
        {"code": "dossier", "scope": "dossier", "reason": "Giả mạo hồ sơ", "members": []},
    )
