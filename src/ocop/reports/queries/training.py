"""Reads of training (đào tạo, tập huấn): the figures the dashboard shows, the courses a user may
see, and the permission loader.

Who sees what (`ocop.reports.rules` for the roles):

- officials who see the whole province (the office, the approver, the council, administrators):
  every course;
- a commune officer: the courses of their commune(s), and those not tied to a commune (no unit,
  or the province or district their commune belongs to);
- a producer's people: the courses one of their producers is enrolled in (read only);
- anyone else: nothing (404).

`write=True` asks for the right to change the course: the office and administrators for every
course, a commune officer for the courses of their own commune(s).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.reports.enums import TrainingStatus
from ocop.reports.models import TrainingCourse, TrainingParticipant, TrainingSession
from ocop.reports.queries.summary import unit_condition
from ocop.reports.rules import can_manage_training, can_see_reports

# --- the dashboard's figures ------------------------------------------------------------------


def training_counts(
    *,
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    unit: Any = None,
    unit_ids: Iterable[int] | None = None,
) -> dict[str, Any]:
    """The training figures of a scope, in two queries.

    - Cancelled courses never count.
    - `year` filters on the course's year. A period (`start`–`end`, either end optional) counts
      the sessions that start within it, the courses that have such a session, their
      participants, and as attended those present at one of those sessions.
    - `unit` (province, district or commune) counts the courses held in it or in a unit under
      it; `unit_ids` (a commune officer's communes, `report_unit_ids`) the courses of those
      units. A course without a unit counts only when neither is given.

    Keys: `courses`, `sessions`, `participants`, `attended` (participants present at one session
    or more), `by_audience` ({course audience: participants}), `by_kind` ({participant kind:
    participants}).
    """
    courses = TrainingCourse.objects.exclude(status=TrainingStatus.CANCELLED)
    if year is not None:
        courses = courses.filter(year=year)
    if unit is not None:
        courses = courses.filter(unit_condition(unit, prefix="unit"))
    if unit_ids is not None:
        courses = courses.filter(unit_id__in=list(unit_ids))

    session_in_period = Q()
    if start is not None:
        session_in_period &= Q(starts_on__gte=start)
    if end is not None:
        session_in_period &= Q(starts_on__lte=end)
    periodic = start is not None or end is not None

    sessions = TrainingSession.objects.filter(session_in_period, course__in=courses)
    if periodic:
        courses = courses.filter(pk__in=sessions.values("course_id"))
    totals = sessions.aggregate(
        sessions=Count("pk", distinct=True), courses=Count("course_id", distinct=True)
    )
    if not periodic:
        # A course without sessions yet still counts as a course.
        totals["courses"] = None

    present = Q(attendance__present=True)
    if start is not None:
        present &= Q(attendance__session__starts_on__gte=start)
    if end is not None:
        present &= Q(attendance__session__starts_on__lte=end)
    rows = (
        TrainingParticipant.objects.filter(course__in=courses)
        .values("course__audience", "kind")
        .annotate(n=Count("pk", distinct=True), attended=Count("pk", distinct=True, filter=present))
        .order_by()
    )
    by_audience: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    participants = attended = 0
    for row in rows:
        by_audience[row["course__audience"]] = (
            by_audience.get(row["course__audience"], 0) + row["n"]
        )
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
        participants += row["n"]
        attended += row["attended"]
    if totals["courses"] is None:
        totals["courses"] = courses.count()
    return {
        "courses": totals["courses"],
        "sessions": totals["sessions"],
        "participants": participants,
        "attended": attended,
        "by_audience": dict(sorted(by_audience.items())),
        "by_kind": dict(sorted(by_kind.items())),
    }


# --- visibility -------------------------------------------------------------------------------


def _ancestors_of(unit_ids: frozenset[int]) -> Q:
    """Courses tied to the district or the province of one of `unit_ids` (subqueries)."""
    from ocop.geo.models import AdministrativeUnit

    units = AdministrativeUnit.objects.filter(pk__in=unit_ids)
    return Q(unit_id__in=units.values("parent_id")) | Q(unit_id__in=units.values("province_id"))


def courses_visible_to(user_or_access: Any) -> QuerySet[TrainingCourse]:
    access = as_access(user_or_access)
    if access.sees_whole_province:
        return TrainingCourse.objects.all()
    condition = Q(pk__in=[])
    if access.is_commune_officer and access.commune_unit_ids:
        condition |= Q(unit_id__in=access.commune_unit_ids)
        condition |= Q(unit__isnull=True)
        condition |= _ancestors_of(access.commune_unit_ids)
    producers = access.organisations_with(*PRODUCER_ROLES)
    if producers:
        enrolled = TrainingParticipant.objects.filter(producer__organisation_id__in=producers)
        condition |= Q(pk__in=enrolled.values("course_id"))
    return TrainingCourse.objects.filter(condition)


def courses_managed_by(user_or_access: Any) -> QuerySet[TrainingCourse]:
    access = as_access(user_or_access)
    if access.is_admin or access.is_province_officer:
        return TrainingCourse.objects.all()
    if access.is_commune_officer and access.commune_unit_ids:
        return TrainingCourse.objects.filter(unit_id__in=access.commune_unit_ids)
    return TrainingCourse.objects.none()


def can_write_course(user_or_access: Any, course: TrainingCourse) -> bool:
    access = as_access(user_or_access)
    if not can_manage_training(access):
        return False
    if access.is_admin or access.is_province_officer:
        return True
    return course.unit_id is not None and course.unit_id in access.commune_unit_ids


def access_course(user: Any, code: str, write: bool = False) -> TrainingCourse:
    """The course `code` if the user may see it (or change it with `write=True`); 404
    otherwise."""
    access = as_access(user)
    visible = courses_managed_by(access) if write else courses_visible_to(access)
    course = visible.select_related("unit", "created_by").filter(code=code).first()
    if course is None:
        raise Http404
    return course


def is_training_official(access: Access) -> bool:
    """Officials read every list of training; producers only their own courses' pages."""
    return can_see_reports(access)


def session_of(course: TrainingCourse, session_id: int) -> TrainingSession:
    session = course.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def course_participants(course: TrainingCourse) -> QuerySet[TrainingParticipant]:
    """The course's participants with how many sessions each attended (one query)."""
    return (
        course.participants.select_related("producer", "unit", "user")
        .annotate(sessions_attended=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("full_name", "pk")
    )


def course_sessions(course: TrainingCourse) -> QuerySet[TrainingSession]:
    """The course's sessions with how many were present (one query)."""
    return course.sessions.annotate(
        present_count=Count("attendance", filter=Q(attendance__present=True))
    ).order_by("starts_on", "pk")
