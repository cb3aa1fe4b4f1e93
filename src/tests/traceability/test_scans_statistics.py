"""Scan statistics (the page `scans:statistics` and `GET /api/v1/traceability/scans`): scans per
product, per batch and per commune of the producer, and the warnings, over a period. Officials
see every scan (a commune officer their commune's), producers their own products'; anyone else
404. The same number of queries for 1 row or many."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI

from ocop.api import AUTH
from ocop.core.problems import install
from ocop.traceability import api_scans
from ocop.traceability.enums import ScanWarning, StampStatus
from ocop.traceability.models import Scan
from ocop.urls import urlpatterns as site_urlpatterns
from tests.factories.products import ProductFactory
from tests.factories.traceability import BatchFactory, StampFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The lead mounts `api_scans.router` in ocop/api.py; here it is mounted on a test API first, so
# that the tests do not depend on that line (a django-ninja router may serve several APIs).
test_api = NinjaAPI(urls_namespace="scans-test-api", auth=AUTH, docs_url=None)
install(test_api)
test_api.add_router("/traceability/scans", api_scans.router)
urlpatterns = [path("api/v1/", test_api.urls), *site_urlpatterns]

PAGE = "/truy-xuat/quet/"
API = "/api/v1/traceability/scans"
NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


def scans(stamp, count: int, *, warning: str = "", at: dt.datetime = NOW) -> None:
    Scan.objects.bulk_create(
        [
            Scan(
                stamp=stamp,
                batch=stamp.batch,
                product=stamp.batch.product,
                scanned_at=at,
                warning=warning,
            )
            for _ in range(count)
        ]
    )


@pytest.fixture
def data(cast):
    """Producer 1 (commune A): 5 scans, 2 with a warning; producer 2 (commune B): 3 scans."""
    one = StampFactory(batch=BatchFactory(product=cast.product1), status=StampStatus.ACTIVE)
    two = StampFactory(batch=BatchFactory(product=cast.product2), status=StampStatus.ACTIVE)
    scans(one, 3)
    scans(one, 2, warning=ScanWarning.TOO_MANY)
    scans(two, 3)
    scans(two, 4, at=NOW - dt.timedelta(days=90))  # outside the default period
    return one, two


def stats(client: Client, **params) -> dict:
    params.setdefault("until", "2026-11-25")
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return response.json()


def api(api_token, user) -> Client:
    return Client(**api_token(user))


# --- who sees what ------------------------------------------------------------------------------


def test_the_office_sees_every_scan(cast, data, api_token):
    body = stats(api(api_token, cast.office))
    assert body["totals"] == {"scans": 8, "stamps": 2, "warned": 2, "placed": 0}
    assert {row["code"]: row["scans"] for row in body["products"]} == {
        cast.product1.code: 5,
        cast.product2.code: 3,
    }
    assert {row["key"]: row["scans"] for row in body["communes"]} == {
        cast.commune_a.key: 5,
        cast.commune_b.key: 3,
    }
    assert body["warnings"] == [
        {"warning": "too_many", "label": str(ScanWarning.TOO_MANY.label), "scans": 2}
    ]
    (batch_row,) = [row for row in body["batches"] if row["product_code"] == cast.product1.code]
    assert (batch_row["lot"], batch_row["scans"], batch_row["warned"]) == (
        data[0].batch.lot,
        5,
        2,
    )


@pytest.mark.parametrize(
    ("who", "product"),
    [
        ("commune", "product1"),
        ("commune2", "product2"),
        ("producer1", "product1"),
        ("producer1_staff", "product1"),
        ("producer2", "product2"),
    ],
)
def test_communes_and_producers_see_their_own(cast, data, api_token, who, product):
    body = stats(api(api_token, getattr(cast, who)))
    assert [row["code"] for row in body["products"]] == [getattr(cast, product).code]


@pytest.mark.parametrize("who", ["buyer", "outsider", "member", "chair"])
def test_anyone_else_gets_404(cast, data, api_token, client_for, who):
    user = getattr(cast, who)
    response = api(api_token, user).get(API)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client_for(user).get(PAGE).status_code == 404


def test_anonymous_is_asked_to_sign_in(data):
    assert Client().get(API).status_code == 401
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?next={PAGE}")


# --- filters ----------------------------------------------------------------------------------


def test_the_period_commune_and_product_filters(cast, data, api_token):
    office = api(api_token, cast.office)
    assert stats(office, since="2026-08-01")["totals"]["scans"] == 12
    assert stats(office, since="2026-08-01", until="2026-08-31")["totals"]["scans"] == 4
    assert stats(office, commune=cast.commune_b.key)["totals"]["scans"] == 3
    assert stats(office, product=cast.product1.code)["totals"]["scans"] == 5
    assert stats(office, product="SP9999999")["totals"]["scans"] == 0
    # a producer filtering on another's product sees nothing of it
    producer2 = api(api_token, cast.producer2)
    assert stats(producer2, product=cast.product1.code)["totals"]["scans"] == 0
    assert Client(**api_token(cast.office)).get(API, {"since": "not a date"}).status_code == 422


def test_the_default_period_is_the_last_30_days(cast, data, api_token):
    body = api(api_token, cast.office).get(API).json()
    today = timezone.localdate()
    assert body["period"]["until"] == today.isoformat()
    assert body["period"]["since"] == (today - dt.timedelta(days=29)).isoformat()


def test_the_page_shows_the_tables(cast, data, client_for):
    response = client_for(cast.office).get(PAGE, {"until": "25/11/2026"})
    assert response.status_code == 200
    content = response.content.decode()
    for text in (cast.product1.name, cast.product2.name, data[0].batch.lot, "Xã Bát Tràng"):
        assert text in content
    producer = client_for(cast.producer2).get(PAGE, {"until": "2026-11-25"}).content.decode()
    assert cast.product2.name in producer and cast.product1.name not in producer


# --- query guards -------------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    client.get(url, {"until": "2026-11-25"})  # warm the token's first-use bookkeeping
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"until": "2026-11-25"}).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("kind", ["page", "api"])
def test_the_same_queries_for_one_row_or_many(cast, api_token, client_for, kind):
    client = client_for(cast.office) if kind == "page" else api(api_token, cast.office)
    url = PAGE if kind == "page" else API
    scans(StampFactory(batch=BatchFactory(product=cast.product1)), 1)
    one = _count(client, url)
    for index in range(12):
        product = ProductFactory(producer=cast.prod2, name=f"Trà số {index}")
        stamp = StampFactory(batch=BatchFactory(product=product))
        scans(stamp, 2, warning=ScanWarning.VOID if index % 2 else "")
    many = _count(client, url)
    assert many == one
