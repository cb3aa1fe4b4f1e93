"""The plans and training API: GET /plans, PUT /plans/{year}/{unit_code}, GET/POST
/training/courses, GET /training/courses/{code}; problem details on errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocop.criteria.queries.specs import clear_spec_cache
from ocop.reports.models import Plan, TrainingCourse
from tests.certificates.manage_setup import draft_and_approve
from tests.evaluation.results_world import build_world
from tests.factories.geo import CommuneFactory, ProvinceFactory
from tests.factories.reports import (
    PlanFactory,
    TrainingAttendanceFactory,
    TrainingCourseFactory,
    TrainingParticipantFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/reports"
PROBLEM = "application/problem+json"


@pytest.fixture
def api(api_token):
    def make(user):
        headers = api_token(user)

        def call(method, path, body=None, expect=200, **query):
            client = Client()
            if method == "get":
                response = client.get(BASE + path, query, **headers)
            else:
                response = getattr(client, method)(
                    BASE + path, json.dumps(body), content_type="application/json", **headers
                )
            assert response.status_code == expect, response.content
            if expect >= 400:
                assert response["Content-Type"].startswith(PROBLEM)
            return response.json()

        return call

    return make


def _fields(problem) -> set[str]:
    return {error["field"].split(".")[-1] for error in problem["errors"]}


# --- plans ------------------------------------------------------------------------------------


@pytest.fixture
def ranked(qd26, cast):
    clear_spec_cache()
    world = build_world(cast)
    draft_and_approve(world, signed_on=dt.date(2026, 7, 10))
    yield world
    clear_spec_cache()


def test_list_plans_with_progress(ranked, cast, api):
    province = cast.commune_a.province
    PlanFactory(
        year=2026,
        unit=province,
        products_target=2,
        stars_3_target=1,
        stars_4_target=1,
        stars_5_target=0,
    )
    PlanFactory(
        year=2026,
        unit=cast.commune_b,
        products_target=3,
        stars_3_target=0,
        stars_4_target=0,
        stars_5_target=0,
    )
    PlanFactory(year=2019, unit=province)
    body = api(cast.office)("get", "/plans", year=2026)
    assert [row["unit"]["key"] for row in body] == [province.key, cast.commune_b.key]
    first = body[0]
    assert first["unit"] == {"key": "p01", "code": "01", "name": province.name, "level": "province"}
    assert (first["products_ranked"], first["achievement_percent"]) == (3, 150.0)
    assert first["stars"] == {"5": 0, "potential_5": 1, "4": 1, "3": 1}
    assert first["progress"][1] == {
        "key": "3",
        "target": 1,
        "actual": 1,
        "achievement_percent": 100.0,
    }
    assert first["url"] == "/bao-cao/ke-hoach/2026/01/"
    assert "id" not in first
    assert body[1]["achievement_percent"] == 33.3
    assert len(api(cast.office)("get", "/plans")) == 3


def test_list_plans_scope_and_access(cast, api):
    province = ProvinceFactory()
    PlanFactory(year=2026, unit=province)
    PlanFactory(year=2026, unit=cast.commune_a)
    PlanFactory(year=2026, unit=cast.commune_b)
    assert {row["unit"]["key"] for row in api(cast.commune)("get", "/plans")} == {
        "p01",
        cast.commune_a.key,
    }
    for who in ("producer1", "buyer", "outsider"):
        problem = api(getattr(cast, who))("get", "/plans", expect=404)
        assert problem["status"] == 404
    assert Client().get(BASE + "/plans").status_code == 401


def test_list_plans_queries_do_not_grow(cast, api):
    ProvinceFactory()
    PlanFactory(year=2026)
    call = api(cast.office)
    call("get", "/plans", year=2026)
    with CaptureQueriesContext(connection) as few:
        call("get", "/plans", year=2026)
    for index in range(30):
        PlanFactory(year=2026, unit=CommuneFactory(code=f"5{index:04d}"))
    with CaptureQueriesContext(connection) as many:
        assert len(call("get", "/plans", year=2026)) == 31
    assert len(few) == len(many)


def test_put_plan_creates_then_updates(cast, api):
    ProvinceFactory()
    call = api(cast.office)
    body = call(
        "put", "/plans/2019/01", {"products_target": 300, "stars_4_target": 200}, expect=201
    )
    assert (
        body["year"],
        body["products_target"],
        body["stars_4_target"],
        body["stars_3_target"],
    ) == (
        2019,
        300,
        200,
        0,
    )
    assert body["achievement_percent"] == 0.0
    body = call(
        "put", "/plans/2019/01", {"products_target": 310, "reference": "KH 100"}, expect=200
    )
    assert (body["products_target"], body["reference"]) == (310, "KH 100")
    plan = Plan.objects.get()
    assert (plan.products_target, plan.stars_4_target) == (310, 0)  # PUT replaces


@pytest.mark.parametrize(
    ("path", "payload", "fields"),
    [
        ("/plans/2019/01", {"products_target": -1}, {"products_target"}),
        ("/plans/2019/01", {"products_target": "nhiều"}, {"products_target"}),
        ("/plans/2019/01", {}, {"products_target"}),
        ("/plans/2019/01", {"products_target": 2, "stars_3_target": 3}, {"products_target"}),
        ("/plans/2017/01", {"products_target": 2}, {"year"}),
        ("/plans/2019/99999", {"products_target": 2}, {"unit"}),
    ],
)
def test_put_plan_errors_name_the_field(cast, api, path, payload, fields):
    ProvinceFactory()
    problem = api(cast.office)("put", path, payload, expect=422)
    assert problem["status"] == 422
    assert _fields(problem) == fields
    assert not Plan.objects.exists()


def test_put_plan_permissions(cast, api):
    ProvinceFactory()
    problem = api(cast.commune)("put", "/plans/2019/01", {"products_target": 1}, expect=403)
    assert problem["status"] == 403
    api(cast.producer1)("put", "/plans/2019/01", {"products_target": 1}, expect=404)
    assert not Plan.objects.exists()


def test_put_plan_hides_the_units_the_caller_does_not_see(cast, api):
    """Commune B's officer may not read commune A's plans: writing one answers 404, as for a
    plan that does not exist, not 403 (issue #9: a refused object looks like 404). Commune A's
    officer and a council member read it, and are refused with 403."""
    plan = PlanFactory(year=2026, unit=cast.commune_a, products_target=12)
    path = f"/plans/2026/{cast.commune_a.code}"
    problem = api(cast.commune2)("put", path, {"products_target": 1}, expect=404)
    assert problem["status"] == 404
    missing = f"/plans/2026/{cast.commune_b.code}"
    assert api(cast.commune)("put", missing, {"products_target": 1}, expect=404)["status"] == 404
    assert api(cast.commune)("put", path, {"products_target": 1}, expect=403)["status"] == 403
    assert api(cast.member)("put", path, {"products_target": 1}, expect=403)["status"] == 403
    plan.refresh_from_db()
    assert plan.products_target == 12


# --- training ---------------------------------------------------------------------------------


@pytest.fixture
def courses(cast):
    province = TrainingCourseFactory(title="Tập huấn thành phố", status="open", capacity=30)
    session = TrainingSessionFactory(course=province)
    mine = TrainingParticipantFactory(course=province, producer=cast.prod1, full_name="Trần Văn A")
    TrainingParticipantFactory(course=province, producer=cast.prod2, full_name="Lê Thị B")
    TrainingAttendanceFactory(session=session, participant=mine)
    return {
        "province": province,
        "a": TrainingCourseFactory(unit=cast.commune_a, year=2025, audience="officials"),
        "b": TrainingCourseFactory(unit=cast.commune_b, year=2025),
    }


def test_list_courses(cast, api, courses):
    call = api(cast.office)
    body = call("get", "/training/courses")
    assert body["count"] == 3
    first = next(row for row in body["items"] if row["code"] == courses["province"].code)
    assert (first["sessions"], first["participants"], first["capacity"], first["status"]) == (
        1,
        2,
        30,
        "open",
    )
    assert first["unit"]["key"] == "p01"
    assert first["url"] == f"/bao-cao/dao-tao/{courses['province'].code}/"
    assert [r["code"] for r in call("get", "/training/courses", audience="officials")["items"]] == [
        courses["a"].code
    ]
    assert call("get", "/training/courses", year=2019)["count"] == 1
    assert call("get", "/training/courses", status="planned")["count"] == 2


def test_list_courses_scope(cast, api, courses):
    assert {r["code"] for r in api(cast.commune)("get", "/training/courses")["items"]} == {
        courses["province"].code,
        courses["a"].code,
    }
    assert [r["code"] for r in api(cast.producer2)("get", "/training/courses")["items"]] == [
        courses["province"].code
    ]
    api(cast.buyer)("get", "/training/courses", expect=404)


def test_list_courses_queries_do_not_grow(cast, api, courses):
    call = api(cast.office)
    call("get", "/training/courses")
    with CaptureQueriesContext(connection) as few:
        call("get", "/training/courses")
    for _ in range(20):
        course = TrainingCourseFactory()
        TrainingSessionFactory(course=course)
        TrainingParticipantFactory(course=course)
    with CaptureQueriesContext(connection) as many:
        assert call("get", "/training/courses", limit=100)["count"] == 23
    assert len(few) == len(many)


def test_get_course(cast, api, courses):
    code = courses["province"].code
    body = api(cast.office)("get", f"/training/courses/{code}")
    assert (body["sessions"], body["participants"], body["attended"]) == (1, 2, 1)
    assert body["session_list"] == [
        {
            "starts_on": "2019-05-06",
            "ends_on": "2019-05-07",
            "place": "Hội trường UBND huyện",
            "trainer": "Nguyễn Văn Hùng",
            "present": 1,
        }
    ]
    assert {
        p["full_name"]: (p["producer"], p["sessions_attended"]) for p in body["participant_list"]
    } == {
        "Trần Văn A": (cast.prod1.code, 1),
        "Lê Thị B": (cast.prod2.code, 0),
    }
    mine = api(cast.producer1)("get", f"/training/courses/{code}")
    assert [p["full_name"] for p in mine["participant_list"]] == ["Trần Văn A"]


def test_get_course_leaks_nothing(cast, api, courses):
    for who, course in (
        ("commune", "b"),
        ("producer1", "a"),
        ("buyer", "province"),
        ("outsider", "province"),
    ):
        problem = api(getattr(cast, who))(
            "get", f"/training/courses/{courses[course].code}", expect=404
        )
        assert problem["status"] == 404
    api(cast.office)("get", "/training/courses/DT-NONE", expect=404)


def test_post_course(cast, api):
    body = api(cast.commune)(
        "post",
        "/training/courses",
        {
            "title": "Tập huấn cán bộ xã",
            "organiser": "UBND xã Bát Tràng",
            "audience": "officials",
            "year": 2025,
            "unit": cast.commune_a.code,
        },
        expect=201,
    )
    course = TrainingCourse.objects.get()
    assert (body["code"], body["status"], body["unit"]["key"]) == (
        course.code,
        "planned",
        cast.commune_a.key,
    )


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"title": "T", "organiser": "O", "audience": "pigs", "year": 2025}, {"audience"}),
        ({"title": "T", "organiser": "O", "audience": "mixed", "year": "năm"}, {"year"}),
        (
            {"title": "T", "organiser": "O", "audience": "mixed", "year": 2025, "capacity": 0},
            {"capacity"},
        ),
        (
            {"title": "", "organiser": "O", "audience": "mixed", "year": 2025, "unit": "nowhere"},
            {"title", "unit"},
        ),
        ({"organiser": "O", "audience": "mixed", "year": 2025}, {"title"}),
    ],
)
def test_post_course_errors_name_the_field(cast, api, payload, fields):
    problem = api(cast.office)("post", "/training/courses", payload, expect=422)
    assert _fields(problem) == fields
    assert not TrainingCourse.objects.exists()


def test_post_course_permissions(cast, api):
    payload = {"title": "T", "organiser": "O", "audience": "mixed", "year": 2025}
    api(cast.producer1)("post", "/training/courses", payload, expect=404)
    api(cast.member)("post", "/training/courses", payload, expect=404)
    problem = api(cast.commune)(
        "post", "/training/courses", {**payload, "unit": cast.commune_b.key}, expect=422
    )
    assert _fields(problem) == {"unit"}
    assert not TrainingCourse.objects.exists()
