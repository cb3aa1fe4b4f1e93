"""The training pages: course list (filters, guard), create, detail, edit, status, sessions,
participants, attendance; who may see and do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.reports.enums import ParticipantKind, TrainingAudience, TrainingStatus
from ocop.reports.models import TrainingAttendance, TrainingCourse, TrainingSession
from tests.factories.reports import (
    TrainingAttendanceFactory,
    TrainingCourseFactory,
    TrainingParticipantFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("reports:courses")
CREATE = reverse("reports:course_create")


def url(name, course, **kwargs):
    return reverse(f"reports:{name}", kwargs={"code": course.code, **kwargs})


@pytest.fixture
def courses(cast):
    """A provincial course (2019, open, one session, the cast's producer1 enrolled and present),
    a course of commune A and one of commune B (2025, planned)."""
    province = TrainingCourseFactory(title="Tập huấn thành phố", status=TrainingStatus.OPEN)
    session = TrainingSessionFactory(course=province)
    mine = TrainingParticipantFactory(course=province, producer=cast.prod1, full_name="Trần Văn A")
    other = TrainingParticipantFactory(course=province, producer=cast.prod2, full_name="Lê Thị B")
    TrainingAttendanceFactory(session=session, participant=mine)
    TrainingAttendanceFactory(session=session, participant=other, present=False)
    return {
        "province": province,
        "session": session,
        "mine": mine,
        "other": other,
        "a": TrainingCourseFactory(
            title="Tập huấn xã A",
            unit=cast.commune_a,
            year=2025,
            audience=TrainingAudience.OFFICIALS,
        ),
        "b": TrainingCourseFactory(title="Tập huấn xã B", unit=cast.commune_b, year=2025),
    }


def _all_urls(course, session):
    return [
        url("course", course),
        url("course_edit", course),
        url("session_create", course),
        url("participant_create", course),
        url("attendance", course, session=session.pk),
    ]


# --- access -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, courses):
    for address in [LIST, CREATE, *_all_urls(courses["province"], courses["session"])]:
        response = client.get(address)
        assert response.status_code == 302, address
        assert "next=" in response["Location"]
    response = client.post(url("course_status", courses["province"]), {"to": "completed"})
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["buyer", "outsider"])
def test_buyers_and_outsiders_get_404(cast, client_for, courses, who):
    client = client_for(getattr(cast, who))
    for address in [LIST, CREATE, *_all_urls(courses["province"], courses["session"])]:
        assert client.get(address).status_code == 404, address
    assert (
        client.post(url("course_status", courses["province"]), {"to": "completed"}).status_code
        == 404
    )


def test_producer_sees_their_courses_only_read_only(cast, client_for, courses):
    client = client_for(cast.producer1)
    response = client.get(LIST)
    assert response.status_code == 200
    assert [c.code for c in response.context["courses"]] == [courses["province"].code]
    detail = client.get(url("course", courses["province"]))
    assert detail.status_code == 200
    # Only their own people are listed to them.
    assert [p.full_name for p in detail.context["participants"]] == ["Trần Văn A"]
    assert "Lê Thị B" not in detail.content.decode()
    assert detail.context["can_write"] is False
    for address in _all_urls(courses["province"], courses["session"])[1:]:
        assert client.get(address).status_code == 404
    assert (
        client.post(url("course_status", courses["province"]), {"to": "completed"}).status_code
        == 404
    )
    # Another producer's courses and the communes' are not theirs.
    assert client.get(url("course", courses["a"])).status_code == 404
    assert client_for(cast.producer2).get(url("course", courses["b"])).status_code == 404


def test_commune_officer(cast, client_for, courses):
    client = client_for(cast.commune)
    codes = {c.code for c in client.get(LIST).context["courses"]}
    assert codes == {courses["province"].code, courses["a"].code}
    # The other commune's course: 404 everywhere.
    other = courses["b"]
    other_session = TrainingSessionFactory(course=other, starts_on=dt.date(2025, 3, 3))
    for address in _all_urls(other, other_session):
        assert client.get(address).status_code == 404, address
    assert client.post(url("course_status", other), {"to": "open"}).status_code == 404
    # The province's course: read, not write.
    assert client.get(url("course", courses["province"])).status_code == 200
    assert client.get(url("course_edit", courses["province"])).status_code == 404
    # Their own: everything.
    assert client.get(url("course_edit", courses["a"])).status_code == 200
    assert client.get(url("session_create", courses["a"])).status_code == 200


def test_attendance_of_a_session_of_another_course_is_404(cast, client_for, courses):
    response = client_for(cast.office).get(
        url("attendance", courses["a"], session=courses["session"].pk)
    )
    assert response.status_code == 404


# --- list -------------------------------------------------------------------------------------


def test_list_filters(cast, client_for, courses):
    client = client_for(cast.office)
    response = client.get(LIST)
    by_code = {c.code: c for c in response.context["courses"]}
    assert set(by_code) == {courses["province"].code, courses["a"].code, courses["b"].code}
    assert (
        by_code[courses["province"].code].session_count,
        by_code[courses["province"].code].participant_count,
    ) == (1, 2)

    def codes(**params):
        return {c.code for c in client.get(LIST, params).context["courses"]}

    assert codes(year="2019") == {courses["province"].code}
    assert codes(audience="officials") == {courses["a"].code}
    assert codes(status="open") == {courses["province"].code}
    assert codes(status="nonsense") == set(by_code)
    assert codes(q="xã B") == {courses["b"].code}


def test_list_queries_do_not_grow(cast, client_for, courses):
    client = client_for(cast.office)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(20):
        course = TrainingCourseFactory(unit=cast.commune_a, year=2025)
        TrainingSessionFactory(course=course)
        TrainingParticipantFactory(course=course)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["courses"]) == 23
    assert len(few) == len(many)


# --- create, edit, detail ---------------------------------------------------------------------


def test_create(cast, client_for):
    client = client_for(cast.office)
    assert client.get(CREATE).status_code == 200
    response = client.post(
        CREATE,
        {
            "title": "Tập huấn kỹ năng bán hàng",
            "audience": "producers",
            "organiser": "Sở Công Thương",
            "year": "2025",
            "unit": cast.commune_a.key,
            "capacity": "40",
        },
    )
    course = TrainingCourse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("course", course)
    assert (course.unit, course.capacity, course.status) == (cast.commune_a, 40, "planned")


def test_create_shows_errors(cast, client_for):
    response = client_for(cast.office).post(
        CREATE,
        {
            "title": "",
            "audience": "producers",
            "organiser": "X",
            "year": "2019",
            "unit": cast.commune_a.key,
        },
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"title"}
    # The service's errors land on the fields: a commune of after the reform in 2019.
    response = client_for(cast.office).post(
        CREATE,
        {
            "title": "T",
            "audience": "producers",
            "organiser": "X",
            "year": "2019",
            "unit": cast.commune_a.key,
        },
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"unit"}
    assert not TrainingCourse.objects.exists()


def test_commune_officer_create_offers_their_communes(cast, client_for):
    client = client_for(cast.commune)
    choices = client.get(CREATE).context["form"].fields["unit"].choices
    assert [key for key, _label in choices] == ["", cast.commune_a.key]
    response = client.post(
        CREATE,
        {
            "title": "T",
            "audience": "officials",
            "organiser": "UBND",
            "year": "2025",
            "unit": cast.commune_b.key,
        },
    )
    assert response.status_code == 422
    assert not TrainingCourse.objects.exists()


def test_detail(cast, client_for, courses):
    response = client_for(cast.office).get(url("course", courses["province"]))
    assert response.status_code == 200
    context = response.context
    assert (context["enrolled"], context["attended"]) == (2, 1)
    assert [s.present_count for s in context["sessions"]] == [1]
    assert {p.full_name: p.sessions_attended for p in context["participants"]} == {
        "Trần Văn A": 1,
        "Lê Thị B": 0,
    }
    assert [value for value, _label in context["moves"]] == ["completed", "cancelled"]
    content = response.content.decode()
    assert "06/05/2019" in content  # dd/mm/yyyy
    assert url("attendance", courses["province"], session=courses["session"].pk) in content


def test_detail_queries_do_not_grow(cast, client_for, courses):
    client = client_for(cast.office)
    course = courses["province"]
    client.get(url("course", course))
    with CaptureQueriesContext(connection) as few:
        client.get(url("course", course))
    for index in range(10):
        TrainingSessionFactory(course=course, starts_on=dt.date(2019, 6, index + 1))
        TrainingParticipantFactory(course=course, producer=cast.prod1)
    with CaptureQueriesContext(connection) as many:
        client.get(url("course", course))
    assert len(few) == len(many)


def test_edit(cast, client_for, courses):
    course = courses["a"]
    client = client_for(cast.commune)
    form = client.get(url("course_edit", course)).context["form"]
    assert form.initial["unit"] == cast.commune_a.key
    response = client.post(
        url("course_edit", course),
        {
            "title": "Tập huấn cán bộ xã",
            "audience": "officials",
            "organiser": "UBND xã",
            "year": "2025",
            "unit": cast.commune_a.key,
        },
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.title, course.organiser) == ("Tập huấn cán bộ xã", "UBND xã")
    bad = client.post(
        url("course_edit", course), {"title": "", "audience": "x", "organiser": "", "year": "1"}
    )
    assert bad.status_code == 422


# --- status -----------------------------------------------------------------------------------


def test_status_change(cast, client_for, courses):
    client = client_for(cast.office)
    course = courses["province"]
    response = client.post(url("course_status", course), {"to": "completed", "reason": "Xong"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == TrainingStatus.COMPLETED
    # A move the table forbids leaves it as it was, with a message.
    response = client.post(url("course_status", course), {"to": "open"}, follow=True)
    course.refresh_from_db()
    assert course.status == TrainingStatus.COMPLETED
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    assert client.post(url("course_status", course), {"to": "bogus"}).status_code == 302
    assert client.get(url("course_status", course)).status_code == 405


# --- sessions and participants ----------------------------------------------------------------


def test_add_session(cast, client_for, courses):
    course = courses["a"]
    client = client_for(cast.commune)
    response = client.post(
        url("session_create", course),
        {
            "starts_on": "03/03/2025",
            "ends_on": "04/03/2025",
            "place": "Nhà văn hóa xã",
            "trainer": "Bà Hà",
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get(course=course)
    assert (session.starts_on, session.ends_on) == (dt.date(2025, 3, 3), dt.date(2025, 3, 4))
    bad = client.post(
        url("session_create", course),
        {"starts_on": "04/03/2025", "ends_on": "03/03/2025", "place": "X"},
    )
    assert bad.status_code == 422
    assert bad.context["form"].errors["ends_on"]


def test_add_session_to_a_completed_course(cast, client_for, courses):
    course = courses["a"]
    TrainingCourse.objects.filter(pk=course.pk).update(status=TrainingStatus.COMPLETED)
    response = client_for(cast.office).post(
        url("session_create", course),
        {"starts_on": "03/03/2025", "ends_on": "03/03/2025", "place": "X"},
    )
    assert response.status_code == 302
    assert not TrainingSession.objects.filter(course=course).exists()


def test_add_participant(cast, client_for, courses):
    course = courses["a"]
    client = client_for(cast.office)
    response = client.post(
        url("participant_create", course),
        {
            "kind": "producer",
            "full_name": "Phạm Thị Hằng",
            "producer": cast.prod1.code,
            "another": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("participant_create", course)
    person = course.participants.get()
    assert (person.producer, person.kind) == (cast.prod1, ParticipantKind.PRODUCER)
    again = client.post(
        url("participant_create", course),
        {"kind": "producer", "full_name": "Phạm Thị Hằng", "producer": cast.prod1.code},
    )
    assert again.status_code == 422
    assert again.context["form"].errors["full_name"]
    unknown = client.post(
        url("participant_create", course),
        {"kind": "producer", "full_name": "X", "producer": "CS-0000"},
    )
    assert unknown.context["form"].errors["producer"]


def test_add_participant_to_a_full_course(cast, client_for, courses):
    course = courses["a"]
    TrainingCourse.objects.filter(pk=course.pk).update(capacity=1)
    TrainingParticipantFactory(course=course)
    response = client_for(cast.office).post(
        url("participant_create", course), {"kind": "official", "full_name": "Z"}
    )
    assert response.status_code == 302
    assert course.participants.count() == 1


# --- attendance -------------------------------------------------------------------------------


def test_attendance_form(cast, client_for, courses):
    course, session = courses["province"], courses["session"]
    client = client_for(cast.office)
    address = url("attendance", course, session=session.pk)
    form = client.get(address).context["form"]
    assert form.initial["present"] == [str(courses["mine"].pk)]
    response = client.post(address, {"present": [str(courses["other"].pk)]})
    assert response.status_code == 302
    rows = dict(
        TrainingAttendance.objects.filter(session=session).values_list(
            "participant__full_name", "present"
        )
    )
    assert rows == {"Trần Văn A": False, "Lê Thị B": True}
    # Unknown ids are refused by the form; nothing changes.
    bad = client.post(address, {"present": ["999999"]})
    assert bad.status_code == 422
    assert TrainingAttendance.objects.filter(session=session, present=True).count() == 1


def test_attendance_of_a_cancelled_course(cast, client_for, courses):
    course, session = courses["province"], courses["session"]
    TrainingCourse.objects.filter(pk=course.pk).update(status=TrainingStatus.CANCELLED)
    response = client_for(cast.office).post(
        url("attendance", course, session=session.pk), {"present": []}
    )
    assert response.status_code == 302
    assert TrainingAttendance.objects.filter(session=session, present=True).count() == 1
