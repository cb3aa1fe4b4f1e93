"""The self-assessment services on the real QĐ 26/2026 scorecards."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ocop.core.queries.activity import history_for
from ocop.criteria.enums import CriteriaSetStatus
from ocop.criteria.models import CriteriaSet
from ocop.evaluation.enums import SelfAssessmentStatus
from ocop.evaluation.models import SelfAssessment
from ocop.evaluation.services.self_assessment import (
    copy_self_assessment,
    finalise_self_assessment,
    save_self_assessment,
    start_self_assessment,
)
from tests.evaluation.conftest import BO6

pytestmark = pytest.mark.django_db


def without(sheet: dict, *codes: str) -> dict:
    return {code: value for code, value in sheet.items() if code not in codes}


def start(cast, product=None):
    return start_self_assessment(actor=cast.producer1, product=product or cast.product1)


def save(cast, assessment, selections, *, has_story=True, **extra):
    return save_self_assessment(
        actor=cast.producer1,
        assessment=assessment,
        selections=selections,
        has_story=has_story,
        **extra,
    )


# --- start ------------------------------------------------------------------------------------


def test_start_needs_a_classification(qd26, cast, english):
    with pytest.raises(ValidationError) as caught:
        start(cast)
    assert caught.value.message_dict == {
        "product": [
            "The product “Bình gốm men lam” has no OCOP classification yet: choose its product "
            "group first, it decides the scorecard."
        ]
    }
    assert SelfAssessment.objects.count() == 0


def test_start_refuses_a_set_no_longer_used(classified, english):
    CriteriaSet.objects.filter(code="qd26-2026").update(status=CriteriaSetStatus.SUPERSEDED)
    classified.product1.classification.criteria_set.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        start(classified)
    assert caught.value.message_dict == {
        "product": [
            "The criteria set qd26-2026 is not used for new evaluations: choose a "
            "classification of the criteria in force."
        ]
    }


def test_start_makes_an_empty_draft_on_the_products_scorecard_and_locks_the_set(classified):
    assessment = start(classified)
    assessment.refresh_from_db()
    assert (assessment.code[:2], assessment.status) == ("TD", SelfAssessmentStatus.DRAFT)
    assert (assessment.criteria_set.code, assessment.scorecard.number) == ("qd26-2026", 6)
    assert (assessment.selections, assessment.answered, assessment.has_story) == ({}, 0, True)
    assert (assessment.total, assessment.predicted_stars) == (Decimal(0), 1)
    assert assessment.result["members"][0]["parts"] == {"A": 0, "B": 0, "C": 0}
    assert assessment.created_by == classified.producer1
    assert CriteriaSet.objects.get(code="qd26-2026").locked_at is not None
    [entry] = history_for(assessment)
    assert (entry.action, entry.actor) == (
        "evaluation.self_assessment.create",
        classified.producer1,
    )
    assert entry.data["new"] == {
        "product": classified.product1.code,
        "criteria_set": "qd26-2026",
        "scorecard": str(assessment.scorecard.pk),
        "status": "draft",
    }


# --- save -------------------------------------------------------------------------------------


def test_a_complete_sheet_predicts_its_stars(classified):
    assessment = save(classified, start(classified), BO6)
    assessment.refresh_from_db()
    assert (assessment.total, assessment.predicted_stars, assessment.answered) == (
        Decimal(56),
        3,
        32,
    )
    assert assessment.selections == BO6
    assert assessment.result == {
        "mean_total": 56,
        "median_total": 56,
        "spread": 0,
        "band_stars": 3,
        "stars": 3,
        "capped_by": [],
        "flag_discussion": False,
        "knocked_out": None,
        "members": [
            {
                "member": "self",
                "total": 56,
                "parts": {"A": 25, "B": 12, "C": 19},
                "groups": {
                    "1": 10,
                    "2": 7,
                    "3": 8,
                    "4": 5,
                    "5": 7,
                    "6": 11,
                    "7": 3,
                    "8": 2,
                    "9": 1,
                    "10": 1,
                    "11": 1,
                },
                "knockouts": [],
            }
        ],
    }
    entry = history_for(assessment).first()
    assert entry.action == "evaluation.self_assessment.update"
    assert (entry.data["old"], entry.data["new"]) == (
        {"total": "0.00", "predicted_stars": 1, "answered": 0},
        {"total": "56.00", "predicted_stars": 3, "answered": 32},
    )


def test_a_partial_draft_counts_what_is_missing_as_zero(classified):
    assessment = save(classified, start(classified), without(BO6, "9", "5.2"))
    # 56 − 1 (9) − 1 (5.2) = 54: in the 3★ band, but 9 has the 3★ minimum of 1 point
    assert (assessment.total, assessment.answered) == (Decimal(54), 30)
    assert (assessment.result["band_stars"], assessment.predicted_stars) == (3, 2)
    assert assessment.result["capped_by"] == [
        {"criterion": "9", "level": 3, "required": 1, "achieved": 0}
    ]
    assert "9" not in assessment.selections


@pytest.mark.parametrize(
    ("selections", "errors"),
    [
        (
            {**BO6, "1.1": 5},
            {
                "selections.1.1": [
                    "5 points is not an option of criterion 1.1 (allowed: 0, 1, 2, 3)."
                ]
            },
        ),
        (
            {"1.1": 2, "9.9": 1},
            {"selections.9.9": ["There is no criterion 9.9 on this scorecard."]},
        ),
        (
            {"1.1": "nhiều"},
            {"selections.1.1": ["The points of criterion 1.1 must be a number."]},
        ),
        (
            {"2.4": 0.5, "1.5": True},
            {
                "selections.1.5": ["The points of criterion 1.5 must be a number."],
                "selections.2.4": ["0.5 points is not an option of criterion 2.4 (allowed: 0, 1)."],
            },
        ),
    ],
)
def test_bad_points_name_the_criterion_and_change_nothing(classified, english, selections, errors):
    assessment = save(classified, start(classified), {"1.1": 1})
    with pytest.raises(ValidationError) as caught:
        save(classified, assessment, selections)
    assert caught.value.message_dict == errors
    assessment.refresh_from_db()
    assert (assessment.selections, assessment.total) == ({"1.1": 1}, Decimal(1))


def test_without_a_story_5_2_is_not_asked_and_scores_zero(classified):
    assessment = save(classified, start(classified), {**BO6, "5.2": 99}, has_story=False)
    assert "5.2" not in assessment.selections
    assert (assessment.total, assessment.answered, assessment.has_story) == (Decimal(55), 31, False)


def test_comments_are_normalised_and_checked(classified, english):
    assessment = start(classified)
    decomposed = unicodedata.normalize("NFD", "  Đang chờ cấp giấy chứng nhận  ")
    save(classified, assessment, {"3.5": 1}, comments={"3.5": decomposed, "1.1": "", "2.1": None})
    assert assessment.comments == {"3.5": "Đang chờ cấp giấy chứng nhận"}
    with pytest.raises(ValidationError) as caught:
        save(classified, assessment, {}, comments={"9.9": "x", "1.1": "x" * 2001, "1.2": 5})
    assert caught.value.message_dict == {
        "comments.9.9": ["There is no criterion 9.9 on this scorecard."],
        "comments.1.1": ["The comment on criterion 1.1 is longer than 2000 characters."],
        "comments.1.2": ["The comment on criterion 1.2 must be text."],
    }


def test_the_option_chosen_is_kept_when_it_gives_the_points(classified, english):
    assessment = start(classified)
    save(classified, assessment, {"1.1": 2, "2.4": 0}, choices={"1.1": 2, "2.4": 0, "3.1": 1})
    assert assessment.choices == {"1.1": 2, "2.4": 0}
    with pytest.raises(ValidationError) as caught:
        save(classified, assessment, {"1.1": 2}, choices={"1.1": 3})
    assert caught.value.message_dict == {
        "choices.1.1": ["Option 3 of criterion 1.1 does not give the 2 points answered."]
    }


# --- finalise ---------------------------------------------------------------------------------


def test_finalise_names_every_criterion_not_answered(classified, english):
    assessment = save(classified, start(classified), without(BO6, "9", "5.2", "1.1"))
    with pytest.raises(ValidationError) as caught:
        finalise_self_assessment(actor=classified.producer1, assessment=assessment)
    assert caught.value.message_dict == {
        "selections.1.1": ["Criterion 1.1 is not answered yet: answer it before finalising."],
        "selections.5.2": ["Criterion 5.2 is not answered yet: answer it before finalising."],
        "selections.9": ["Criterion 9 is not answered yet: answer it before finalising."],
    }
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessmentStatus.DRAFT


def test_without_a_story_5_2_is_not_needed_to_finalise(classified):
    assessment = save(classified, start(classified), without(BO6, "5.2"), has_story=False)
    finalise_self_assessment(actor=classified.producer1, assessment=assessment)
    assert assessment.status == SelfAssessmentStatus.FINAL


def test_a_final_self_assessment_is_read_only(classified, english):
    assessment = save(classified, start(classified), BO6)
    finalise_self_assessment(actor=classified.producer1, assessment=assessment)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.predicted_stars) == (SelfAssessmentStatus.FINAL, 3)
    assert assessment.finalised_at is not None
    entry = history_for(assessment).first()
    assert (entry.action, entry.data["old"], entry.data["new"]) == (
        "evaluation.self_assessment.finalise",
        {"status": "draft"},
        {"status": "final"},
    )
    message = {
        "status": [
            f"Self-assessment {assessment.code} is final and cannot be changed: copy it into a "
            "new draft."
        ]
    }
    with pytest.raises(ValidationError) as caught:
        save(classified, assessment, {"1.1": 3})
    assert caught.value.message_dict == message
    with pytest.raises(ValidationError) as caught:
        finalise_self_assessment(actor=classified.producer1, assessment=assessment)
    assert caught.value.message_dict == message
    assessment.refresh_from_db()
    assert assessment.selections == BO6


def test_the_status_as_stored_decides_not_a_stale_copy(classified, english):
    assessment = save(classified, start(classified), BO6)
    stale = SelfAssessment.objects.get(pk=assessment.pk)
    finalise_self_assessment(actor=classified.producer1, assessment=assessment)
    with pytest.raises(ValidationError):
        save(classified, stale, {"1.1": 3})
    assert stale.status == SelfAssessmentStatus.FINAL


# --- copy -------------------------------------------------------------------------------------


def test_copy_makes_a_new_draft_from_any_previous_one(classified):
    source = save(
        classified,
        start(classified),
        BO6,
        comments={"8": "Đang làm hồ sơ"},
        choices={"1.1": 2},
    )
    finalise_self_assessment(actor=classified.producer1, assessment=source)
    copy = copy_self_assessment(actor=classified.producer1_staff, assessment=source)
    copy.refresh_from_db()
    assert copy.code != source.code
    assert (copy.status, copy.copied_from, copy.created_by) == (
        SelfAssessmentStatus.DRAFT,
        source,
        classified.producer1_staff,
    )
    assert (copy.selections, copy.comments, copy.choices) == (
        BO6,
        {"8": "Đang làm hồ sơ"},
        {"1.1": 2},
    )
    assert (copy.scorecard, copy.total, copy.predicted_stars) == (source.scorecard, Decimal(56), 3)
    [entry] = history_for(copy)
    assert (entry.action, entry.data["copied_from"]) == (
        "evaluation.self_assessment.create",
        source.code,
    )
    save(classified, copy, {**BO6, "9": 3})
    source.refresh_from_db()
    assert (source.selections["9"], copy.selections["9"]) == (1, 3)


def test_copy_refuses_a_set_no_longer_used(classified, english):
    source = start(classified)
    CriteriaSet.objects.filter(code="qd26-2026").update(status=CriteriaSetStatus.SUPERSEDED)
    source.criteria_set.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        copy_self_assessment(actor=classified.producer1, assessment=source)
    assert list(caught.value.message_dict) == ["criteria_set"]
    assert SelfAssessment.objects.count() == 1


def test_the_tourism_scorecard_accepts_either_case(classified):
    assessment = start(classified, classified.product2)
    assert assessment.scorecard.number == 26
    save(classified, assessment, {"8": 3, "9": 1, "15": 3}, choices={"8": 4, "9": 3, "15": 2})
    assert assessment.choices == {"8": 4, "9": 3, "15": 2}
    assert assessment.total == Decimal(7)
