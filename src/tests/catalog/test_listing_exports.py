"""The catalogue's open data: /san-pham-ocop/du-lieu.csv and .json, with the page's search and
filters, every matching row, streamed; CSV in UTF-8 with a BOM and dd/mm/yyyy dates, JSON with
ISO dates and its licence."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.catalog.queries.open_data import OPEN_DATA_FIELDS
from ocop.certificates.queries.public import verification_url
from ocop.core.text import short_date
from ocop.producers.enums import ProducerKind
from tests.factories.catalog import listed_product
from tests.factories.geo import CommuneFactory
from tests.factories.producers import ProducerFactory

pytestmark = pytest.mark.django_db
CSV_URL = reverse("catalog:export_csv")
JSON_URL = reverse("catalog:export_json")


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(params=None) -> list[dict[str, str]]:
    raw = body(Client().get(CSV_URL, params or {}))
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def json_doc(params=None) -> dict:
    response = Client().get(JSON_URL, params or {})
    assert response["Content-Type"].startswith("application/json")
    return json.loads(body(response))


@pytest.fixture
def products():
    commune = CommuneFactory(name="Phường Tây Hồ")
    producer = ProducerFactory(
        name="Công ty TNHH Trà sen Quảng An", commune=commune, kind=ProducerKind.ENTERPRISE
    )
    return [
        listed_product(name="Trà sen Tây Hồ", stars=5, producer=producer, group=("G2", "Chè")),
        listed_product(name="Trà ướp sen, túi lọc", stars=4, producer=producer, year=2025),
        listed_product(name="Bình gốm men rạn", stars=3),
    ]


def test_the_csv_parses_back_with_every_column(products):
    tea = products[0]
    response = Client().get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="san-pham-ocop.csv"' in response["Content-Disposition"]
    rows = csv_rows()
    assert list(rows[0]) == list(OPEN_DATA_FIELDS)
    assert [row["product_name"] for row in rows] == [
        "Trà sen Tây Hồ",
        "Trà ướp sen, túi lọc",
        "Bình gốm men rạn",
    ]
    first = rows[0]
    assert first == {
        "product_code": tea.product.code,
        "product_name": "Trà sen Tây Hồ",
        "stars": "5",
        "certificate_number": tea.certificate.number,
        "valid_until": tea.certificate.valid_until.strftime("%d/%m/%Y"),
        "producer_code": tea.producer.code,
        "producer_name": "Công ty TNHH Trà sen Quảng An",
        "producer_kind": "enterprise",
        "commune_key": tea.commune.key,
        "commune_name": "Phường Tây Hồ",
        "category_code": "C01",
        "category_name": "Thực phẩm",
        "group_code": "G2",
        "group_name": "Chè",
        "year": "2026",
        "product_url": settings.SITE_URL + reverse("catalog:product", args=[tea.product.code]),
        "verification_url": verification_url(tea.certificate),
    }
    assert first["valid_until"] == short_date(tea.certificate.valid_until)


def test_the_exports_take_the_search_and_the_filters(products):
    assert [row["product_name"] for row in csv_rows({"q": "sen"})] == [
        "Trà sen Tây Hồ",
        "Trà ướp sen, túi lọc",
    ]
    assert [row["product_name"] for row in csv_rows({"q": "sen", "stars": "4"})] == [
        "Trà ướp sen, túi lọc"
    ]
    assert [p["product_name"] for p in json_doc({"year": "2025"})["products"]] == [
        "Trà ướp sen, túi lọc"
    ]
    assert csv_rows({"q": "%"}) == []
    assert json_doc({"q": "x" * 10_000})["products"] == []
    # a value that cannot be a filter is left out, as on the page
    assert len(csv_rows({"stars": "9", "year": "abc"})) == 3


def test_the_json_has_iso_dates_its_filters_and_licence(products):
    doc = json_doc({"q": "trà sen", "stars": ["4", "5"]})
    assert doc["licence"] == "CC BY 4.0"
    assert doc["licence_url"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert doc["filters"]["q"] == "trà sen"
    assert doc["filters"]["stars"] == [4, 5]
    assert doc["filters"]["sort"] == "relevance"
    assert "generated_at" in doc
    first = doc["products"][0]
    assert first["product_name"] == "Trà sen Tây Hồ"
    assert first["valid_until"] == products[0].certificate.valid_until.isoformat()
    assert first["stars"] == 5
    assert set(first) == set(OPEN_DATA_FIELDS)


def test_no_listed_product_exports_an_empty_file():
    assert csv_rows() == []
    assert json_doc()["products"] == []


def _queries(url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        body(Client().get(url))
    return len(captured)


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_the_exports_make_the_same_queries_for_3_or_30_rows(url):
    for n in range(3):
        listed_product(name=f"Mật ong {n}")
    few = _queries(url)
    for n in range(27):
        listed_product(name=f"Mật ong thêm {n}", photo=n % 2 == 0)
    assert _queries(url) == few
