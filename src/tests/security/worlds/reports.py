"""Objects of the reports app for the authorisation matrix (see tests/security/world.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ocop.reports.enums import ImportKind, TrainingAudience, TrainingStatus
from ocop.reports.services.imports import run_import_job, start_import
from tests.factories.reports import (
    PlanFactory,
    TrainingAttendanceFactory,
    TrainingCourseFactory,
    TrainingParticipantFactory,
    TrainingSessionFactory,
)
from tests.reports.import_files import producer_row, workbook_bytes, xlsx_upload

from .. import matrix as m

YEAR = 2026


def build(world: Any) -> None:
    """Commune A's plan of the year; a course of commune A, open, with one session and producer
    A's person enrolled and present (so producer A reads it, commune B's officer does not); and
    an import by the office that failed with its problems listed."""
    world.objects["reports_plan_a"] = PlanFactory(
        year=YEAR,
        unit=world.commune_a,
        products_target=12,
        stars_3_target=6,
        stars_4_target=4,
        stars_5_target=1,
        reference="Kế hoạch 12/KH-UBND",
    )
    course = TrainingCourseFactory(
        title="Tập huấn xây dựng hồ sơ OCOP xã Bát Tràng",
        audience=TrainingAudience.PRODUCERS,
        unit=world.commune_a,
        year=YEAR,
        status=TrainingStatus.OPEN,
    )
    session = TrainingSessionFactory(
        course=course, starts_on=dt.date(YEAR, 5, 6), ends_on=dt.date(YEAR, 5, 7)
    )
    person = TrainingParticipantFactory(
        course=course, producer=world.producer_a, full_name="Nguyễn Thị Lan"
    )
    TrainingAttendanceFactory(session=session, participant=person)
    world.objects["reports_course_a"] = course
    world.objects["reports_session_a"] = session
    world.objects["reports_participant_a"] = person
    world.objects["reports_import"] = _failed_import(world)


def _failed_import(world: Any) -> Any:
    """An import of two producers refused for its problems (an unknown commune code, negative
    workers): its page lists them."""
    rows = [
        producer_row(world.commune_a, 1, commune="77777"),
        producer_row(world.commune_a, 2, workforce_local=-1),
    ]
    content = workbook_bytes("producers", rows)
    job = start_import(
        actor=world.user(m.OFFICE),
        kind=ImportKind.PRODUCERS,
        upload=xlsx_upload(content, "chu-the.xlsx"),
        queue=False,
    )
    return run_import_job(job.code)
