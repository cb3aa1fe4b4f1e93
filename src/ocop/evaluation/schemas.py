from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from ocop.criteria.schemas_scoring import MAX_SELECTIONS, Points, ScoringResultOut
from ocop.evaluation.models import SelfAssessment

Number = int | float


class SelfAssessmentFilters(Schema):
    product: str | None = None  # product code


class ProductRef(Schema):
    code: str
    name: str


class ScorecardRef(Schema):
    number: int
    name: str


class SelfAssessmentOut(Schema):
    code: str
    product: ProductRef
    criteria_set: str
    scorecard: ScorecardRef
    status: str
    has_story: bool
    total: Number
    predicted_stars: int
    answered: int
    copied_from: str | None
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    finalised_at: dt.datetime | None

    @staticmethod
    def resolve_criteria_set(obj: SelfAssessment) -> str:
        return obj.criteria_set.code

    @staticmethod
    def resolve_total(obj: SelfAssessment) -> Number:
        total = obj.total
        return int(total) if total == total.to_integral_value() else float(total)

    @staticmethod
    def resolve_copied_from(obj: SelfAssessment) -> str | None:
        return obj.copied_from.code if obj.copied_from is not None else None

    @staticmethod
    def resolve_created_by(obj: SelfAssessment) -> str | None:
        return obj.created_by.username if obj.created_by is not None else None


class RequirementGapOut(Schema):
    criterion: str
    title: str
    level: int
    required: Number
    current: Number
    option: str
    answered: bool


class GainOut(Schema):
    criterion: str
    title: str
    current: Number
    max_points: Number
    next_option: str
    next_points: Number
    gain: Number
    answered: bool


class ImprovementOut(Schema):
    predicted: int
    band: int
    target: int
    threshold: Number
    total: Number
    missing_points: Number
    requirements: list[RequirementGapOut]
    gains: list[GainOut]
    then: int | None
    then_requirements: list[RequirementGapOut]


class SelfAssessmentDetailOut(SelfAssessmentOut):
    selections: dict[str, Number]
    choices: dict[str, int]
    comments: dict[str, str]
    unanswered: list[str]
    not_asked: list[str]
    result: ScoringResultOut
    improvement: ImprovementOut | None

    @staticmethod
    def resolve_unanswered(obj: Any) -> list[str]:
        return list(obj.prediction.unanswered)

    @staticmethod
    def resolve_not_asked(obj: Any) -> list[str]:
        return list(obj.prediction.not_asked)


class SelfAssessmentIn(Schema):
    product: str = Field(min_length=1, max_length=20, description="the product's code")


class SelfAssessmentUpdate(Schema):
    """The whole sheet as it stands: the criteria answered so far (a draft may leave some out),
    the story question, comments; `choices` optionally says which option was picked where the
    points alone do not (1-based position in the scorecard's order, 0 for none)."""

    selections: dict[str, Points] = Field(
        max_length=MAX_SELECTIONS,
        description="criterion code → points (an option's points, or 0)",
        examples=[{"1.1": 2, "1.2": 1}],
    )
    has_story: bool = True
    comments: dict[str, str] = Field(default_factory=dict, max_length=MAX_SELECTIONS)
    choices: dict[str, int] = Field(default_factory=dict, max_length=MAX_SELECTIONS)
