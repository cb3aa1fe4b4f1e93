"""The dashboard page (/bao-cao/), its charts (/bao-cao/bieu-do/<chart>.svg), the ranked list
(/bao-cao/san-pham-xep-hang/) and the block on the officials' home dashboard: figures, links to
the lists behind them, filters (bad values left out with a notice), access, query guards."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.evaluation.enums import DossierStatus, Level
from ocop.producers.enums import ProducerKind
from tests.factories.geo import DistrictFactory, OldCommuneFactory, ProvinceFactory
from tests.factories.producers import ProducerFactory
from tests.factories.reports import PlanFactory
from tests.reports.dashboard_world import ReportWorld

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
DASHBOARD = reverse("reports:dashboard")
RANKED = reverse("reports:ranked")


@pytest.fixture
def world(cast):
    return ReportWorld.build(cast)


@pytest.fixture
def ranked(world, cast):
    """2019: in commune A two 4★ and one potential 5★; in commune B one 3★. Plan 3 → 133,3%."""
    world.rank(world.product(name="Gốm men lam"), 4, year=2019)
    world.rank(world.product(name="Gốm men rạn"), 4, year=2019)
    world.rank(world.product(name="Bình hút lộc"), "proposed", year=2019)
    world.rank(world.product(cast.prod2, name="Trà sen Tây Hồ"), 3, year=2019)
    PlanFactory(year=2019, unit=ProvinceFactory(), products_target=3)
    return world


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _svg(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own SVG


# --- access -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in():
    for url in (DASHBOARD, RANKED, reverse("reports:chart", args=["stars"])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["producer1", "buyer", "outsider", "producer1_staff"])
def test_people_who_are_not_officials_get_404(cast, client_for, who):
    client = client_for(getattr(cast, who))
    for url in (DASHBOARD, RANKED, reverse("reports:chart", args=["stars"])):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["office", "admin", "approver", "chair", "commune"])
def test_officials_see_the_dashboard(cast, client_for, who):
    assert client_for(getattr(cast, who)).get(DASHBOARD).status_code == 200


# --- the page ---------------------------------------------------------------------------------


def test_the_dashboard_shows_the_figures_of_the_year(ranked, cast, client_for):
    response = client_for(cast.office).get(DASHBOARD, {"year": "2019"})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.products_ranked, summary.stars["4"], summary.stars["potential_5"]) == (4, 2, 1)
    content = response.content.decode()
    assert 'data-figure="products_ranked">4<' in content
    assert 'data-figure="achievement">133,3%<' in content  # Vietnamese number format
    # every chart inline, as accessible SVG
    assert content.count('role="img"') == 6
    assert "<desc" in content


def test_the_figures_link_to_the_lists_behind_them(ranked, world, cast, client_for):
    product = world.product()
    world.dossier(
        product,
        status=DossierStatus.SUBMITTED,
        level=Level.COMMUNE,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    response = client_for(cast.office).get(DASHBOARD, {"year": "2019"})
    links = response.context["links"]
    assert _params(links["stars"]["4"]) == {"year": ["2019"], "stars": ["4"]}
    assert urlsplit(links["ranked"]).path == RANKED
    waiting = links["waiting"][("submitted", "commune")]
    assert urlsplit(waiting["all"]).path == reverse("evaluation:dossiers")
    assert _params(waiting["overdue"]) == {
        "status": ["submitted"],
        "level": ["commune"],
        "overdue": ["1"],
    }
    assert _params(links["certificates"]["expiring"]) == {"status": ["expiring"]}
    assert urlsplit(links["scans"]).path == reverse("scans:statistics")
    assert _params(links["scans"])["since"] == ["2019-01-01"]
    assert _params(links["connections"]["deal"]) == {"status": ["deal"], "year": ["2019"]}
    assert _params(links["courses"]) == {"year": ["2019"]}
    content = response.content.decode()
    for url in (
        links["stars"]["4"],
        waiting["overdue"],
        links["certificates"]["valid"],
        links["connections"]["deal"],
        links["scans"],
        links["courses"],
    ):
        assert f'href="{url.replace("&", "&amp;")}"' in content
    # and the lists answer with what the figure counts
    client = client_for(cast.office)
    listed = client.get(waiting["overdue"])
    assert [row.code for row, _late in listed.context["rows"]] == [product.dossiers.get().code]
    assert client.get(links["stars"]["4"]).context["page"].paginator.count == 2


def test_the_dossier_list_filters_by_level(world, cast, client_for):
    product = world.product()
    commune = world.dossier(product, status=DossierStatus.SUBMITTED, level=Level.COMMUNE)
    world.dossier(product, status=DossierStatus.SUBMITTED, level=Level.PROVINCE)
    response = client_for(cast.office).get(
        reverse("evaluation:dossiers"), {"status": "submitted", "level": "commune"}
    )
    assert [row.code for row, _late in response.context["rows"]] == [commune.code]
    unknown = client_for(cast.office).get(reverse("evaluation:dossiers"), {"level": "moon"})
    assert len(unknown.context["rows"]) == 2


def test_bad_filters_are_left_out_with_a_notice(ranked, cast, client_for):
    client = _english(client_for(cast.office))
    response = client.get(
        DASHBOARD, {"year": "20x9", "unit": "99999", "group": "NOPE", "kind": "pirate"}
    )
    assert response.status_code == 200
    notices = dict(response.context["notices"])
    assert set(notices) == {"Year", "Administrative unit", "Product group", "Producer kind"}
    assert response.context["data"].scope.year == timezone.localdate().year
    assert "could not be read" in response.content.decode()


def test_a_period_replaces_the_year(ranked, cast, client_for):
    response = client_for(cast.office).get(
        DASHBOARD, {"year": "2018", "start": "01/01/2019", "end": "31/12/2019"}
    )
    scope = response.context["data"].scope
    assert (scope.year, scope.start, scope.end) == (
        None,
        dt.date(2019, 1, 1),
        dt.date(2019, 12, 31),
    )
    assert response.context["summary"].products_ranked == 4
    backwards = client_for(cast.office).get(DASHBOARD, {"start": "31/12/2019", "end": "01/01/2019"})
    assert "end" in backwards.context["filters"].errors


def test_a_district_unit_by_code_finds_its_old_communes(world, cast, client_for):
    district = DistrictFactory(parent=ProvinceFactory(), code="017")
    old = OldCommuneFactory(parent=district)
    world.rank(world.product(), 4, year=2019, commune=old)
    world.rank(world.product(), 3, year=2019)
    response = client_for(cast.office).get(DASHBOARD, {"year": "2019", "unit": "017"})
    assert response.context["data"].scope.unit == district
    assert response.context["summary"].products_ranked == 1
    # the district is offered for a year before the reform
    assert district.key in dict(response.context["choices"]["units"])


def test_a_commune_officer_sees_their_commune_only(ranked, cast, client_for):
    client = client_for(cast.commune)
    response = client.get(DASHBOARD, {"year": "2019"})
    assert response.context["summary"].products_ranked == 3
    assert response.context["data"].scope.unit == cast.commune_a  # their one commune
    assert [key for key, _name in response.context["choices"]["units"]] == [cast.commune_a.key]
    other = client.get(DASHBOARD, {"year": "2019", "unit": cast.commune_b.key})
    assert "unit" in other.context["filters"].errors
    assert other.context["summary"].products_ranked == 3
    assert "Trà sen" not in client.get(RANKED, {"year": "2019"}).content.decode()


# --- charts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chart", ["stars", "trend", "evaluated", "waiting", "certificates", "connections"]
)
def test_each_chart_is_served_as_svg(ranked, cast, client_for, chart):
    response = client_for(cast.office).get(reverse("reports:chart", args=[chart]), {"year": "2019"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    root = _svg(response.content)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None


def test_the_stars_chart_holds_the_figures(ranked, cast, client_for):
    response = client_for(cast.office).get(
        reverse("reports:chart", args=["stars"]), {"year": "2019"}
    )
    root = _svg(response.content)
    texts = [node.text for node in root.iter(f"{SVG}text")]
    assert texts.count("2") >= 1 and "1" in texts
    desc = root.find(f"{SVG}desc").text
    assert desc.endswith(": 1")  # 3★: the one product of commune B


def test_the_chart_of_a_commune_officer_counts_their_commune(ranked, cast, client_for):
    response = client_for(cast.commune2).get(
        reverse("reports:chart", args=["trend"]), {"year": "2019"}
    )
    desc = _svg(response.content).find(f"{SVG}desc").text
    assert "2019" in desc and "(1)" in desc


def test_an_unknown_chart_is_404(cast, client_for):
    assert client_for(cast.office).get(reverse("reports:chart", args=["pie"])).status_code == 404


# --- the ranked list --------------------------------------------------------------------------


def test_the_ranked_list_shows_the_products_behind_a_figure(ranked, cast, client_for):
    response = client_for(cast.office).get(RANKED, {"year": "2019", "stars": "4"})
    rows = response.context["rows"]
    assert [row.product.name for row in rows] == ["Gốm men lam", "Gốm men rạn"]
    assert {row.category for row in rows} == {"4"}
    content = response.content.decode()
    assert rows[0].item.decision.number in content
    assert "20/12/2019" in content  # the decision's date, dd/mm/yyyy
    assert "78,50" in content  # the mean score in Vietnamese format
    assert cast.commune_a.name in content
    everything = client_for(cast.office).get(RANKED, {"year": "2019"})
    assert everything.context["page"].paginator.count == 4


def test_the_ranked_list_ignores_an_unknown_class_with_a_notice(ranked, cast, client_for):
    response = client_for(cast.office).get(RANKED, {"year": "2019", "stars": "7"})
    assert "stars" in response.context["filters"].errors
    assert response.context["page"].paginator.count == 4


def _list_queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(RANKED, params)
    assert response.status_code == 200
    return len(captured)


def test_the_ranked_list_makes_the_same_number_of_queries_for_3_and_30(world, cast, client_for):
    client = client_for(cast.office)
    for _ in range(3):
        world.rank(world.product(), 4, year=2019)
    small = _list_queries(client, {"year": "2019", "kind": ProducerKind.COOPERATIVE})
    for index in range(27):
        producer = ProducerFactory(commune=cast.commune_b) if index % 3 else cast.prod1
        world.rank(world.product(producer), 4 - index % 2, year=2019)
    assert _list_queries(client, {"year": "2019", "kind": ProducerKind.COOPERATIVE}) == small
    assert _list_queries(client, {"year": "2019", "page": "2"}) == small


def test_the_dashboard_page_makes_the_same_number_of_queries_for_3_and_30(world, cast, client_for):
    client = client_for(cast.office)
    for _ in range(3):
        world.rank(world.product(), 4, year=2019)
    with CaptureQueriesContext(connection) as captured:
        client.get(DASHBOARD, {"year": "2019"})
    small = len(captured)
    for index in range(27):
        world.rank(world.product(cast.prod2), 3 + index % 3, year=2019)
    with CaptureQueriesContext(connection) as captured:
        client.get(DASHBOARD, {"year": "2019"})
    assert len(captured) == small


# --- the officials' home dashboard ------------------------------------------------------------


def test_the_home_dashboard_shows_the_state_management_block(world, cast, client_for):
    year = timezone.localdate().year
    world.rank(world.product(), 4, year=year)
    response = client_for(cast.office).get(reverse("core:dashboard"))
    block = response.context["reports"]
    assert (block["year"], block["summary"].products_ranked) == (year, 1)
    content = response.content.decode()
    assert f'href="{DASHBOARD}"' in content
    assert f'href="{RANKED}?year={year}&amp;stars=4"' in content
    mine = client_for(cast.commune2).get(reverse("core:dashboard")).context["reports"]
    assert mine["summary"].products_ranked == 0  # commune B has none
    producer = client_for(cast.producer1).get(reverse("core:dashboard"))
    assert producer.context["reports"] is None
    assert f'href="{DASHBOARD}"' not in producer.content.decode()
