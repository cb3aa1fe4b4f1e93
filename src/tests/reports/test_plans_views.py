"""The plans' pages: list with progress, create, detail, edit; access and query guards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.criteria.queries.specs import clear_spec_cache
from ocop.reports.models import Plan
from tests.certificates.manage_setup import draft_and_approve
from tests.evaluation.results_world import build_world
from tests.factories.geo import CommuneFactory, DistrictFactory, OldCommuneFactory, ProvinceFactory
from tests.factories.reports import PlanFactory

pytestmark = pytest.mark.django_db

LIST = reverse("reports:plans")
CREATE = reverse("reports:plan_create")


def _detail(plan, name="reports:plan"):
    return reverse(name, kwargs={"year": plan.year, "unit": plan.unit.code})


@pytest.fixture
def plans(cast):
    """2026: the province's plan and one for each commune of the cast; 2025: the province's."""
    province = ProvinceFactory()
    return {
        "province": PlanFactory(year=2026, unit=province, products_target=300),
        "a": PlanFactory(
            year=2026,
            unit=cast.commune_a,
            products_target=12,
            stars_3_target=2,
            stars_4_target=1,
            stars_5_target=0,
        ),
        "b": PlanFactory(
            year=2026,
            unit=cast.commune_b,
            products_target=8,
            stars_3_target=0,
            stars_4_target=0,
            stars_5_target=0,
        ),
        "earlier": PlanFactory(year=2025, unit=province, products_target=127),
    }


# --- access -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, plans):
    for url in (LIST, CREATE, _detail(plans["a"]), _detail(plans["a"], "reports:plan_edit")):
        response = client.get(url)
        assert response.status_code == 302
        assert "next=" in response["Location"]


@pytest.mark.parametrize("who", ["producer1", "buyer", "outsider"])
def test_non_officials_get_404(cast, client_for, plans, who):
    client = client_for(getattr(cast, who))
    for url in (LIST, CREATE, _detail(plans["a"]), _detail(plans["a"], "reports:plan_edit")):
        assert client.get(url).status_code == 404


def test_commune_officer_reads_their_commune_and_the_province(cast, client_for, plans):
    client = client_for(cast.commune)
    assert client.get(_detail(plans["a"])).status_code == 200
    assert client.get(_detail(plans["province"])).status_code == 200
    assert client.get(_detail(plans["b"])).status_code == 404  # another commune's
    response = client.get(LIST, {"year": 2026})
    shown = [p.plan.unit for p in response.context["progress"]]
    assert shown == [plans["province"].unit, cast.commune_a]
    # Reading is not writing.
    assert client.get(_detail(plans["a"], "reports:plan_edit")).status_code == 404
    assert client.get(CREATE).status_code == 404
    assert (
        client.post(_detail(plans["a"], "reports:plan_edit"), {"products_target": 1}).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["member", "approver", "chair"])
def test_province_wide_officials_read_but_do_not_write(cast, client_for, plans, who):
    client = client_for(getattr(cast, who))
    assert client.get(_detail(plans["b"])).status_code == 200
    assert client.get(_detail(plans["b"], "reports:plan_edit")).status_code == 404


def test_unknown_plan_is_404(cast, client_for, plans):
    client = client_for(cast.office)
    assert (
        client.get(reverse("reports:plan", kwargs={"year": 2021, "unit": "01"})).status_code == 404
    )
    assert (
        client.get(reverse("reports:plan", kwargs={"year": 2019, "unit": "55555"})).status_code
        == 404
    )


# --- the list ---------------------------------------------------------------------------------


def test_list_defaults_to_the_latest_year(cast, client_for, plans):
    response = client_for(cast.office).get(LIST)
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert response.context["years"] == [2026, 2025]
    assert [p.plan for p in response.context["progress"]] == [
        plans["province"],
        plans["b"],  # Phường Hoàn Kiếm before Xã Bát Tràng
        plans["a"],
    ]
    assert _detail(plans["a"]).encode() in response.content
    assert b"<progress" in response.content


def test_list_of_a_year(cast, client_for, plans):
    response = client_for(cast.office).get(LIST, {"year": "2025"})
    progress = response.context["progress"]
    assert [(p.plan, p.products.target, p.products.actual) for p in progress] == [
        (plans["earlier"], 127, 0)
    ]


def test_list_of_a_year_without_plans(cast, client_for):
    response = client_for(cast.office).get(LIST, {"year": "2030"})
    assert response.status_code == 200
    assert response.context["progress"] == []
    assert response.context["years"] == [2030]


def test_list_queries_do_not_grow(cast, client_for, plans):
    client = client_for(cast.office)
    client.get(LIST, {"year": 2026})
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST, {"year": 2026}).status_code == 200
    for index in range(30):
        PlanFactory(year=2026, unit=CommuneFactory(code=f"6{index:04d}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST, {"year": 2026})
    assert len(response.context["progress"]) == 33
    assert len(few) == len(many)


# --- with results -----------------------------------------------------------------------------


@pytest.fixture
def ranked(qd26, cast):
    clear_spec_cache()
    world = build_world(cast)
    draft_and_approve(world, signed_on=dt.date(2026, 7, 10))
    yield world
    clear_spec_cache()


def test_detail_shows_targets_against_results(ranked, cast, client_for):
    province = cast.commune_a.province
    plan = PlanFactory(
        year=2026,
        unit=province,
        products_target=2,
        stars_3_target=1,
        stars_4_target=1,
        stars_5_target=0,
    )
    response = client_for(cast.office).get(_detail(plan))
    assert response.status_code == 200
    rows = response.context["progress"].rows
    assert [(r.key, r.target, r.actual) for r in rows] == [
        ("products", 2, 3),
        ("3", 1, 1),
        ("4", 1, 1),
        ("5", 0, 0),
        ("potential_5", None, 1),
    ]
    content = response.content.decode()
    assert "150,0%" in content  # Vietnamese number format
    assert f"{reverse('reports:ranked')}?year=2026&amp;unit=01" in content
    assert reverse("reports:plan_edit", kwargs={"year": 2026, "unit": "01"}) in content


def test_detail_in_english_uses_a_point(ranked, cast, client_for, settings):
    province = cast.commune_a.province
    plan = PlanFactory(
        year=2026,
        unit=province,
        products_target=2,
        stars_3_target=0,
        stars_4_target=0,
        stars_5_target=0,
    )
    client = client_for(cast.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(_detail(plan)).content.decode()
    assert "150.0%" in content
    assert "Products evaluated and ranked" in content


def test_list_shows_the_results(ranked, cast, client_for):
    PlanFactory(
        year=2026,
        unit=cast.commune_a,
        products_target=4,
        stars_3_target=0,
        stars_4_target=0,
        stars_5_target=0,
    )
    response = client_for(cast.commune).get(LIST, {"year": 2026})
    (item,) = response.context["progress"]
    assert (item.products.actual, item.stars["4"], item.stars["potential_5"]) == (2, 1, 1)
    assert "50,0%" in response.content.decode()


# --- create and edit --------------------------------------------------------------------------


def test_create_form_offers_the_units_of_the_year(cast, client_for):
    province = ProvinceFactory()
    district = DistrictFactory(parent=province)
    old = OldCommuneFactory(parent=district)
    client = client_for(cast.office)
    keys_2019 = {
        key
        for key, _label in client.get(CREATE, {"year": 2019}).context["form"].fields["unit"].choices
    }
    assert {province.key, district.key, old.key} <= keys_2019
    assert cast.commune_a.key not in keys_2019
    keys_2026 = {
        key
        for key, _label in client.get(CREATE, {"year": 2026}).context["form"].fields["unit"].choices
    }
    assert cast.commune_a.key in keys_2026
    assert district.key not in keys_2026


def test_create(cast, client_for):
    province = ProvinceFactory()
    client = client_for(cast.office)
    response = client.post(
        CREATE,
        {
            "year": "2019",
            "unit": province.key,
            "products_target": "300",
            "stars_3_target": "",
            "stars_4_target": "200",
            "stars_5_target": "5",
            "reference": "Kế hoạch 100/KH-UBND",
        },
    )
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:plan", kwargs={"year": 2019, "unit": "01"})
    assert (plan.products_target, plan.stars_3_target, plan.stars_4_target, plan.created_by) == (
        300,
        0,
        200,
        cast.office,
    )


def test_create_shows_errors(cast, client_for):
    province = ProvinceFactory()
    client = client_for(cast.office)
    response = client.post(
        CREATE,
        {"year": "2019", "unit": province.key, "products_target": "3", "stars_4_target": "4"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["products_target"]
    response = client.post(CREATE, {"year": "2019", "unit": "", "products_target": "-1"})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"unit", "products_target"}
    assert not Plan.objects.exists()


def test_create_refuses_a_second_plan_for_the_same_unit_and_year(cast, client_for, plans):
    response = client_for(cast.office).post(
        CREATE, {"year": "2026", "unit": "p01", "products_target": "1"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["unit"]
    plans["province"].refresh_from_db()
    assert plans["province"].products_target == 300


def test_edit(cast, client_for, plans):
    url = _detail(plans["a"], "reports:plan_edit")
    client = client_for(cast.office)
    form = client.get(url).context["form"]
    assert form.initial["products_target"] == 12
    response = client.post(
        url,
        {
            "products_target": "15",
            "stars_3_target": "2",
            "stars_4_target": "1",
            "stars_5_target": "0",
            "note": "Điều chỉnh",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _detail(plans["a"])
    plans["a"].refresh_from_db()
    assert (plans["a"].products_target, plans["a"].note) == (15, "Điều chỉnh")
    detail = client.get(_detail(plans["a"]))
    assert "reports.plan.update" in detail.content.decode()  # the history


def test_edit_shows_errors(cast, client_for, plans):
    url = _detail(plans["a"], "reports:plan_edit")
    response = client_for(cast.admin).post(url, {"products_target": "1", "stars_3_target": "2"})
    assert response.status_code == 422
    plans["a"].refresh_from_db()
    assert plans["a"].products_target == 12
