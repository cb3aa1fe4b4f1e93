"""The 1048 transcription, imported once for the module: readable, with its four incomplete sets
marked, its alternative-case lists flagged, and nothing corrected by guessing."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.db.models import Count

from ocop.core.models import ActivityLog
from ocop.criteria.enums import CaseLayout, CriteriaSetStatus, KnockoutScope, NoteKind
from ocop.criteria.models import (
    ClassificationNode,
    Correction,
    CriteriaSet,
    KnockoutRule,
    Node,
    Note,
    Option,
    Scorecard,
)
from ocop.criteria.services.reading import QD1048_FILE

pytestmark = pytest.mark.django_db


def test_the_bundled_file_is_the_shared_file_unchanged():
    assert hashlib.sha256(QD1048_FILE.read_bytes()).hexdigest() == (
        "afc92c8083d5904c3b059396abd3c06d9c41b009ac112850c5a9d6099766e753"
    )


def test_the_summary_has_the_readme_counts(qd1048):
    assert qd1048.summary == {
        "scorecards": 26,
        "usable": 22,
        "parts": 75,
        "groups": 266,
        "nodes": 993,
        "criteria": 751,
        "options": 2688,
        "binary": 0,
        "conditional": 48,
        "alternative_cases": 28,
        "markers": {"3": 0, "4": 0, "5": 0},
        "notes": 270,
        "knockouts": {"dossier": 0, "criterion": 64},
        "corrections": 0,
        "classification": 48,
        "warnings": 5,
    }
    assert Option.objects.filter(node__scorecard__criteria_set__code="qd1048-2019").count() == 2688
    assert Correction.objects.count() == 0


def test_the_set_is_historical_and_unofficial(qd1048):
    criteria_set = CriteriaSet.objects.get(code="qd1048-2019")
    assert (
        criteria_set.status,
        criteria_set.official,
        criteria_set.in_force_from,
        criteria_set.in_force_to,
        criteria_set.part_maxima,
        criteria_set.procedure_profile,
        criteria_set.source_format,
    ) == (
        CriteriaSetStatus.SUPERSEDED,
        False,
        dt.date(2019, 8, 21),
        dt.date(2023, 2, 23),
        {"A": 35, "B": 25, "C": 40},
        "qd1048-2019-three-level",
        "sets",
    )
    assert criteria_set.superseded_by is None  # by QĐ 148, whose scorecards are not available
    assert "tranquangduc24011999/ommani_ocop" in criteria_set.provenance
    actions = list(
        ActivityLog.objects.filter(object_id=str(criteria_set.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["criteria.set.import", "criteria.set.publish", "criteria.set.supersede"]


def test_the_four_incomplete_sets_are_readable_but_not_usable(qd1048):
    scorecards = Scorecard.objects.filter(criteria_set__code="qd1048-2019")
    unusable = dict(scorecards.filter(usable=False).values_list("number", "incomplete_reason"))
    assert sorted(unusable) == [10, 21, 23, 24]
    assert unusable[10] == "Bản chép không có phần nào (không có tiêu chí nào) cho bộ này."
    assert "38 điểm thay vì 40" in unusable[21]
    assert "6.3 sang 6.5" in unusable[24]
    totals = dict(scorecards.values_list("number", "total_max"))
    assert (totals[10], totals[21], totals[23], totals[24], totals[15]) == (0, 98, 98, 98, 100)
    assert not Node.objects.filter(
        scorecard__number=10, scorecard__criteria_set__code="qd1048-2019"
    ).exists()
    assert (
        Node.objects.filter(
            scorecard__number=21, scorecard__criteria_set__code="qd1048-2019"
        ).count()
        > 0
    )
    warnings = {
        (w["scorecard"], w["rule"]) for w in CriteriaSet.objects.get(code="qd1048-2019").warnings
    }
    assert warnings == {
        (10, "no-parts"),
        (21, "part-max"),
        (23, "part-max"),
        (24, "part-max"),
        (6, "duplicate-code"),
    }


def test_codes_come_from_the_titles_and_groups_scored_as_one_item_are_scorable(qd1048):
    nodes = Node.objects.filter(scorecard__criteria_set__code="qd1048-2019", scorecard__number=15)
    rows = list(
        nodes.filter(level__lte=1)
        .order_by("position")
        .values_list("code", "display_title", "max_points", "scorable")
    )
    assert rows[:3] == [
        ("A", "Sản phẩm và sức mạnh cộng đồng", Decimal(35), False),
        ("1", "TỔ CHỨC SẢN XUẤT", Decimal(18), False),
        ("2", "PHÁT TRIỂN SẢN PHẨM", Decimal(8), False),
    ]
    nutrition = nodes.get(code="7")
    assert (
        nutrition.title,
        nutrition.scorable,
        nutrition.max_points,
        nutrition.options.count(),
    ) == (
        "7. DINH DƯỠNG",
        True,
        Decimal(2),
        3,
    )
    criterion = nodes.get(code="1.1")
    assert (criterion.title, criterion.display_title, criterion.level) == (
        "1.1. Nguồn nguyên liệu",
        "Nguồn nguyên liệu",
        2,
    )
    assert (
        Node.objects.filter(scorecard__criteria_set__code="qd1048-2019", scorable=True).count()
        == 751
    )


def test_heading_rows_hold_their_sub_criteria(qd1048):
    heading = Node.objects.get(
        scorecard__criteria_set__code="qd1048-2019", scorecard__number=1, code="6.1"
    )
    assert (heading.scorable, heading.max_points, heading.title) == (
        False,
        Decimal(6),
        "6.1. Ngoại hình",
    )
    assert list(heading.children.order_by("position").values_list("code", "level")) == [
        ("6.1.1", 3),
        ("6.1.2", 3),
        ("6.1.3", 3),
    ]
    assert Node.objects.filter(scorecard__criteria_set__code="qd1048-2019", level=3).count() == 13


def test_a_repeated_code_is_kept_apart_and_explained(qd1048):
    nodes = Node.objects.filter(scorecard__criteria_set__code="qd1048-2019", scorecard__number=6)
    assert list(
        nodes.filter(code__startswith="6.1.3").order_by("position").values_list("code", "title")
    ) == [
        ("6.1.3", "6.1.3. Màu sắc"),
        ("6.1.3-2", "6.1.3. Mùi"),
    ]
    problem = Note.objects.get(
        node__scorecard__number=6, node__code="6.1.3-2", kind=NoteKind.PROBLEM
    )
    assert "6.1.3 hai lần" in problem.text


def test_alternative_case_lists_are_flagged_not_split(qd1048):
    flagged = Node.objects.filter(
        scorecard__criteria_set__code="qd1048-2019", cases=CaseLayout.UNSPLIT
    )
    assert flagged.count() == 28
    assert set(flagged.exclude(scorecard__number=8).values_list("code", flat=True)) == {"3.2"}
    assert sorted(flagged.filter(scorecard__number=8).values_list("code", flat=True)) == [
        "10",
        "16",
        "3.2",
        "9",
    ]
    assert (
        not Option.objects.filter(node__scorecard__criteria_set__code="qd1048-2019")
        .exclude(case="")
        .exists()
    )
    tourism = flagged.get(scorecard__number=8, code="9")
    assert list(tourism.options.order_by("seq").values_list("points", flat=True)) == [
        1,
        2,
        3,
        1,
        2,
        3,
    ]


def test_known_problems_are_shown_not_corrected(qd1048):
    node = Node.objects.get(
        scorecard__criteria_set__code="qd1048-2019", scorecard__number=2, code="6.2"
    )
    assert list(node.options.order_by("seq").values_list("label", "points")) == [
        ("Không đồng đều", 0),
        ("Không đồng đều, chấp nhận được", 1),
        ("Tương đối đồng đều", 3),
        ("Đồng đều", 3),
    ]
    assert node.notes.get(kind=NoteKind.PROBLEM).text.startswith(
        "“Tương đối đồng đều” và “Đồng đều”"
    )


def test_notes_conditions_and_knock_outs(qd1048):
    conditional = Node.objects.filter(scorecard__criteria_set__code="qd1048-2019", conditional=True)
    assert dict(conditional.values_list("code").annotate(n=Count("id"))) == {"5.2": 24, "5.3": 24}
    assert KnockoutRule.objects.filter(scope=KnockoutScope.DOSSIER).count() == 0
    assert dict(KnockoutRule.objects.values_list("code").annotate(n=Count("id"))) == {
        "1.1": 22,
        "6": 3,
        "6.1": 14,
        "6.2": 3,
        "6.4": 1,
        "9": 14,
        "10": 3,
        "12": 4,
    }
    assert KnockoutRule.objects.get(scorecard__number=1, code="1.1").text == (
        "Ghi chú: Bị loại nếu sử dụng toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc"
    )
    assert Option.objects.filter(min_star_marker__isnull=False).count() == 0


def test_the_classification_of_1048_names_every_set(qd1048):
    nodes = ClassificationNode.objects.filter(criteria_set__code="qd1048-2019")
    assert dict(nodes.values_list("level").annotate(n=Count("id"))) == {
        "category": 6,
        "group": 16,
        "subgroup": 26,
    }
    leaves = dict(nodes.filter(scorecard__isnull=False).values_list("code", "scorecard__number"))
    assert sorted(leaves.values()) == list(range(1, 27))
    assert (leaves["1.1.a"], leaves["1.2.a"], leaves["6.16.a"]) == (15, 10, 8)
    assert nodes.get(code="1.1.a").managing_ministry == "Bộ Nông nghiệp và Phát triển nông thôn"
