"""`training_counts`: the dashboard's training figures, exact, in a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.reports.enums import ParticipantKind, TrainingAudience, TrainingStatus
from ocop.reports.queries.training import training_counts
from tests.factories.geo import CommuneFactory, DistrictFactory, OldCommuneFactory, ProvinceFactory
from tests.factories.reports import (
    TrainingAttendanceFactory,
    TrainingCourseFactory,
    TrainingParticipantFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """2019: a provincial course for producers (2 sessions, 3 participants, 2 present), a course
    of an old commune for officials (1 session, 2 participants, nobody present), a cancelled
    course (never counts); 2020: a mixed course of a new commune without sessions (1
    participant)."""
    province = ProvinceFactory()
    district = DistrictFactory(parent=province)
    old = OldCommuneFactory(parent=district)
    new = CommuneFactory(parent=province)

    big = TrainingCourseFactory(unit=province, year=2019, status=TrainingStatus.COMPLETED)
    first = TrainingSessionFactory(course=big, starts_on=dt.date(2019, 3, 4))
    second = TrainingSessionFactory(course=big, starts_on=dt.date(2019, 9, 9))
    people = [TrainingParticipantFactory(course=big) for _ in range(3)]
    TrainingAttendanceFactory(session=first, participant=people[0])
    TrainingAttendanceFactory(session=second, participant=people[0])
    TrainingAttendanceFactory(session=second, participant=people[1])
    TrainingAttendanceFactory(session=first, participant=people[2], present=False)

    small = TrainingCourseFactory(
        unit=old, year=2019, audience=TrainingAudience.OFFICIALS, status=TrainingStatus.OPEN
    )
    session = TrainingSessionFactory(course=small, starts_on=dt.date(2019, 6, 1))
    officials = [
        TrainingParticipantFactory(course=small, kind=ParticipantKind.OFFICIAL) for _ in range(2)
    ]
    TrainingAttendanceFactory(session=session, participant=officials[0], present=False)

    cancelled = TrainingCourseFactory(unit=province, year=2019, status=TrainingStatus.CANCELLED)
    TrainingSessionFactory(course=cancelled)
    TrainingParticipantFactory(course=cancelled)

    later = TrainingCourseFactory(unit=new, year=2020, audience=TrainingAudience.MIXED)
    TrainingParticipantFactory(course=later, kind=ParticipantKind.OFFICIAL)
    return {"province": province, "district": district, "old": old, "new": new}


def test_everything(world):
    assert training_counts() == {
        "courses": 3,
        "sessions": 3,
        "participants": 6,
        "attended": 2,
        "by_audience": {"mixed": 1, "officials": 2, "producers": 3},
        "by_kind": {"official": 3, "producer": 3},
    }


def test_a_year(world):
    assert training_counts(year=2019) == {
        "courses": 2,
        "sessions": 3,
        "participants": 5,
        "attended": 2,
        "by_audience": {"officials": 2, "producers": 3},
        "by_kind": {"official": 2, "producer": 3},
    }
    assert training_counts(year=2021) == {
        "courses": 0,
        "sessions": 0,
        "participants": 0,
        "attended": 0,
        "by_audience": {},
        "by_kind": {},
    }


def test_a_period_counts_its_sessions_and_who_was_present_at_them(world):
    # From 1/6/2019: the September session of the big course and the June session of the small.
    counts = training_counts(start=dt.date(2019, 6, 1), end=dt.date(2019, 12, 31))
    assert counts == {
        "courses": 2,
        "sessions": 2,
        "participants": 5,
        "attended": 2,  # people[0] and people[1] were at the September session
        "by_audience": {"officials": 2, "producers": 3},
        "by_kind": {"official": 2, "producer": 3},
    }
    counts = training_counts(start=dt.date(2019, 1, 1), end=dt.date(2019, 5, 31))
    assert (counts["courses"], counts["sessions"], counts["participants"], counts["attended"]) == (
        1,
        1,
        3,
        1,
    )


def test_units(world):
    # The province holds every course under it: its own, the old commune's, the new commune's.
    assert training_counts(unit=world["province"])["courses"] == 3
    assert training_counts(unit=world["district"]) == {
        "courses": 1,
        "sessions": 1,
        "participants": 2,
        "attended": 0,
        "by_audience": {"officials": 2},
        "by_kind": {"official": 2},
    }
    assert training_counts(unit=world["new"], year=2020)["participants"] == 1
    assert training_counts(unit_ids={world["old"].pk, world["new"].pk})["courses"] == 2
    assert training_counts(unit_ids=set())["courses"] == 0


def test_constant_queries(world):
    with CaptureQueriesContext(connection) as few:
        training_counts(year=2019)
    for _ in range(20):
        course = TrainingCourseFactory(year=2019)
        session = TrainingSessionFactory(course=course)
        TrainingAttendanceFactory(session=session)
    with CaptureQueriesContext(connection) as many:
        counts = training_counts(year=2019)
    assert len(few) == len(many) <= 3
    assert counts["courses"] == 22
    assert counts["attended"] == 22
