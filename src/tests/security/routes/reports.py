"""The reports app's routes in the authorisation matrix (see tests/security/matrix.py).

State management (docs/admin/reports.md): officials read the dashboard, the yearly report and
the plans (province-wide roles everything, a commune officer their own communes); the provincial
office and the administrator set plans and import spreadsheets; training is organised by the
office, the administrator and commune officers for their own communes, and read by producers
enrolled in a course. The world's objects belong to commune A (producer A's commune)."""

from __future__ import annotations

from typing import Any

from tests.reports.import_files import producer_row, workbook_bytes, xlsx_upload
from tests.security.matrix import (
    COMMUNE_A,
    COMMUNE_B,
    DENIED,
    FORBIDDEN,
    MANAGERS,
    OWNER_A,
    PRODUCER_A,
    PRODUCER_B,
    PROVINCE,
    STAFF,
    E,
    Entry,
)

YEAR = 2026
# Training: read by officials and by producers' people (their own courses); organised by the
# office, the administrator and commune officers (a course of their own commune).
TRAINING_READERS = STAFF | {PRODUCER_A, PRODUCER_B}
ORGANISERS = MANAGERS | {COMMUNE_A, COMMUNE_B}
# Producer A's course in commune A: province-wide officials, commune A's officer, producer A
# (enrolled); changed by the office, the administrator and commune A's officer.
COURSE_A_READERS = PROVINCE | {COMMUNE_A} | OWNER_A
COURSE_A_WRITERS = MANAGERS | {COMMUNE_A}
PLAN_A_READERS = PROVINCE | {COMMUNE_A}


def _plan(world: Any) -> dict[str, Any]:
    plan = world.reports_plan_a
    return {"year": plan.year, "unit": plan.unit.code}


def _course(world: Any) -> dict[str, Any]:
    return {"code": world.reports_course_a.code}


def _attendance(world: Any) -> dict[str, Any]:
    return {"code": world.reports_course_a.code, "session": world.reports_session_a.pk}


def _import(world: Any) -> dict[str, Any]:
    return {"code": world.reports_import.code}


def _course_form(world: Any) -> dict[str, Any]:
    return {
        "title": "Tập huấn bao bì, nhãn mác sản phẩm OCOP",
        "audience": "producers",
        "organiser": "UBND xã Bát Tràng",
        "year": YEAR,
        "unit": world.commune_a.key,
    }


def _upload(world: Any) -> dict[str, Any]:
    content = workbook_bytes("producers", [producer_row(world.commune_a, 41)])
    return {"kind": "producers", "file": xlsx_upload(content, "chu-the.xlsx")}


ENTRIES: list[Entry] = [
    # --- the dashboard, its charts, the ranked products, the yearly report ---------------------
    E("reports:dashboard", STAFF, query=f"?year={YEAR}"),
    E("reports:chart", STAFF, kwargs=lambda w: {"chart": "stars"}),
    E("reports:ranked", STAFF, query=f"?year={YEAR}"),
    E("reports:yearly", STAFF, query=f"?year={YEAR}"),
    E("reports:yearly_xlsx", STAFF, query=f"?year={YEAR}"),
    E("reports:yearly_pdf", STAFF, query=f"?year={YEAR}"),
    # --- plans --------------------------------------------------------------------------------
    E("reports:plans", STAFF, query=f"?year={YEAR}"),
    E(
        "reports:plan_create",
        MANAGERS,
        method="post",
        data=lambda w: {
            "year": YEAR,
            "unit": w.commune_b.key,
            "products_target": 5,
            "stars_3_target": 3,
            "stars_4_target": 1,
            "stars_5_target": 0,
        },
    ),
    E(
        "reports:plan",
        PLAN_A_READERS,
        kwargs=_plan,
        note="commune A's plan: province-wide officials and commune A's officer",
    ),
    E(
        "reports:plan_edit",
        MANAGERS,
        kwargs=_plan,
        method="post",
        data={"products_target": 15, "stars_3_target": 7, "stars_4_target": 5},
    ),
    # --- training -----------------------------------------------------------------------------
    E(
        "reports:courses",
        TRAINING_READERS,
        note="a producer's people list the courses their producer is enrolled in (none for B)",
    ),
    E(
        "reports:course_create",
        ORGANISERS,
        method="post",
        data=_course_form,
        note="commune B's officer reaches the form, which refuses commune A as the unit",
    ),
    E("reports:course", COURSE_A_READERS, kwargs=_course),
    E(
        "reports:course_edit",
        COURSE_A_WRITERS,
        kwargs=_course,
        method="post",
        data=_course_form,
    ),
    E(
        "reports:course_status",
        COURSE_A_WRITERS,
        kwargs=_course,
        method="post",
        data={"to": "completed"},
    ),
    E(
        "reports:session_create",
        COURSE_A_WRITERS,
        kwargs=_course,
        method="post",
        data={"starts_on": "10/06/2026", "ends_on": "11/06/2026", "place": "Nhà văn hoá thôn"},
    ),
    E(
        "reports:participant_create",
        COURSE_A_WRITERS,
        kwargs=_course,
        method="post",
        data={"kind": "official", "full_name": "Trần Văn Bình", "organisation_name": "UBND xã"},
    ),
    E(
        "reports:attendance",
        COURSE_A_WRITERS,
        kwargs=_attendance,
        method="post",
        data=lambda w: {"present": [str(w.reports_participant_a.pk)]},
    ),
    # --- spreadsheet imports (the office and the administrator) -------------------------------
    E("reports:imports", MANAGERS, method="post", data=_upload),
    E("reports:import_template", MANAGERS, kwargs=lambda w: {"kind": "producers"}),
    E("reports:import", MANAGERS, kwargs=_import),
    E(
        "reports:import_progress",
        MANAGERS,
        kwargs=_import,
        anonymous=DENIED,
        note="JSON read by the page's script: 404 to a visitor too, no sign-in redirect",
    ),
    # --- the API ------------------------------------------------------------------------------
    E("GET /api/v1/reports/summary", STAFF, query=f"?year={YEAR}"),
    E("GET /api/v1/reports/dashboard", STAFF, query=f"?year={YEAR}"),
    E("GET /api/v1/reports/plans", STAFF, query=f"?year={YEAR}"),
    E(
        "PUT /api/v1/reports/plans/{year}/{unit_code}",
        MANAGERS,
        kwargs=lambda w: {"year": YEAR, "unit_code": w.commune_a.code},
        data={"products_target": 15, "stars_3_target": 7, "stars_4_target": 5},
        expect=dict.fromkeys(PLAN_A_READERS - MANAGERS, FORBIDDEN),
        note="commune A's existing plan: officials who read it (province-wide roles, commune A's "
        "officer) but do not set plans are refused with exactly 403 (documented; they know it "
        "exists); commune B's officer and the rest get 404 (fixed: was 403)",
    ),
    E("GET /api/v1/reports/training/courses", TRAINING_READERS),
    E(
        "POST /api/v1/reports/training/courses",
        ORGANISERS,
        data=lambda w: {**_course_form(w), "unit": w.commune_a.code},
        note="commune B's officer may organise courses, and is refused commune A's (422)",
    ),
    E("GET /api/v1/reports/training/courses/{code}", COURSE_A_READERS, kwargs=_course),
]
