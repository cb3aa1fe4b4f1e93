"""The reports API (mounted at /api/v1/reports): the summary figures, plans and training."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.accounts.rules import Access, access_for
from ocop.core.problems import Problem
from ocop.evaluation.services.refusals import Refusal
from ocop.reports.enums import TrainingAudience, TrainingStatus
from ocop.reports.forms_dashboard import DashboardFilters, parse_dashboard_filters
from ocop.reports.models import Plan
from ocop.reports.queries.dashboard import dashboard_data, limited_scope
from ocop.reports.queries.plans import (
    access_plan,
    find_unit,
    in_unit_order,
    may_see_plans_of,
    plan_url_code,
    plans_visible_to,
    progress_of_plans,
)
from ocop.reports.queries.summary import summary
from ocop.reports.queries.training import (
    access_course,
    course_participants,
    course_sessions,
    courses_visible_to,
)
from ocop.reports.rules import can_manage_plans, can_see_reports
from ocop.reports.schemas import (
    DashboardOut,
    ReportFiltersIn,
    SummaryIn,
    SummaryOut,
)
from ocop.reports.schemas_plans import (
    CourseDetailOut,
    CourseFiltersIn,
    CourseIn,
    CourseOut,
    PlanFiltersIn,
    PlanIn,
    PlanOut,
    course_detail_out,
    plan_out,
)
from ocop.reports.services.plans import save_plan
from ocop.reports.services.training import create_course

router = Router(tags=["reports"])


# --- the summary and the dashboard (ocop.reports.schemas) -------------------------------------
# `GET /summary?year=&unit=` and `GET /dashboard?year=|start=&end=&unit=&group=&kind=`: the
# figures of the dashboard, for officials (404 for anyone else); a commune officer's figures are
# those of their communes. A unit that does not exist, or is not the commune officer's, is 404;
# a value that cannot be read (a year of letters or out of 2000–2200, an unknown group or kind,
# a period ending before it starts) is 422 naming the field.


def _report_filters(request: HttpRequest, params: dict) -> tuple[Access, DashboardFilters]:
    access = access_for(request.auth)
    if not can_see_reports(access):
        raise Http404
    raw = {key: value for key, value in params.items() if value not in (None, "")}
    if "start" in raw:
        raw["start"] = raw["start"].isoformat()
    if "end" in raw:
        raw["end"] = raw["end"].isoformat()
    filters = parse_dashboard_filters(raw, access)
    if filters.unit_missing:
        raise Http404
    if filters.errors:
        raise ValidationError(filters.errors)
    return access, filters


@router.get("/summary", response=SummaryOut, summary="The summary figures of a year")
def get_summary(request: HttpRequest, filters: Query[SummaryIn]) -> dict:
    """Ranked products (each once, in its highest class), producers by kind and their workers,
    the plan's target and its achievement in percent (one decimal: 100.3)."""
    access, parsed = _report_filters(request, filters.dict())
    return summary(limited_scope(parsed.scope, access)).as_json()


@router.get("/dashboard", response=DashboardOut, summary="Every figure of the dashboard")
def get_dashboard(request: HttpRequest, filters: Query[ReportFiltersIn]) -> dict:
    """The summary, products evaluated per level, dossiers waiting per status and level (with
    the overdue ones), certificates per state today, scans, connections, training and the
    ranked products per cycle year."""
    access, parsed = _report_filters(request, filters.dict())
    return dashboard_data(parsed.scope, access).as_json()


# --- plans and training (ocop.reports.schemas_plans) ------------------------------------------
# Plans: `GET /plans?year=` (with each plan's progress), `PUT /plans/{year}/{unit_code}` (the
# office: create or update). Training: `GET /training/courses`, `GET /training/courses/{code}`,
# `POST /training/courses`. 404 for what the caller may not see, 403 for a refusal to someone
# who sees it, 409 for a move the state forbids, 422 naming the field for bad input.


def _refusal(exc: Refusal) -> Problem:
    return Problem(exc.status, exc.text, kind=exc.kind)


