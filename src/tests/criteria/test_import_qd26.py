"""The bundled QĐ 26/2026 scorecards, imported once for the module: counts, corrections and the
structural cases (yes/no items, the conditional 5.2, alternative cases, knock-out rules)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.db.models import Count, Q

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
from ocop.criteria.services.importer import import_criteria
from ocop.criteria.services.reading import QD26_FILE

pytestmark = pytest.mark.django_db

# ../shared/ocop/README.md §2.2, per board: groups, scorable items, options, 3★/4★/5★ markers
# (bộ 3 has 14 4★ markers after the correction of its 5.1, the README prints 13 as published).
BOARDS = {
    1: (12, 32, 103, 7, 12, 3),
    2: (11, 31, 99, 7, 13, 6),
    3: (12, 32, 102, 7, 14, 6),
    4: (12, 32, 102, 7, 14, 6),
    5: (11, 31, 100, 8, 13, 5),
    6: (11, 32, 104, 8, 13, 5),
    7: (11, 32, 102, 8, 14, 6),
    8: (11, 32, 103, 8, 14, 6),
    9: (11, 31, 101, 8, 14, 6),
    10: (11, 32, 104, 8, 13, 6),
    11: (11, 32, 104, 8, 12, 3),
    12: (11, 32, 104, 8, 14, 3),
    13: (11, 34, 107, 8, 10, 3),
    14: (10, 29, 96, 8, 10, 3),
    15: (10, 29, 96, 8, 13, 3),
    16: (10, 29, 91, 7, 9, 4),
    17: (10, 29, 95, 8, 12, 3),
    18: (14, 31, 98, 7, 10, 3),
    19: (14, 30, 98, 7, 10, 3),
    20: (14, 30, 97, 7, 10, 3),
    21: (9, 28, 90, 7, 9, 4),
    22: (9, 28, 90, 6, 8, 4),
    23: (10, 26, 86, 5, 11, 4),
    24: (9, 26, 87, 4, 7, 5),
    25: (9, 25, 84, 4, 9, 3),
    26: (17, 32, 92, 1, 2, 0),
}
QD26_SHA256 = "cb23f066f933d754dd84ed0ac4f8e4ff56770e02aaba98a619c246388fa25685"


def test_the_bundled_file_is_the_shared_file_unchanged():
    assert hashlib.sha256(QD26_FILE.read_bytes()).hexdigest() == QD26_SHA256


def test_the_summary_has_the_readme_counts(qd26):
    assert qd26.created and qd26.changed
    assert qd26.summary == {
        "scorecards": 26,
        "usable": 26,
        "parts": 78,
        "groups": 291,
        "nodes": 1021,
        "criteria": 787,
        "options": 2535,
        "binary": 22,
        "conditional": 25,
        "alternative_cases": 3,
        "markers": {"3": 179, "4": 290, "5": 106},
        "notes": 137,
        "knockouts": {"dossier": 25, "criterion": 46},
        "corrections": 8,
        "classification": 39,
        "warnings": 1,
    }


def test_the_database_holds_the_same_counts(qd26):
    nodes = Node.objects.filter(scorecard__criteria_set__code="qd26-2026")
    assert Scorecard.objects.filter(criteria_set__code="qd26-2026").count() == 26
    assert nodes.filter(level=0).count() == 78
    assert nodes.filter(scorable=True).count() == 787
    assert nodes.filter(scorable=True, level=1).count() == 139
    assert nodes.filter(scorable=True, level=2).count() == 636
    assert nodes.filter(scorable=True, level=3).count() == 12
    assert Option.objects.filter(node__scorecard__criteria_set__code="qd26-2026").count() == 2535
    markers = dict(
        Option.objects.filter(min_star_marker__isnull=False)
        .values_list("min_star_marker")
        .annotate(n=Count("id"))
    )
    assert markers == {3: 179, 4: 290, 5: 106}
    assert Note.objects.count() == 137
    assert KnockoutRule.objects.count() == 71


def test_every_board_has_the_readme_counts(qd26):
    rows = (
        Scorecard.objects.filter(criteria_set__code="qd26-2026")
        .annotate(
            groups=Count("nodes", filter=Q(nodes__level=1), distinct=True),
            items=Count("nodes", filter=Q(nodes__scorable=True, nodes__level__gt=0), distinct=True),
        )
        .values_list("number", "groups", "items")
    )
    options = dict(Option.objects.values_list("node__scorecard__number").annotate(n=Count("id")))
    markers: dict[tuple[int, int], int] = {
        (number, marker): count
        for number, marker, count in Option.objects.filter(min_star_marker__isnull=False)
        .values_list("node__scorecard__number", "min_star_marker")
        .annotate(n=Count("id"))
    }
    found = {
        number: (
            groups,
            items,
            options[number],
            markers.get((number, 3), 0),
            markers.get((number, 4), 0),
            markers.get((number, 5), 0),
        )
        for number, groups, items in rows
    }
    assert found == BOARDS


def test_the_criteria_set_records_what_it_is(qd26):
    criteria_set = CriteriaSet.objects.get(code="qd26-2026")
    assert (
        criteria_set.status,
        criteria_set.official,
        criteria_set.in_force_from,
        criteria_set.in_force_to,
        criteria_set.procedure_profile,
        criteria_set.part_maxima,
        criteria_set.bands,
        criteria_set.requirement_policy,
        criteria_set.spread_threshold,
        criteria_set.ministry_threshold,
        criteria_set.source_file,
        criteria_set.source_sha256,
        criteria_set.locked_at,
    ) == (
        CriteriaSetStatus.PUBLISHED,
        True,
        dt.date(2026, 5, 22),
        None,
        "qd26-2026-two-level",
        {"A": 40, "B": 25, "C": 35},
        [[5, 90], [4, 70], [3, 50], [2, 30], [1, 0]],
        "mean",
        Decimal(10),
        Decimal(90),
        "qd26-2026-phuluc2-scorecards.json",
        QD26_SHA256,
        None,
    )
    assert criteria_set.legal_reference == (
        "Quyết định số 26/2026/QĐ-TTg ngày 22/5/2026 của Thủ tướng Chính phủ"
    )
    assert criteria_set.document_title.startswith("Quyết định số 26/2026/QĐ-TTg ngày 22/5/2026")
    assert "hakienpdu95/minhan" in criteria_set.provenance
    assert criteria_set.warnings == [
        {
            "scorecard": 26,
            "code": "A",
            "rule": "title-points",
            "severity": "warning",
            "message": criteria_set.warnings[0]["message"],
        }
    ]
    actions = list(
        ActivityLog.objects.filter(object_id=str(criteria_set.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["criteria.set.import", "criteria.set.publish"]


def test_the_eight_corrections_are_recorded(qd26):
    rows = list(
        Correction.objects.filter(criteria_set__code="qd26-2026").values_list(
            "board_no",
            "node_code",
            "option_seq",
            "field",
            "source_value",
            "corrected_value",
            "status",
            "applied",
        )
    )
    assert rows == [
        (4, "7", 419, "points", 13, 3, "probable", True),
        (11, "6.1.1", 1160, "points", 11, 1, "probable", True),
        (23, "9", None, "max", None, 4, "probable", True),
        (4, "1.2", 333, "points", "", 0, "probable", True),
        (7, "1.2", 655, "points", "", 0, "probable", True),
        (10, "1.2", 979, "points", "", 0, "probable", True),
        (11, "1.2", 1089, "points", "", 0, "probable", True),
        (3, "5.1", 283, "min_star_marker", None, 4, "probable", True),
    ]
    assert all(reason for reason in Correction.objects.values_list("reason", flat=True))


def test_the_corrected_values_are_the_ones_used(qd26):
    points = dict(
        Option.objects.filter(seq__in=[419, 1160, 333, 655, 979, 1089]).values_list("seq", "points")
    )
    assert points == {419: 3, 1160: 1, 333: 0, 655: 0, 979: 0, 1089: 0}
    assert Node.objects.get(scorecard__number=23, code="9").max_points == Decimal(4)
    option = Option.objects.get(seq=283)
    assert (option.min_star_marker, option.points) == (4, Decimal(5))
    assert option.label_source.endswith("truy xuất nguồn gốc điện tử * * * *")
    assert option.label.endswith("truy xuất nguồn gốc điện tử")


def test_part_titles_are_verbatim_and_displayed_without_points(qd26):
    part = Node.objects.get(scorecard__number=26, code="A")
    assert (part.title, part.display_title, part.max_points) == (
        "SẢN PHẨM VÀ SỨC MẠNH CỘNG ĐỒNG (35 Điểm)",
        "SẢN PHẨM VÀ SỨC MẠNH CỘNG ĐỒNG",
        Decimal(40),
    )


def test_bilingual_labelling_is_a_yes_no_item_without_options(qd26):
    binary = list(
        Node.objects.filter(binary=True)
        .order_by("scorecard__number")
        .values_list("scorecard__number", "code", "max_points")
    )
    assert binary == [(n, "2.4", Decimal(1)) for n in range(1, 21)] + [
        (21, "2.3", Decimal(1)),
        (22, "2.3", Decimal(1)),
    ]
    assert not Option.objects.filter(node__binary=True).exists()


def test_story_content_5_2_is_conditional(qd26):
    conditional = Node.objects.filter(conditional=True)
    assert sorted(conditional.values_list("scorecard__number", flat=True)) == list(range(1, 26))
    assert set(conditional.values_list("code", "condition_note")) == {
        ("5.2", "Chỉ áp dụng khi có câu chuyện sản phẩm")
    }
    assert Note.objects.filter(kind=NoteKind.CONDITION).count() == 25


def test_the_alternative_cases_of_scorecard_26_are_split_by_the_case_headings(qd26):
    nodes = Node.objects.filter(scorecard__number=26, cases=CaseLayout.SPLIT).order_by("position")
    assert list(nodes.values_list("code", flat=True)) == ["8", "9", "15"]
    cases = {
        node.code: [(o.seq, o.case, o.points) for o in node.options.order_by("seq")]
        for node in nodes
    }
    assert cases == {
        "8": [(2632, "a", 1), (2633, "a", 3), (2635, "b", 1), (2636, "b", 3)],
        "9": [(2639, "a", 1), (2640, "a", 2), (2642, "b", 1), (2643, "b", 2)],
        "15": [(2661, "a", 1), (2662, "a", 3), (2664, "b", 1), (2665, "b", 3)],
    }
    headings = list(
        Note.objects.filter(node__in=nodes, kind=NoteKind.CASE_HEADING)
        .order_by("seq")
        .values_list("node__code", "case")
    )
    assert headings == [
        ("8", ""),
        ("8", "a"),
        ("8", "b"),
        ("9", ""),
        ("9", "a"),
        ("9", "b"),
        ("15", ""),
        ("15", "a"),
        ("15", "b"),
    ]
    assert not Option.objects.exclude(node__in=nodes).exclude(case="").exists()


def test_the_trailing_knock_out_note_of_6_2_is_split_from_the_option(qd26):
    for number, seq in ((21, 2188), (22, 2281)):
        option = Option.objects.get(node__scorecard__number=number, seq=seq)
        assert option.label == "Phong cách độc đáo riêng, thể hiện trí tuệ địa phương"
        assert option.label_source.endswith(
            "địa phương***** Ghi chú: Nếu sản phẩm vi phạm sở hữu trí tuệ, sẽ bị loại bỏ"
        )
        assert option.min_star_marker == 5
        note = Note.objects.get(node=option.node, kind=NoteKind.KNOCKOUT)
        assert (note.text, note.seq) == (
            "Ghi chú: Nếu sản phẩm vi phạm sở hữu trí tuệ, sẽ bị loại bỏ",
            seq,
        )
        rule = KnockoutRule.objects.get(scorecard__number=number, code="6.2")
        assert (rule.scope, rule.criterion_code, rule.text) == (
            KnockoutScope.CRITERION,
            "6.2",
            note.text,
        )


def test_knock_out_rules_of_the_dossier_and_of_criteria(qd26):
    dossier = dict(
        KnockoutRule.objects.filter(scope=KnockoutScope.DOSSIER).values_list(
            "scorecard__number", "text"
        )
    )
    assert sorted(dossier) == list(range(1, 26))  # bộ 26 prints none
    assert (
        KnockoutRule.objects.filter(scope=KnockoutScope.DOSSIER, scorecard__number=1).count() == 1
    )
    assert dossier[19].startswith("Bị loại khi: Giả mạo hồ sơ")
    assert dossier[21] == (
        "Hồ sơ bị loại khi: Giả mạo hồ sơ hoặc không đáp ứng quy định Hồ sơ đăng ký theo quy định"
    )
    bo6 = list(
        KnockoutRule.objects.filter(scorecard__number=6)
        .order_by("position")
        .values_list("code", "scope", "criterion_code")
    )
    assert bo6 == [
        ("dossier", "dossier", ""),
        ("2.1", "criterion", "2.1"),
        ("6.1", "criterion", "6.1"),
    ]
    assert KnockoutRule.objects.get(scorecard__number=7, code="1.1").text == (
        "Ghi chú: Bị loại nếu sử dụng toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc"
    )


def test_notes_are_classified(qd26):
    kinds = dict(Note.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds == {
        NoteKind.CONDITION: 25,
        NoteKind.CASE_HEADING: 9,
        NoteKind.KNOCKOUT: 46,
        NoteKind.REQUIREMENT: 7,
        NoteKind.NOTE: 50,
    }


def test_the_classification_tree_of_phu_luc_i(qd26):
    nodes = ClassificationNode.objects.filter(criteria_set__code="qd26-2026")
    assert dict(nodes.values_list("level").annotate(n=Count("id"))) == {
        "category": 6,
        "group": 17,
        "subgroup": 16,
    }
    leaves = dict(nodes.filter(scorecard__isnull=False).values_list("code", "scorecard__number"))
    assert len(leaves) == 26
    assert sorted(leaves.values()) == list(range(1, 27))
    assert (leaves["I.1.a"], leaves["I.6"], leaves["VI.1"]) == (1, 13, 26)
    coffee = nodes.get(code="I.6")
    assert (coffee.name, coffee.managing_ministry, coffee.parent.code) == (
        "Cà phê, ca cao",
        "Bộ Nông nghiệp và Môi trường",
        "I",
    )
    assert nodes.get(code="I.3.b").managing_ministry == (
        "Bộ Nông nghiệp và Môi trường; Bộ Công Thương"
    )


def test_importing_the_same_file_again_changes_nothing(qd26):
    criteria_set = CriteriaSet.objects.get(code="qd26-2026")
    before = (
        criteria_set.updated_at,
        Node.objects.count(),
        Option.objects.count(),
        Note.objects.count(),
        ActivityLog.objects.count(),
        list(Scorecard.objects.values_list("pk", flat=True)),
    )
    result = import_criteria(path=QD26_FILE)
    assert (result.created, result.changed) == (False, False)
    criteria_set.refresh_from_db()
    after = (
        criteria_set.updated_at,
        Node.objects.count(),
        Option.objects.count(),
        Note.objects.count(),
        ActivityLog.objects.count(),
        list(Scorecard.objects.values_list("pk", flat=True)),
    )
    assert after == before
