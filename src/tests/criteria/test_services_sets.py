"""The life of a criteria set: publish, supersede, lock; re-import of changed content."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ocop.core.models import ActivityLog
from ocop.criteria.enums import CriteriaSetStatus
from ocop.criteria.models import ClassificationNode, CriteriaSet, Node, Option, Scorecard
from ocop.criteria.services.importer import CriteriaImportError, import_criteria
from ocop.criteria.services.sets import (
    change_criteria_set_status,
    lock_criteria_set,
    supersede_criteria_set,
)
from tests.criteria.conftest import write_json
from tests.factories.criteria import CriteriaSetFactory

pytestmark = pytest.mark.django_db


def actions(criteria_set: CriteriaSet) -> list[str]:
    return list(
        ActivityLog.objects.filter(object_id=str(criteria_set.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_import_publishes_a_new_set(small_file):
    path, registry = small_file
    result = import_criteria(path=path, registry=registry)
    assert result.criteria_set.status == CriteriaSetStatus.PUBLISHED
    assert actions(result.criteria_set) == ["criteria.set.import", "criteria.set.publish"]


def test_status_moves_follow_the_table(cast, english):
    draft = CriteriaSetFactory(status=CriteriaSetStatus.DRAFT)
    newer = CriteriaSetFactory()
    change_criteria_set_status(actor=cast.admin, criteria_set=draft, to=CriteriaSetStatus.PUBLISHED)
    supersede_criteria_set(actor=cast.admin, criteria_set=draft, by=newer)
    draft.refresh_from_db()
    assert (draft.status, draft.superseded_by) == (CriteriaSetStatus.SUPERSEDED, newer)
    assert actions(draft) == ["criteria.set.publish", "criteria.set.supersede"]
    log = ActivityLog.objects.filter(object_id=str(draft.pk)).order_by("id").last()
    assert (log.actor, log.data) == (
        cast.admin,
        {
            "old": {"status": "published"},
            "new": {"status": "superseded"},
            "superseded_by": newer.code,
        },
    )
    with pytest.raises(ValidationError) as error:
        change_criteria_set_status(
            actor=cast.admin, criteria_set=draft, to=CriteriaSetStatus.PUBLISHED
        )
    assert error.value.message_dict == {
        "status": ["A criteria set cannot go from “superseded” to “published”."]
    }


def test_a_set_cannot_supersede_itself():
    criteria_set = CriteriaSetFactory()
    with pytest.raises(ValidationError) as error:
        supersede_criteria_set(actor=None, criteria_set=criteria_set, by=criteria_set)
    assert list(error.value.message_dict) == ["superseded_by"]
    criteria_set.refresh_from_db()
    assert criteria_set.status == CriteriaSetStatus.PUBLISHED


def test_locking_records_the_first_use_once(cast):
    criteria_set = CriteriaSetFactory()
    lock_criteria_set(actor=cast.admin, criteria_set=criteria_set)
    first = CriteriaSet.objects.get(pk=criteria_set.pk).locked_at
    assert first is not None
    lock_criteria_set(actor=cast.admin, criteria_set=criteria_set)
    assert CriteriaSet.objects.get(pk=criteria_set.pk).locked_at == first
    assert actions(criteria_set) == ["criteria.set.lock"]


def test_a_draft_cannot_be_locked():
    criteria_set = CriteriaSetFactory(status=CriteriaSetStatus.DRAFT)
    with pytest.raises(ValidationError) as error:
        lock_criteria_set(actor=None, criteria_set=criteria_set)
    assert list(error.value.message_dict) == ["status"]


def test_changed_content_replaces_an_unlocked_set_and_keeps_its_classification(small_file):
    path, registry = small_file
    first = import_criteria(path=path, registry=registry)
    classification = list(ClassificationNode.objects.values_list("pk", "code"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["boards"][0]["name"] = "Bộ thử, bản sửa"
    write_json(path, data)
    second = import_criteria(path=path, registry=registry)
    assert (second.created, second.changed) == (False, True)
    assert second.criteria_set.pk == first.criteria_set.pk
    assert Scorecard.objects.get().name == "Bộ thử, bản sửa"
    assert list(ClassificationNode.objects.values_list("pk", "code")) == classification
    assert ClassificationNode.objects.get().scorecard == Scorecard.objects.get()
    assert (Node.objects.count(), Option.objects.count()) == (11, 13)
    assert actions(second.criteria_set) == [
        "criteria.set.import",
        "criteria.set.publish",
        "criteria.set.reimport",
    ]


def test_a_locked_set_refuses_changed_content_but_accepts_the_same(small_file, english):
    path, registry = small_file
    result = import_criteria(path=path, registry=registry)
    lock_criteria_set(actor=None, criteria_set=result.criteria_set)
    again = import_criteria(path=path, registry=registry)
    assert again.changed is False
    data = json.loads(path.read_text(encoding="utf-8"))
    data["boards"][0]["sections"][0]["children"][1]["options"][1]["label"] = "Không (sửa)"
    write_json(path, data)
    with pytest.raises(CriteriaImportError) as error:
        import_criteria(path=path, registry=registry)
    message = str(error.value.problems[0])
    assert message.startswith(
        "The criteria set test-set has been used by an evaluation (locked on "
    )
    assert message.endswith(
        "): it cannot be edited, only superseded. Import the new file under a new code "
        "(--code) and supersede this set."
    )
    assert Option.objects.get(seq=6).label == "Không"
    # The way forward: a new code, then supersede the old set.
    newer = import_criteria(path=path, registry=registry, code="test-set-r2")
    supersede_criteria_set(actor=None, criteria_set=result.criteria_set, by=newer.criteria_set)
    assert list(CriteriaSet.objects.order_by("code").values_list("code", "status")) == [
        ("test-set", "superseded"),
        ("test-set-r2", "published"),
    ]
    assert (
        Option.objects.filter(node__scorecard__criteria_set=newer.criteria_set, seq=6).get().label
        == "Không (sửa)"
    )


def test_the_small_file_models_its_structural_cases(small_file):
    path, registry = small_file
    import_criteria(path=path, registry=registry)
    binary = Node.objects.get(code="1.2")
    conditional = Node.objects.get(code="5.2")
    cases = Node.objects.get(code="6")
    assert (binary.binary, binary.max_points, binary.options.count()) == (True, Decimal(1), 0)
    assert (conditional.conditional, conditional.condition_note) == (
        True,
        "Chỉ áp dụng khi có câu chuyện sản phẩm",
    )
    assert (cases.cases, list(cases.options.order_by("seq").values_list("case", flat=True))) == (
        "split",
        ["a", "a", "b", "b"],
    )
    assert list(ClassificationNode.objects.values_list("code", "level", "scorecard__number")) == [
        ("1", "subgroup", 1)
    ]