@router.get("/plans", response=list[PlanOut], summary="Plans with their progress")
def list_plans(request: HttpRequest, filters: Query[PlanFiltersIn]) -> list[dict]:
    """The plans the caller may see (officials), with the ranked products counted as the
    summary counts them. One query per year listed."""
    access = access_for(request.auth)
    if not can_see_reports(access):
        raise Http404
    plans = plans_visible_to(access).select_related("unit")
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    ordered = in_unit_order(list(plans))
    return [plan_out(progress) for progress in progress_of_plans(ordered)]


@router.put(
    "/plans/{year}/{unit_code}",
    response={200: PlanOut, 201: PlanOut},
    summary="Set the plan of a year for a unit (the provincial office)",
)
def put_plan(request: HttpRequest, year: int, unit_code: str, payload: PlanIn) -> Status:
    """Creates the plan (201) or replaces its targets (200). `unit_code`: the unit's official
    code (resolved in that year) or its key. 403 for officials who do not set plans but see
    that unit's plans (404 for the others: a commune officer and another commune); 422 for a
    year out of 2018–2100, a unit unknown that year, negative targets, or 3★+4★+5★ above the
    products target."""
    access = access_for(request.auth)
    if not can_see_reports(access):
        raise Http404
    if not can_manage_plans(access):
        # 403 only for an official who sees the plans of that unit; anyone else 404, so that a
        # commune officer learns nothing about another commune's plan.
        unit = find_unit(unit_code, year)
        if unit is None or not may_see_plans_of(access, unit):
            raise Http404
    existed = Plan.objects.filter(year=year).filter(unit__code=unit_code).exists() or (
        Plan.objects.filter(year=year, unit__key=unit_code).exists()
    )
    try:
        plan = save_plan(actor=request.auth, year=year, unit=unit_code, data=payload.dict())
    except Refusal as exc:
        raise _refusal(exc) from None
    progress = progress_of_plans([access_plan(request.auth, plan.year, plan_url_code(plan))])
    return Status(200 if existed else 201, plan_out(progress[0]))


@router.get(
    "/training/courses", response=list[CourseOut], summary="The training courses the caller sees"
)
@paginate(LimitOffsetPagination)
def list_courses(request: HttpRequest, filters: Query[CourseFiltersIn]) -> Any:
    access = access_for(request.auth)
    if not (can_see_reports(access) or access.is_producer):
        raise Http404
    courses = courses_visible_to(access).select_related("unit")
    if filters.year is not None:
        courses = courses.filter(year=filters.year)
    if filters.audience in TrainingAudience.values:
        courses = courses.filter(audience=filters.audience)
    if filters.status in TrainingStatus.values:
        courses = courses.filter(status=filters.status)
    return courses.annotate(
        session_count=Count("sessions", distinct=True),
        participant_count=Count("participants", distinct=True),
    ).order_by("-year", "title", "pk")


@router.get(
    "/training/courses/{code}", response=CourseDetailOut, summary="One course with attendance"
)
def get_course(request: HttpRequest, code: str) -> dict:
    """Sessions with how many were present, participants with the sessions they attended. A
    producer's people see their own participants only."""
    access = access_for(request.auth)
    course = access_course(access, code)
    participants = course_participants(course)
    if not can_see_reports(access):
        from ocop.accounts.enums import PRODUCER_ROLES

        participants = participants.filter(
            producer__organisation_id__in=access.organisations_with(*PRODUCER_ROLES)
        )
    return course_detail_out(course, list(course_sessions(course)), list(participants))


@router.post(
    "/training/courses", response={201: CourseDetailOut}, summary="Create a course (officials)"
)
def post_course(request: HttpRequest, payload: CourseIn) -> Status:
    """A new planned course. 404 for anyone but officials who organise training; 422 naming the
    field for bad input (an unknown audience, a year out of range, a unit of another commune
    for a commune officer …)."""
    from ocop.reports.rules import can_manage_training

    access = access_for(request.auth)
    if not can_manage_training(access):
        raise Http404
    try:
        course = create_course(actor=request.auth, data=payload.dict())
    except Refusal as exc:
        raise _refusal(exc) from None
    return Status(201, course_detail_out(course, [], []))
