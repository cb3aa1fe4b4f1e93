"""The public points-of-sale API: GET /api/v1/points-of-sale (open points, filters, pagination,
the same queries for 1 or many) and /{code} (the listed products carried); closed, ended and
unknown points are 404 problem details. No authentication; codes, never ids."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.trade.enums import PointOfSaleKind, PointOfSaleStatus
from tests.factories.catalog import listed_product
from tests.factories.geo import CommuneFactory
from tests.factories.points import PointOfSaleFactory, carry
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/points-of-sale"


def get(path: str = "", status: int = 200, **query):
    response = Client().get(BASE + path, query)
    assert response.status_code == status, response.content
    return response.json()


def test_the_open_points_with_their_listed_product_count(db):
    commune = CommuneFactory(name="Phường Hoàn Kiếm")
    point = PointOfSaleFactory(
        name="Điểm OCOP Hoàn Kiếm", commune=commune, latitude="21.028511", longitude="105.8524"
    )
    carry(point, listed_product().product, ProductFactory())
    PointOfSaleFactory(status=PointOfSaleStatus.CLOSED)
    PointOfSaleFactory(
        kind=PointOfSaleKind.FAIR,
        starts_on=timezone.localdate() - dt.timedelta(days=9),
        ends_on=timezone.localdate() - dt.timedelta(days=2),
    )
    body = get()
    assert body["count"] == 1
    [row] = body["items"]
    assert row["code"] == point.code and "id" not in row
    assert row["administrative_unit"] == {"key": commune.key, "name": "Phường Hoàn Kiếm"}
    assert (row["latitude"], row["longitude"], row["product_count"]) == (21.028511, 105.8524, 1)
    assert row["url"] == f"{settings.SITE_URL}/diem-ban/{point.code}/"


def test_filters(db):
    a = CommuneFactory()
    PointOfSaleFactory(name="Siêu thị Xanh", commune=a, kind=PointOfSaleKind.SUPERMARKET)
    PointOfSaleFactory(name="Chợ Quê", kind=PointOfSaleKind.SHOP)
    assert [r["name"] for r in get(commune=a.key)["items"]] == ["Siêu thị Xanh"]
    assert [r["name"] for r in get(kind="shop")["items"]] == ["Chợ Quê"]
    assert [r["name"] for r in get(q="cho que")["items"]] == ["Chợ Quê"]
    assert get(commune="nowhere")["count"] == 0
    assert get(kind="castle")["count"] == 2
    assert get(q="x" * 10_000)["count"] == 0
    assert get(q="%_'\"")["count"] == 0


def test_one_point_with_its_listed_products(db):
    point = PointOfSaleFactory()
    entry = listed_product(name="Trà ướp sen Tây Hồ", stars=4)
    carry(point, entry.product, ProductFactory(name="Chưa chứng nhận"))
    body = get(f"/{point.code}")
    assert body["code"] == point.code and body["product_count"] == 1
    assert body["products"] == [
        {
            "code": entry.product.code,
            "name": "Trà ướp sen Tây Hồ",
            "stars": 4,
            "producer": {"code": entry.producer.code, "name": entry.producer.name},
            "url": f"{settings.SITE_URL}/san-pham-ocop/{entry.product.code}/",
        }
    ]


def test_closed_and_unknown_points_are_404_problems(cast, client_for):
    closed = PointOfSaleFactory(status=PointOfSaleStatus.CLOSED)
    for code in (closed.code, "DBNOTHERE"):
        response = Client().get(f"{BASE}/{code}")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["status"] == 404
    # the office sees the closed point on its pages, but the public API stays public
    assert client_for(cast.office).get(f"{BASE}/{closed.code}").status_code == 404


def test_the_list_costs_the_same_queries_for_1_or_many(db):
    client = Client()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BASE, {"limit": 100}).status_code == 200
        return len(queries)

    carry(PointOfSaleFactory(), listed_product().product)
    one = count()
    for _ in range(10):
        carry(PointOfSaleFactory(commune=CommuneFactory()), listed_product().product)
    assert count() == one
