"""`GET /api/v1/reports/summary` and `GET /api/v1/reports/dashboard`: the figures as JSON for
officials, problem details for everything else (401, 404 for a unit that is not there or not
the caller's, 422 naming the field)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from ocop.producers.enums import ProducerKind
from tests.factories.geo import (
    CommuneFactory,
    DistrictFactory,
    OldCommuneFactory,
    ProvinceFactory,
)
from tests.factories.producers import ProducerFactory
from tests.factories.reports import PlanFactory
from tests.reports.dashboard_world import ReportWorld

pytestmark = pytest.mark.django_db
SUMMARY = "/api/v1/reports/summary"
DASHBOARD = "/api/v1/reports/dashboard"


@pytest.fixture
def world(cast):
    """2019: commune A a 4★ (producer of 20 workers) and a potential 5★ of a household business
    (8 workers); commune B a 3★ (20 workers). The province's plan: 3 → 100,0%."""
    world = ReportWorld.build(cast)
    household = ProducerFactory(
        commune=cast.commune_a, kind=ProducerKind.HOUSEHOLD, workforce_total=8, workforce_local=8
    )
    world.rank(world.product(), 4, year=2019)
    world.rank(world.product(household), "proposed", year=2019)
    world.rank(world.product(cast.prod2), 3, year=2019)
    PlanFactory(year=2019, unit=ProvinceFactory(), products_target=3)
    return world


def _get(client: Client, url: str, headers: dict, **params) -> tuple[int, dict, str]:
    response = client.get(url, params, **headers)
    return response.status_code, json.loads(response.content), response["Content-Type"]


def test_the_summary_of_a_year(world, cast, api_token):
    status, body, _ = _get(Client(), SUMMARY, api_token(cast.office), year="2019")
    assert status == 200
    assert body == {
        "year": 2019,
        "unit": None,
        "products_ranked": 3,
        "stars": {"5": 0, "potential_5": 1, "4": 1, "3": 1},
        "producers": 3,
        "producers_by_kind": {"cooperative": 2, "household": 1},
        "workers": 48,
        "plan_target": 3,
        "plan_achievement_percent": 100.0,
    }


def test_the_achievement_is_a_number_with_one_decimal(world, cast, api_token):
    PlanFactory(year=2019, unit=cast.commune_a, products_target=3)
    status, body, _ = _get(
        Client(), SUMMARY, api_token(cast.office), year="2019", unit=cast.commune_a.code
    )
    assert status == 200
    assert (body["unit"], body["products_ranked"]) == (cast.commune_a.code, 2)
    assert body["plan_achievement_percent"] == 66.7
    assert '"plan_achievement_percent": 66.7' in json.dumps(body)


def test_a_unit_code_is_the_unit_of_that_year(world, cast, api_token):
    """Codes repeat across the reform: 2019 finds the old commune, 2026 the new one."""
    district = DistrictFactory(parent=ProvinceFactory(), code="001")
    old = OldCommuneFactory(parent=district, code="00004", name="Phường Trúc Bạch")
    new = CommuneFactory(code="00004", name="Phường Ba Đình")
    world.rank(world.product(), 4, year=2019, commune=old)
    world.rank(world.product(), 5, year=2026, commune=new)
    world.rank(world.product(), 3, year=2026, commune=new)
    headers = api_token(cast.office)
    assert _get(Client(), SUMMARY, headers, year="2019", unit="00004")[1]["products_ranked"] == 1
    assert _get(Client(), SUMMARY, headers, year="2026", unit="00004")[1]["stars"] == {
        "5": 1,
        "potential_5": 0,
        "4": 0,
        "3": 1,
    }
    assert _get(Client(), SUMMARY, headers, year="2019", unit="001")[1]["products_ranked"] == 1


@pytest.mark.parametrize("year", ["abcd", "1800", "20.5"])
def test_a_bad_year_is_422_naming_year(world, cast, api_token, year):
    status, body, content_type = _get(Client(), SUMMARY, api_token(cast.office), year=year)
    assert status == 422
    assert content_type == "application/problem+json"
    assert [error["field"] for error in body["errors"]] == ["year"]


