"""The spec builder: the engine's view of a stored scorecard, the policy, and the lookups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ocop.criteria.engine.types import (
    Band,
    CriterionSpec,
    GroupSpec,
    KnockoutSpec,
    OptionSpec,
    PartSpec,
    Policy,
)
from ocop.criteria.models import ClassificationNode, CriteriaSet
from ocop.criteria.queries.specs import (
    UnknownScorecard,
    current_criteria_set,
    load_scorecard_spec,
    policy_for,
    scorecard_for_classification,
)

pytestmark = pytest.mark.django_db


def test_the_spec_of_scorecard_6(both):
    spec = load_scorecard_spec("qd26-2026", 6)
    assert (spec.criteria_set, spec.number, spec.name, spec.total_max, spec.usable) == (
        "qd26-2026",
        6,
        "Chế biến từ gạo, ngũ cốc",
        Decimal(100),
        True,
    )
    assert spec.parts == (
        PartSpec("A", "SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG", Decimal(40)),
        PartSpec("B", "KHẢ NĂNG TIẾP THỊ", Decimal(25)),
        PartSpec("C", "CHẤT LƯỢNG SẢN PHẨM", Decimal(35)),
    )
    assert [(g.code, g.part, g.max_points) for g in spec.groups] == [
        ("1", "A", 18),
        ("2", "A", 10),
        ("3", "A", 12),
        ("4", "B", 13),
        ("5", "B", 12),
        ("6", "C", 15),
        ("7", "C", 5),
        ("8", "C", 5),
        ("9", "C", 5),
        ("10", "C", 2),
        ("11", "C", 3),
    ]
    assert spec.groups[0] == GroupSpec("1", "TỔ CHỨC SẢN XUẤT", "A", Decimal(18))
    assert len(spec.criteria) == 32
    assert sum(c.max_points for c in spec.criteria) == 100
    by_code = {criterion.code: criterion for criterion in spec.criteria}
    assert by_code["2.4"] == CriterionSpec(
        code="2.4",
        title="Ghi nhãn hàng hóa có sử dụng song ngữ (Việt - Anh hoặc ngôn ngữ nước ngoài khác)",
        part="A",
        group="2",
        max_points=Decimal(1),
        options=(),
        binary=True,
    )
    story = by_code["5.2"]
    assert (story.conditional, story.condition_note, story.part, story.group) == (
        True,
        "Chỉ áp dụng khi có câu chuyện sản phẩm",
        "B",
        "5",
    )
    assert by_code["7"].group == "7"  # a group scored directly is its own group
    assert by_code["2.2"].options == (
        OptionSpec("Đóng gói theo hình thức thông thường, không có bao bì", Decimal(0)),
        OptionSpec("Đóng gói theo hình thức thông thường, bao bì đơn giản", Decimal(1)),
        OptionSpec("Đóng gói sáng tạo, bao bì đẹp", Decimal(2), 3),
        OptionSpec("Đóng gói sáng tạo, tiện lợi, bao bì đẹp, sang trọng", Decimal(3)),
    )
    assert [(k.code, k.scope, k.criterion_code) for k in spec.knockouts] == [
        ("dossier", "dossier", None),
        ("2.1", "criterion", "2.1"),
        ("6.1", "criterion", "6.1"),
    ]
    assert spec.knockouts[1] == KnockoutSpec(
        code="2.1",
        scope="criterion",
        text="Ghi chú: Bị loại nếu phát hiện giống hệt sản phẩm của nhà sản xuất khác, chỉ thay đổi tên sản phẩm, nhà sản xuất",
        criterion_code="2.1",
    )


def test_alternative_cases_reach_the_engine(both):
    spec = load_scorecard_spec("qd26-2026", 26)
    criterion = next(c for c in spec.criteria if c.code == "8")
    assert [(o.points, o.case) for o in criterion.options] == [
        (Decimal(1), "a"),
        (Decimal(3), "a"),
        (Decimal(1), "b"),
        (Decimal(3), "b"),
    ]


def test_sub_criteria_belong_to_their_group_and_part(both):
    spec = load_scorecard_spec("qd26-2026", 11)
    criterion = next(c for c in spec.criteria if c.code == "6.1.1")
    assert (criterion.part, criterion.group, criterion.max_points) == ("C", "6", Decimal(2))
    assert [o.points for o in criterion.options] == [Decimal(0), Decimal(1), Decimal(2)]


def test_an_incomplete_1048_set_is_not_usable(both):
    assert load_scorecard_spec("qd1048-2019", 21).usable is False
    assert load_scorecard_spec("qd1048-2019", 15).usable is True
    empty = load_scorecard_spec("qd1048-2019", 10)
    assert (empty.parts, empty.criteria, empty.total_max) == ((), (), Decimal(0))


def test_unknown_sets_and_scorecards_are_named(both, english):
    with pytest.raises(UnknownScorecard) as error:
        load_scorecard_spec("qd148-2023", 1)
    assert error.value.messages == ["There is no criteria set “qd148-2023”."]
    with pytest.raises(UnknownScorecard) as error:
        load_scorecard_spec("qd26-2026", 27)
    assert error.value.messages == ["The criteria set “qd26-2026” has no scorecard 27."]
    with pytest.raises(UnknownScorecard):
        policy_for("qd148-2023")


def test_the_spec_is_cached_per_content(both, django_assert_num_queries):
    first = load_scorecard_spec("qd26-2026", 6)
    with django_assert_num_queries(1):  # the checksum only
        assert load_scorecard_spec("qd26-2026", 6) is first
    CriteriaSet.objects.filter(code="qd26-2026").update(content_sha256="0" * 64)
    rebuilt = load_scorecard_spec("qd26-2026", 6)
    assert rebuilt is not first
    assert rebuilt == first


def test_the_policy_of_a_set(both):
    policy = policy_for(CriteriaSet.objects.get(code="qd26-2026"))
    assert policy == Policy(
        bands=(
            Band(5, Decimal(90)),
            Band(4, Decimal(70)),
            Band(3, Decimal(50)),
            Band(2, Decimal(30)),
            Band(1, Decimal(0)),
        ),
        requirement_policy="mean",
        spread_threshold=Decimal(10),
        certified_levels=(3, 4, 5),
        ministry_threshold=Decimal(90),
        extra={},
    )
    assert policy_for("qd1048-2019") == policy


def test_the_scorecard_of_a_classification_leaf(both, english):
    leaf = ClassificationNode.objects.get(criteria_set__code="qd26-2026", code="I.3.b")
    scorecard = scorecard_for_classification(leaf)
    assert (scorecard.criteria_set.code, scorecard.number) == ("qd26-2026", 6)
    group = ClassificationNode.objects.get(criteria_set__code="qd26-2026", code="I.3")
    with pytest.raises(UnknownScorecard) as error:
        scorecard_for_classification(group)
    assert error.value.messages == [
        "The classification I.3 “Thực phẩm chế biến” has no scorecard; choose a sub-group."
    ]


def test_the_set_in_force_on_a_day(both):
    assert current_criteria_set(dt.date(2026, 5, 22)).code == "qd26-2026"
    assert current_criteria_set(dt.date(2030, 1, 1)).code == "qd26-2026"
    assert current_criteria_set(dt.date(2020, 6, 1)).code == "qd1048-2019"
    assert current_criteria_set(dt.date(2023, 2, 23)).code == "qd1048-2019"
    assert current_criteria_set(dt.date(2024, 1, 1)) is None  # QĐ 148: no data
    assert current_criteria_set(dt.date(2019, 1, 1)) is None
    assert current_criteria_set().code == "qd26-2026"
