"""Request and response bodies of /api/v1/rounds and /api/v1/sessions (api_sessions.py).

Everything is identified by its code (rounds, sessions, dossiers) or username (members); points
are JSON numbers (an integer when whole), as in the scoring engine's JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from ocop.criteria.schemas_scoring import MAX_KNOCKOUTS, MAX_SELECTIONS, Code, Points

Number = int | float


class RoundIn(Schema):
    year: int = Field(ge=2000, le=2100)
    number: int = Field(ge=1, le=20)
    level: str = Field("province", description="commune, district, province or central")
    criteria_set: str = Field(min_length=1, max_length=40, description="the criteria set's code")
    proposal_deadline: dt.date | None = Field(
        None, description="empty: from the procedure's calendar"
    )
    evaluation_deadline: dt.date | None = Field(
        None, description="empty: from the procedure's calendar"
    )
    name: str = Field("", max_length=200)


class RoundStatusIn(Schema):
    to: str = Field(description="open, scoring or closed (one step at a time)")


class RoundOut(Schema):
    code: str
    name: str
    year: int
    number: int
    level: str
    criteria_set: str
    proposal_deadline: dt.date | None
    evaluation_deadline: dt.date | None
    status: str

    @staticmethod
    def resolve_criteria_set(obj: Any) -> str:
        return str(obj.criteria_set.code)


class SessionFilters(Schema):
    round: str | None = None  # a round's code
    status: str | None = None  # open or closed


class SessionOut(Schema):
    code: str
    council: str
    council_name: str
    round: str
    held_on: dt.date
    place: str
    status: str
    items: int

    @staticmethod
    def resolve_council(obj: Any) -> str:
        return obj["council"] if isinstance(obj, dict) else str(obj.council.code)

    @staticmethod
    def resolve_council_name(obj: Any) -> str:
        return obj["council_name"] if isinstance(obj, dict) else str(obj.council.name)

    @staticmethod
    def resolve_round(obj: Any) -> str:
        return obj["round"] if isinstance(obj, dict) else str(obj.round.code)

    @staticmethod
    def resolve_items(obj: Any) -> int:
        return obj["items"] if isinstance(obj, dict) else int(obj.item_count)


class QuorumOut(Schema):
    active: int
    present: int
    required: int
    ratio: Number
    chair_required: bool
    chair_present: bool
    met: bool


class MemberProgressOut(Schema):
    username: str
    name: str
    role: str
    department: str
    present: bool
    declared: bool
    conflict: bool
    state: str = Field(
        description="absent, undeclared, conflict, declared, draft, submitted or reopened"
    )


class ItemResultOut(Schema):
    mean_total: Number
    stars: int
    band_stars: int


class ItemOut(Schema):
    dossier: str
    product: str
    producer: str
    scorecard: int
    criteria_set: str
    position: int
    flagged_for_discussion: bool
    declared: int
    expected: int
    submitted: int
    complete: bool
    discussion_rounds: int
    open_discussion: int | None
    dossier_knockouts: list[str] = Field(description="the knock-outs of the whole dossier recorded")
    members: list[MemberProgressOut]
    result: ItemResultOut | None


class SessionDetailOut(SessionOut):
    quorum: QuorumOut
    closed_at: dt.datetime | None
    agenda: list[ItemOut]


class AttendanceIn(Schema):
    present: list[str] = Field(max_length=200, description="the usernames of the members present")


class DeclarationIn(Schema):
    has_conflict: bool
    note: str = Field("", max_length=2000)


class DeclarationOut(Schema):
    dossier: str
    member: str
    has_conflict: bool
    note: str
    declared_at: dt.datetime


class SheetIn(Schema):
    """The member's draft as it stands (saving replaces it): the criteria answered so far,
    comments, the stop rules recorded, the story question, and optionally which option was
    picked where the points alone do not say (1-based position, 0 for none)."""

    selections: dict[str, Points] = Field(
        max_length=MAX_SELECTIONS,
        description="criterion code → points (an option's points, or 0)",
        examples=[{"1.1": 2, "1.2": 1}],
    )
    comments: dict[str, str] = Field(default_factory=dict, max_length=MAX_SELECTIONS)
    knockouts: list[Code] = Field(
        default_factory=list,
        max_length=MAX_KNOCKOUTS,
        description='stop rules the member records (e.g. "6.1")',
    )
    has_story: bool = True
    choices: dict[str, int] = Field(default_factory=dict, max_length=MAX_SELECTIONS)


class SheetOut(Schema):
    member: str
    name: str
    role: str
    department: str
    status: str
    version: int
    has_story: bool
    selections: dict[str, Number]
    comments: dict[str, str]
    knockouts: list[str]
    choices: dict[str, int]
    total: Number | None = Field(description="the submitted total (null before submission)")
    running_total: Number = Field(description="the points of the criteria answered so far")
    parts: dict[str, Number]
    submitted_at: dt.datetime | None
    updated_at: dt.datetime | None = Field(description="null before the first save")


class DossierKnockoutIn(Schema):
    code: str = Field(max_length=40, description="a knock-out rule of scope “dossier”")
    reason: str = Field(max_length=2000, description="what the council found")


class DossierKnockoutsIn(Schema):
    knockouts: list[DossierKnockoutIn] = Field(
        max_length=20, description="replaces what was recorded; [] clears it"
    )


class DossierKnockoutOut(Schema):
    code: str
    reason: str
    by: str
    at: str


class DossierKnockoutsOut(Schema):
    dossier: str
    knockouts: list[DossierKnockoutOut]


class DiscussionIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class DiscussionOut(Schema):
    dossier: str
    number: int
    reason: str
    spread_before: Number | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    reopened: list[str]
