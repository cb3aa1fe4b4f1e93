"""API shapes of plans and training (`ocop.reports.api`). Codes only, never database ids: units
by their key (c00004) and official code, courses by their code; dates ISO 8601.

The inputs fix the types only (a target that is not a whole number: 422 naming the field, from
the schema); the rules (targets not negative, 3★+4★+5★ not above the products, a unit of that
year, choices from the lists) are the services', so that the pages and the API give the same
messages (422 problem details naming the field)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from ocop.reports.models import TrainingCourse
from ocop.reports.queries.plans import PlanProgress, plan_url_code


class UnitRef(Schema):
    key: str
    code: str
    name: str
    level: str


def unit_ref(unit: Any) -> dict[str, str] | None:
    if unit is None:
        return None
    return {"key": unit.key, "code": unit.code, "name": unit.name, "level": unit.level}


# --- plans ------------------------------------------------------------------------------------


class ProgressRowOut(Schema):
    key: str = Field(description="products | 3 | 4 | 5 | potential_5")
    target: int | None
    actual: int
    achievement_percent: float | None = Field(description="actual ÷ target, one decimal")


class PlanOut(Schema):
    year: int
    unit: UnitRef
    products_target: int
    stars_3_target: int
    stars_4_target: int
    stars_5_target: int
    reference: str
    note: str
    products_ranked: int
    stars: dict[str, int] = Field(description="Ranked products by class: 5, potential_5, 4, 3")
    achievement_percent: float | None = Field(description="Ranked ÷ products target, e.g. 100.3")
    progress: list[ProgressRowOut]
    url: str


def plan_out(progress: PlanProgress) -> dict[str, Any]:
    plan = progress.plan
    rows = [
        {
            "key": row.key,
            "target": row.target,
            "actual": row.actual,
            "achievement_percent": float(row.percent) if row.percent is not None else None,
        }
        for row in progress.rows
    ]
    return {
        "year": plan.year,
        "unit": unit_ref(plan.unit),
        "products_target": plan.products_target,
        "stars_3_target": plan.stars_3_target,
        "stars_4_target": plan.stars_4_target,
        "stars_5_target": plan.stars_5_target,
        "reference": plan.reference,
        "note": plan.note,
        "products_ranked": progress.products.actual,
        "stars": dict(progress.stars),
        "achievement_percent": rows[0]["achievement_percent"],
        "progress": rows,
        "url": reverse("reports:plan", kwargs={"year": plan.year, "unit": plan_url_code(plan)}),
    }


class PlanFiltersIn(Schema):
    year: int | None = Field(default=None, description="The plans of this year only")


class PlanIn(Schema):
    products_target: int = Field(description="Products to evaluate and rank (≥3★)")
    stars_3_target: int = 0
    stars_4_target: int = 0
    stars_5_target: int = 0
    reference: str = Field(default="", description="The plan document, e.g. 100/KH-UBND")
    note: str = ""


# --- training ---------------------------------------------------------------------------------


class CourseFiltersIn(Schema):
    year: int | None = None
    audience: str = Field(default="", max_length=20, description="officials | producers | mixed")
    status: str = Field(
        default="", max_length=20, description="planned | open | completed | cancelled"
    )


class CourseIn(Schema):
    title: str
    organiser: str
    audience: str = Field(description="officials | producers | mixed")
    year: int
    topic: str = ""
    description: str = ""
    capacity: int | None = Field(default=None, description="Places; null: no limit")
    unit: str | None = Field(
        default=None, description="A unit's key (c00004) or official code; null: the programme"
    )


class CourseFields(Schema):
    code: str
    title: str
    topic: str
    audience: str
    organiser: str
    unit: UnitRef | None
    year: int
    capacity: int | None
    status: str
    sessions: int
    participants: int
    url: str


class CourseOut(CourseFields):
    @staticmethod
    def resolve_unit(obj: TrainingCourse) -> dict[str, str] | None:
        return unit_ref(obj.unit)

    @staticmethod
    def resolve_sessions(obj: TrainingCourse) -> int:
        return int(getattr(obj, "session_count", 0))

    @staticmethod
    def resolve_participants(obj: TrainingCourse) -> int:
        return int(getattr(obj, "participant_count", 0))

    @staticmethod
    def resolve_url(obj: TrainingCourse) -> str:
        return reverse("reports:course", kwargs={"code": obj.code})


class SessionOut(Schema):
    starts_on: dt.date
    ends_on: dt.date
    place: str
    trainer: str
    present: int


class ParticipantOut(Schema):
    full_name: str
    kind: str
    organisation_name: str
    producer: str | None = Field(description="The producer's code")
    sessions_attended: int


class CourseDetailOut(CourseFields):
    description: str
    attended: int = Field(description="Participants present at one session or more")
    session_list: list[SessionOut]
    participant_list: list[ParticipantOut]


def course_detail_out(
    course: TrainingCourse, sessions: list[Any], participants: list[Any]
) -> dict[str, Any]:
    return {
        "code": course.code,
        "title": course.title,
        "topic": course.topic,
        "audience": course.audience,
        "organiser": course.organiser,
        "unit": unit_ref(course.unit),
        "year": course.year,
        "capacity": course.capacity,
        "status": course.status,
        "sessions": len(sessions),
        "participants": len(participants),
        "url": reverse("reports:course", kwargs={"code": course.code}),
        "description": course.description,
        "attended": sum(1 for p in participants if p.sessions_attended),
        "session_list": [
            {
                "starts_on": s.starts_on,
                "ends_on": s.ends_on,
                "place": s.place,
                "trainer": s.trainer,
                "present": s.present_count,
            }
            for s in sessions
        ],
        "participant_list": [
            {
                "full_name": p.full_name,
                "kind": p.kind,
                "organisation_name": p.organisation_name,
                "producer": p.producer.code if p.producer else None,
                "sessions_attended": p.sessions_attended,
            }
            for p in participants
        ],
    }
