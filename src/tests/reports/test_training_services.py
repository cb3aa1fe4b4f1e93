"""Training services: validation, permissions, the one transition, capacity, duplicates,
idempotent attendance, audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ocop.core.models import ActivityLog
from ocop.core.queries.activity import history_for
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.reports.enums import COURSE_TRANSITIONS, ParticipantKind, TrainingStatus
from ocop.reports.models import TrainingAttendance, TrainingCourse
from ocop.reports.services.training import (
    STATUS_VERBS,
    add_participant,
    add_session,
    change_course_status,
    create_course,
    record_attendance,
    update_course,
)
from tests.factories.reports import (
    TrainingCourseFactory,
    TrainingParticipantFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

DATA = {
    "title": "  Tập huấn xây dựng hồ sơ OCOP  ",
    "organiser": "Văn phòng điều phối",
    "audience": "producers",
    "year": 2019,
    "capacity": 2,
}


def _errors(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


def _actions(obj) -> list[str]:
    return [entry.action for entry in reversed(history_for(obj))]


# --- courses ----------------------------------------------------------------------------------


def test_create_course_by_the_office(cast):
    course = create_course(
        actor=cast.office, data={**DATA, "unit": cast.commune_a.key, "year": 2025}
    )
    assert course.code.startswith("DT")
    assert (course.title, course.status, course.unit, course.created_by) == (
        "Tập huấn xây dựng hồ sơ OCOP",
        TrainingStatus.PLANNED,
        cast.commune_a,
        cast.office,
    )
    entry = ActivityLog.objects.get(action="reports.trainingcourse.create")
    assert entry.actor == cast.office
    assert entry.data["new"]["title"] == "Tập huấn xây dựng hồ sơ OCOP"


def test_create_course_by_official_code_of_the_unit(cast):
    course = create_course(
        actor=cast.office, data={**DATA, "unit": cast.commune_a.code, "year": 2025}
    )
    assert course.unit == cast.commune_a


def test_create_course_checks_every_field(cast):
    with pytest.raises(ValidationError) as exc:
        create_course(
            actor=cast.office,
            data={"title": "", "audience": "pigs", "year": 2017, "capacity": 0, "organiser": ""},
        )
    assert _errors(exc) == {"title", "audience", "year", "capacity", "organiser"}
    with pytest.raises(ValidationError) as exc:
        create_course(actor=cast.office, data={**DATA, "year": "năm"})
    assert _errors(exc) == {"year"}
    with pytest.raises(ValidationError) as exc:
        create_course(actor=cast.office, data={**DATA, "unit": "99999"})
    assert _errors(exc) == {"unit"}
    assert not TrainingCourse.objects.exists()


def test_create_course_unit_must_exist_in_the_year(cast):
    with pytest.raises(ValidationError) as exc:
        create_course(actor=cast.office, data={**DATA, "year": 2019, "unit": cast.commune_a.key})
    assert _errors(exc) == {"unit"}


def test_commune_officer_creates_courses_of_their_commune_only(cast):
    data = {**DATA, "year": 2025}
    mine = create_course(actor=cast.commune, data={**data, "unit": cast.commune_a.key})
    assert mine.unit == cast.commune_a
    with pytest.raises(ValidationError) as exc:
        create_course(actor=cast.commune, data={**data, "unit": cast.commune_b.key})
    assert _errors(exc) == {"unit"}
    with pytest.raises(ValidationError):
        create_course(actor=cast.commune, data=data)  # the whole programme: the office's


@pytest.mark.parametrize("who", ["producer1", "buyer", "outsider", "member", "approver"])
def test_others_do_not_create_courses(cast, who):
    with pytest.raises(NotAllowed):
        create_course(actor=getattr(cast, who), data=DATA)


def test_update_course(cast):
    course = create_course(actor=cast.office, data=DATA)
    update_course(
        actor=cast.office, course=course, data={"title": "Tập huấn mới", "capacity": None}
    )
    course.refresh_from_db()
    assert (course.title, course.capacity, course.organiser) == (
        "Tập huấn mới",
        None,
        "Văn phòng điều phối",
    )
    entry = ActivityLog.objects.get(action="reports.trainingcourse.update")
    assert entry.data == {
        "old": {"title": "Tập huấn xây dựng hồ sơ OCOP", "capacity": 2},
        "new": {"title": "Tập huấn mới", "capacity": None},
    }
    # Nothing changed: no log row.
    update_course(actor=cast.office, course=course, data={"title": "Tập huấn mới"})
    assert ActivityLog.objects.filter(action="reports.trainingcourse.update").count() == 1


def test_update_course_capacity_not_below_enrolled(cast):
    course = TrainingCourseFactory(status=TrainingStatus.OPEN)
    TrainingParticipantFactory.create_batch(3, course=course)
    with pytest.raises(ValidationError) as exc:
        update_course(actor=cast.office, course=course, data={"capacity": 2})
    assert _errors(exc) == {"capacity"}


def test_update_course_writers(cast):
    province_course = TrainingCourseFactory()
    with pytest.raises(NotAllowed):
        update_course(actor=cast.commune, course=province_course, data={"title": "X"})
    theirs = TrainingCourseFactory(unit=cast.commune_b, year=2025)
    with pytest.raises(NotAllowed):
        update_course(actor=cast.commune, course=theirs, data={"title": "X"})
    mine = TrainingCourseFactory(unit=cast.commune_a, year=2025)
    assert update_course(actor=cast.commune, course=mine, data={"title": "X"}).title == "X"


# --- the transition ---------------------------------------------------------------------------


ALL_MOVES = [(a, b) for a in TrainingStatus.values for b in TrainingStatus.values if a != b]


@pytest.mark.parametrize(("old", "new"), ALL_MOVES)
def test_the_transition_table(cast, old, new):
    course = TrainingCourseFactory(status=old)
    if new in COURSE_TRANSITIONS[old]:
        change_course_status(actor=cast.office, course=course, to=new, reason="Theo kế hoạch")
        course.refresh_from_db()
        assert course.status == new
        (entry,) = history_for(course)
        assert entry.action == f"reports.trainingcourse.{STATUS_VERBS[new]}"
        assert entry.data["old"] == {"status": old}
        assert entry.data["new"] == {"status": new}
        assert entry.data["reason"] == "Theo kế hoạch"
    else:
        with pytest.raises(WrongState):
            change_course_status(actor=cast.office, course=course, to=new)
        course.refresh_from_db()
        assert course.status == old
        assert not history_for(course).exists()


def test_transition_refusals(cast):
    course = TrainingCourseFactory()
    with pytest.raises(ValidationError) as exc:
        change_course_status(actor=cast.office, course=course, to="finished")
    assert _errors(exc) == {"status"}
    with pytest.raises(ValidationError) as exc:
        change_course_status(actor=cast.office, course=course, to="open", reason="x" * 501)
    assert _errors(exc) == {"reason"}
    with pytest.raises(NotAllowed):
        change_course_status(actor=cast.producer1, course=course, to="open")


# --- sessions ---------------------------------------------------------------------------------


def test_add_session(cast):
    course = TrainingCourseFactory()
    session = add_session(
        actor=cast.office,
        course=course,
        starts_on="2019-05-06",
        ends_on=dt.date(2019, 5, 7),
        place=" Hội trường UBND huyện Gia Lâm ",
    )
    assert (session.starts_on, session.ends_on, session.place) == (
        dt.date(2019, 5, 6),
        dt.date(2019, 5, 7),
        "Hội trường UBND huyện Gia Lâm",
    )
    assert _actions(course) == ["reports.trainingcourse.add_session"]


@pytest.mark.parametrize(
    ("starts", "ends", "fields"),
    [
        ("2019-05-07", "2019-05-06", {"ends_on"}),
        ("2019-05-07", "2019-09-07", {"ends_on"}),
        ("2015-05-07", "2015-05-08", {"starts_on"}),
        ("07/05/2019", "2019-05-08", {"starts_on"}),
        ("", None, {"starts_on", "ends_on"}),
    ],
)
def test_add_session_checks_the_dates(cast, starts, ends, fields):
    course = TrainingCourseFactory()
    with pytest.raises(ValidationError) as exc:
        add_session(actor=cast.office, course=course, starts_on=starts, ends_on=ends, place="X")
    assert _errors(exc) == fields
    assert not course.sessions.exists()


def test_add_session_needs_a_place(cast):
    with pytest.raises(ValidationError) as exc:
        add_session(
            actor=cast.office,
            course=TrainingCourseFactory(),
            starts_on="2019-05-06",
            ends_on="2019-05-06",
            place="  ",
        )
    assert _errors(exc) == {"place"}


@pytest.mark.parametrize("status", [TrainingStatus.COMPLETED, TrainingStatus.CANCELLED])
def test_no_session_for_a_closed_course(cast, status):
    course = TrainingCourseFactory(status=status)
    with pytest.raises(WrongState):
        add_session(
            actor=cast.office,
            course=course,
            starts_on="2019-05-06",
            ends_on="2019-05-06",
            place="X",
        )


# --- participants -----------------------------------------------------------------------------


def test_add_participants(cast):
    course = TrainingCourseFactory(status=TrainingStatus.OPEN, capacity=3)
    person = add_participant(
        actor=cast.office,
        course=course,
        kind=ParticipantKind.PRODUCER,
        full_name="Nguyễn Thị Hoa",
        producer=cast.prod1.code,
        phone="0912 345 678",
    )
    assert (person.producer, person.organisation_name, person.phone) == (
        cast.prod1,
        cast.prod1.name,
        "0912345678",
    )
    official = add_participant(
        actor=cast.office,
        course=course,
        kind=ParticipantKind.OFFICIAL,
        full_name="Lê Văn Nam",
        organisation_name="UBND xã Bát Tràng",
        user=cast.commune,
    )
    assert official.user == cast.commune
    # The same name at another producer (or none) is another person.
    add_participant(
        actor=cast.office,
        course=course,
        kind=ParticipantKind.PRODUCER,
        full_name="Nguyễn Thị Hoa",
        producer=cast.prod2,
    )
    assert _actions(course) == ["reports.trainingcourse.add_participant"] * 3


def test_no_duplicate_name_and_producer(cast):
    course = TrainingCourseFactory()
    add_participant(
        actor=cast.office,
        course=course,
        kind="producer",
        full_name="Nguyễn Thị Hoa",
        producer=cast.prod1,
    )
    with pytest.raises(ValidationError) as exc:
        add_participant(
            actor=cast.office,
            course=course,
            kind="producer",
            full_name="  nguyễn thị hoa ",
            producer=cast.prod1,
        )
    assert _errors(exc) == {"full_name"}
    assert course.participants.count() == 1


def test_capacity_is_respected(cast):
    course = TrainingCourseFactory(capacity=1)
    add_participant(actor=cast.office, course=course, kind="official", full_name="A")
    with pytest.raises(WrongState):
        add_participant(actor=cast.office, course=course, kind="official", full_name="B")
    assert course.participants.count() == 1


def test_add_participant_checks_the_fields(cast):
    course = TrainingCourseFactory()
    with pytest.raises(ValidationError) as exc:
        add_participant(
            actor=cast.office,
            course=course,
            kind="alien",
            full_name="",
            producer="CT-NONE",
            phone="123",
            unit="nowhere",
        )
    assert _errors(exc) == {"kind", "full_name", "producer", "phone", "unit"}
    with pytest.raises(ValidationError) as exc:
        add_participant(
            actor=cast.office, course=course, kind="official", full_name="A", producer=cast.prod1
        )
    assert _errors(exc) == {"producer"}
    with pytest.raises(ValidationError) as exc:
        add_participant(actor=cast.office, course=course, kind="official", full_name="A", user="x")
    assert _errors(exc) == {"user"}


@pytest.mark.parametrize("status", [TrainingStatus.COMPLETED, TrainingStatus.CANCELLED])
def test_no_participant_for_a_closed_course(cast, status):
    with pytest.raises(WrongState):
        add_participant(
            actor=cast.office,
            course=TrainingCourseFactory(status=status),
            kind="official",
            full_name="A",
        )


# --- attendance -------------------------------------------------------------------------------


def _present(session):
    return dict(
        TrainingAttendance.objects.filter(session=session).values_list(
            "participant__full_name", "present"
        )
    )


def test_record_attendance_replaces_and_is_idempotent(cast):
    course = TrainingCourseFactory(status=TrainingStatus.OPEN)
    session = TrainingSessionFactory(course=course)
    a, b, c = (TrainingParticipantFactory(course=course, full_name=n) for n in "ABC")
    record_attendance(actor=cast.office, session=session, present=[a, b])
    assert _present(session) == {"A": True, "B": True, "C": False}
    record_attendance(actor=cast.office, session=session, present=[a, b])
    assert _present(session) == {"A": True, "B": True, "C": False}
    assert TrainingAttendance.objects.filter(session=session).count() == 3
    assert _actions(course) == ["reports.trainingcourse.attendance"]  # the repeat logged nothing
    record_attendance(actor=cast.office, session=session, present=[c])
    assert _present(session) == {"A": False, "B": False, "C": True}
    entry = (
        ActivityLog.objects.filter(action="reports.trainingcourse.attendance").order_by("id").last()
    )
    assert entry.data["old"] == {"present": ["A", "B"]}
    assert entry.data["new"] == {"present": ["C"]}
    record_attendance(actor=cast.office, session=session, present=[])
    assert _present(session) == {"A": False, "B": False, "C": False}


def test_attendance_of_someone_else(cast):
    course = TrainingCourseFactory()
    session = TrainingSessionFactory(course=course)
    stranger = TrainingParticipantFactory()
    with pytest.raises(ValidationError) as exc:
        record_attendance(actor=cast.office, session=session, present=[stranger])
    assert _errors(exc) == {"present"}
    assert not TrainingAttendance.objects.exists()


def test_attendance_refused_for_a_cancelled_course_and_for_others(cast):
    course = TrainingCourseFactory(status=TrainingStatus.CANCELLED)
    session = TrainingSessionFactory(course=course)
    with pytest.raises(WrongState):
        record_attendance(actor=cast.office, session=session, present=[])
    open_course = TrainingCourseFactory(status=TrainingStatus.OPEN)
    with pytest.raises(NotAllowed):
        record_attendance(
            actor=cast.commune, session=TrainingSessionFactory(course=open_course), present=[]
        )
