"""Schemas of the reports API: the summary and the dashboard (`api.py`, top section). The plan
and training schemas are in `schemas_plans.py`."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ReportFiltersIn(Schema):
    """The dashboard's filters (`ocop.reports.forms_dashboard`): a cycle `year` or a period
    `start`–`end` (yyyy-mm-dd), an administrative unit's official code (or key), a
    classification node code (`group`), a producer kind."""

    year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    unit: str | None = None
    group: str | None = None
    kind: str | None = None


class SummaryIn(Schema):
    year: int | None = None
    unit: str | None = None


class SummaryOut(Schema):
    year: int | None
    unit: str | None
    products_ranked: int
    stars: dict[str, int]
    producers: int
    producers_by_kind: dict[str, int]
    workers: int
    plan_target: int | None
    plan_achievement_percent: float | None


class WaitingOut(Schema):
    status: str
    level: str
    count: int
    overdue: int


class TrainingOut(Schema):
    courses: int
    sessions: int
    participants: int
    attended: int
    by_audience: dict[str, int]


class TrendOut(Schema):
    year: int
    products_ranked: int
    stars: dict[str, int]


class DashboardOut(Schema):
    year: int | None
    start: dt.date | None
    end: dt.date | None
    unit: str | None
    group: str | None
    producer_kind: str | None
    today: dt.date
    summary: SummaryOut
    evaluated: dict[str, int]
    waiting: list[WaitingOut]
    waiting_total: int
    waiting_overdue: int
    certificates: dict[str, int]
    scans: int
    scans_flagged: int
    connections: dict[str, int]
    training: TrainingOut
    trend: list[TrendOut]