def test_an_unknown_unit_is_404(world, cast, api_token):
    status, body, content_type = _get(
        Client(), SUMMARY, api_token(cast.office), year="2019", unit="99999"
    )
    assert (status, body["status"], content_type) == (404, 404, "application/problem+json")


def test_a_commune_officer_gets_their_communes_only(world, cast, api_token):
    headers = api_token(cast.commune)
    status, body, _ = _get(Client(), SUMMARY, headers, year="2019")
    assert (status, body["products_ranked"], body["stars"]["3"]) == (200, 2, 0)
    assert body["unit"] == cast.commune_a.code  # their one commune, by default
    status, body, _ = _get(Client(), SUMMARY, headers, year="2019", unit=cast.commune_b.code)
    assert (status, body["status"]) == (404, 404)
    status, body, _ = _get(Client(), DASHBOARD, headers, year="2019", unit=cast.commune_b.code)
    assert status == 404


@pytest.mark.parametrize("who", ["producer1", "buyer", "outsider"])
def test_others_get_404(world, cast, api_token, who):
    for url in (SUMMARY, DASHBOARD):
        status, body, _ = _get(Client(), url, api_token(getattr(cast, who)), year="2019")
        assert (status, body["status"]) == (404, 404)


def test_anonymous_callers_get_401():
    for url in (SUMMARY, DASHBOARD):
        status, _body, content_type = _get(Client(), url, {}, year="2019")
        assert (status, content_type) == (401, "application/problem+json")


def test_the_session_of_a_signed_in_official_works_too(world, cast, client_for):
    response = client_for(cast.office).get(SUMMARY, {"year": "2019"})
    assert (response.status_code, response.json()["products_ranked"]) == (200, 3)


def test_the_dashboard_figures(world, cast, api_token):
    status, body, _ = _get(Client(), DASHBOARD, api_token(cast.office), year="2019")
    assert status == 200
    assert body["summary"]["products_ranked"] == 3
    assert body["summary"]["plan_achievement_percent"] == 100.0
    assert body["evaluated"] == {"total": 3, "district": 0, "province": 3, "central": 0}
    assert body["certificates"] == {"valid": 0, "expiring": 0, "expired": 0, "revoked": 0}
    assert body["connections"]["deal"] == 0
    assert body["training"]["participants"] == 0
    assert body["trend"][-1] == {
        "year": 2019,
        "products_ranked": 3,
        "stars": {"5": 0, "potential_5": 1, "4": 1, "3": 1},
    }
    assert (body["year"], body["start"], body["today"] is not None) == (2019, None, True)


def test_the_dashboard_of_a_period_and_a_kind(world, cast, api_token):
    status, body, _ = _get(
        Client(),
        DASHBOARD,
        api_token(cast.office),
        start="2019-01-01",
        end="2019-12-31",
        kind=ProducerKind.HOUSEHOLD,
    )
    assert status == 200
    assert (body["year"], body["start"], body["end"]) == (None, "2019-01-01", "2019-12-31")
    assert body["summary"]["stars"] == {"5": 0, "potential_5": 1, "4": 0, "3": 0}
    assert body["producer_kind"] == "household"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "31/12/2019"}, "start"),
        ({"start": "2019-12-31", "end": "2019-01-01"}, "end"),
        ({"kind": "pirate"}, "kind"),
        ({"group": "NO-SUCH"}, "group"),
        ({"year": "x"}, "year"),
    ],
)
def test_bad_dashboard_filters_are_422_naming_the_field(world, cast, api_token, params, field):
    status, body, _ = _get(Client(), DASHBOARD, api_token(cast.office), **params)
    assert status == 422
    assert [error["field"] for error in body["errors"]] == [field]


def test_the_dashboard_period_dates_are_dates(world, cast, api_token):
    status, body, _ = _get(
        Client(), DASHBOARD, api_token(cast.office), start=dt.date(2019, 6, 1).isoformat()
    )
    assert (status, body["start"], body["summary"]["products_ranked"]) == (200, "2019-06-01", 3)
