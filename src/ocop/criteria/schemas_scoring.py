"""The body of `ocop score --sheets FILE` and of `POST /api/v1/scoring/preview`, and the result.

The CLI validates its file with `SheetsIn` and the API its body with `ScoringPreviewIn` (the same
fields plus `criteria_set` and `scorecard`), so both accept exactly the same sheets. Points are
documented as numbers but checked by the engine, whose errors name the criterion
("The points of criterion 1.1 must be a number."), not by pydantic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema

from ocop.criteria.engine.scoring import SheetInput

MAX_SHEETS = 100  # a council has a handful of members; this bounds a public request
MAX_SELECTIONS = 200  # the largest scorecard has 34 criteria
MAX_KNOCKOUTS = 20


def _exact(value: Any) -> Any:
    """JSON numbers to exact Decimals (1.5 → Decimal('1.5')); anything else goes to the engine,
    which reports it against its criterion."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


Points = Annotated[
    Any,
    BeforeValidator(_exact),
    WithJsonSchema({"type": "number", "description": "points awarded on the criterion"}),
]
Code = Annotated[str, Field(min_length=1, max_length=20)]


class SheetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member: str = Field(min_length=1, max_length=100, description="who filled the sheet")
    selections: dict[str, Points] = Field(
        max_length=MAX_SELECTIONS,
        description="criterion code → points awarded (an option's points, or 0)",
        examples=[{"1.1": 3, "1.2": 1}],
    )
    knockouts: list[Code] = Field(
        default_factory=list,
        max_length=MAX_KNOCKOUTS,
        description='criterion-level stop rules this member applies (e.g. "6.1")',
    )


class SheetsIn(Schema):
    sheets: list[SheetIn] = Field(max_length=MAX_SHEETS, description="one sheet per member")
    dossier_knockouts: list[Code] = Field(
        default_factory=list,
        max_length=MAX_KNOCKOUTS,
        description='dossier-level knock-outs decided for the whole dossier (e.g. "dossier")',
    )

    def to_inputs(self) -> list[SheetInput]:
        return [
            SheetInput(sheet.member, sheet.selections, tuple(sheet.knockouts))
            for sheet in self.sheets
        ]


class ScoringPreviewIn(SheetsIn):
    criteria_set: str = Field(min_length=1, max_length=50, examples=["qd26-2026"])
    scorecard: int = Field(ge=1, le=1000, description="the bộ sản phẩm number", examples=[6])


Number = int | float


class ShortfallOut(Schema):
    criterion: str
    level: int
    required: Number
    achieved: Number


class KnockedOutOut(Schema):
    code: str
    scope: str
    reason: str
    members: list[str]


class MemberResultOut(Schema):
    member: str
    total: Number
    parts: dict[str, Number]
    groups: dict[str, Number]
    knockouts: list[str]


class ScoringResultOut(Schema):
    mean_total: Number
    median_total: Number
    spread: Number
    band_stars: int
    stars: int
    capped_by: list[ShortfallOut]
    flag_discussion: bool
    knocked_out: KnockedOutOut | None
    members: list[MemberResultOut]


class ScoringIssueOut(Schema):
    field: str | None
    criterion: str | None = None
    member: str | None = None
    message: str


class ScoringProblemOut(Schema):
    type: str
    title: str
    status: int
    instance: str
    detail: str | None = None
    errors: list[ScoringIssueOut] | None = None
