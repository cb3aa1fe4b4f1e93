"""The criteria API's shapes: sets, their classification and corrections, and whole scorecards.

Public identifiers only (set codes, scorecard numbers, node codes, option sequence numbers);
points are JSON numbers (3, not "3.00").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

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


def _as_number(value: Decimal | float | None) -> int | float | None:
    """3 for Decimal("3.00"), 2.5 for Decimal("2.50"); numbers pass through (nested schemas
    may resolve a value twice)."""
    if not isinstance(value, Decimal):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


class CriteriaSetOut(Schema):
    code: str
    name: str
    legal_reference: str
    in_force_from: dt.date
    in_force_to: dt.date | None
    status: str
    official: bool = Field(description="false for unofficial transcriptions")
    procedure_profile: str
    part_maxima: dict[str, int]
    superseded_by: str | None = Field(None, description="code of the set that replaced it")
    locked: bool = Field(description="used by an evaluation: cannot be edited, only superseded")

    @staticmethod
    def resolve_superseded_by(obj: CriteriaSet) -> str | None:
        return obj.superseded_by.code if obj.superseded_by_id else None

    @staticmethod
    def resolve_locked(obj: CriteriaSet) -> bool:
        return obj.locked_at is not None


class CriteriaSetListOut(CriteriaSetOut):
    scorecards: int
    usable_scorecards: int

    @staticmethod
    def resolve_scorecards(obj: CriteriaSet) -> int:
        return obj.scorecard_count  # type: ignore[attr-defined]

    @staticmethod
    def resolve_usable_scorecards(obj: CriteriaSet) -> int:
        return obj.usable_count  # type: ignore[attr-defined]


class ClassificationOut(Schema):
    code: str
    level: str
    name: str
    managing_ministry: str
    scorecard: int | None = Field(None, description="number of the scorecard of a leaf")
    children: list[ClassificationOut]

    @staticmethod
    def resolve_scorecard(obj: ClassificationNode) -> int | None:
        return obj.scorecard.number if obj.scorecard_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_children(obj: ClassificationNode) -> list[ClassificationNode]:
        return obj.kids  # type: ignore[attr-defined]


ClassificationOut.model_rebuild()


class CorrectionOut(Schema):
    scorecard: int
    node_code: str
    option_seq: int | None
    field: str
    source_value: Any
    corrected_value: Any
    reason: str
    evidence: str
    status: str
    applied: bool

    @staticmethod
    def resolve_scorecard(obj: Correction) -> int:
        return obj.board_no


class ScorecardRef(Schema):
    number: int
    name: str
    classification: str
    usable: bool
    incomplete_reason: str


class CriteriaSetDetailOut(CriteriaSetOut):
    document_title: str
    bands: list[list[int]] = Field(description="[stars, lowest average total], highest first")
    certified_levels: list[int]
    requirement_policy: str
    spread_threshold: float
    ministry_threshold: float
    policies: dict[str, Any]
    source_format: str
    source_file: str
    source_sha256: str
    provenance: str
    official_link: str
    summary: dict[str, Any]
    warnings: list[dict[str, Any]]
    classification: list[ClassificationOut]
    scorecards: list[ScorecardRef]
    corrections: list[CorrectionOut]

    @staticmethod
    def resolve_classification(obj: CriteriaSet) -> list[ClassificationNode]:
        return obj.classification_roots  # type: ignore[attr-defined]

    @staticmethod
    def resolve_scorecards(obj: CriteriaSet) -> list[Scorecard]:
        return obj.scorecard_list  # type: ignore[attr-defined]

    @staticmethod
    def resolve_corrections(obj: CriteriaSet) -> list[Correction]:
        return obj.correction_list  # type: ignore[attr-defined]


class OptionOut(Schema):
    seq: int = Field(description="position in the source document")
    label: str = Field(description="for display: asterisks and trailing notes removed")
    label_source: str = Field(description="verbatim, asterisks included")
    points: int | float
    min_star_marker: int | None
    case: str | None = Field(None, description="alternative case a or b")

    @staticmethod
    def resolve_points(obj: Option) -> int | float | None:
        return _as_number(obj.points)

    @staticmethod
    def resolve_case(obj: Option) -> str | None:
        return obj.case or None


class NoteOut(Schema):
    seq: int
    kind: str
    text: str
    case: str | None = None

    @staticmethod
    def resolve_case(obj: Note) -> str | None:
        return obj.case or None


class NodeOut(Schema):
    code: str
    level: int
    kind: str
    title: str = Field(description="verbatim")
    display_title: str
    max_points: int | float | None
    scorable: bool
    binary: bool = Field(description="no options: 0 or max_points")
    conditional: bool
    condition_note: str
    cases: str | None = Field(None, description="split, or unsplit (one list, split unknown)")
    options: list[OptionOut]
    notes: list[NoteOut]
    children: list[NodeOut]

    @staticmethod
    def resolve_max_points(obj: Node) -> int | float | None:
        return _as_number(obj.max_points)

    @staticmethod
    def resolve_cases(obj: Node) -> str | None:
        return obj.cases or None

    @staticmethod
    def resolve_options(obj: Node) -> list[Option]:
        return obj.option_list  # type: ignore[attr-defined]

    @staticmethod
    def resolve_notes(obj: Node) -> list[Note]:
        return obj.note_list  # type: ignore[attr-defined]

    @staticmethod
    def resolve_children(obj: Node) -> list[Node]:
        return obj.kids  # type: ignore[attr-defined]


NodeOut.model_rebuild()


class KnockoutOut(Schema):
    code: str
    scope: str
    criterion_code: str | None
    text: str

    @staticmethod
    def resolve_criterion_code(obj: KnockoutRule) -> str | None:
        return obj.criterion_code or None


class ScorecardOut(Schema):
    criteria_set: str
    number: int
    name: str
    classification: str
    meta: list[str] = Field(description="the other lines of the printed form, verbatim")
    total_max: int | float
    usable: bool = Field(description="false: incomplete, not usable for new scoring")
    incomplete_reason: str
    parts: list[NodeOut]
    notes: list[NoteOut]
    knockouts: list[KnockoutOut]
    corrections: list[CorrectionOut]

    @staticmethod
    def resolve_criteria_set(obj: Any) -> str:
        return str(obj.scorecard.criteria_set.code)

    @staticmethod
    def resolve_number(obj: Any) -> int:
        return int(obj.scorecard.number)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.scorecard.name)

    @staticmethod
    def resolve_classification(obj: Any) -> str:
        return str(obj.scorecard.classification)

    @staticmethod
    def resolve_meta(obj: Any) -> list[str]:
        return list(obj.scorecard.meta)

    @staticmethod
    def resolve_total_max(obj: Any) -> int | float | None:
        return _as_number(obj.scorecard.total_max)

    @staticmethod
    def resolve_usable(obj: Any) -> bool:
        return bool(obj.scorecard.usable)

    @staticmethod
    def resolve_incomplete_reason(obj: Any) -> str:
        return str(obj.scorecard.incomplete_reason)

    @staticmethod
    def resolve_notes(obj: Any) -> list[Note]:
        return list(obj.scorecard_notes)
