"""The public catalogue API: GET /api/v1/catalog/products (the page's search, filters and order),
/products/{code} and /facets; no authentication; bad parameters are 422 problem details."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.certificates.models import Certificate
from ocop.certificates.queries.public import verification_url
from ocop.producers.enums import ProducerKind
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from tests.factories.catalog import listed_product
from tests.factories.geo import CommuneFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/catalog"


def api(path, params=None, *, status=200, client=None):
    response = (client or Client()).get(BASE + path, params or {})
    assert response.status_code == status, response.content
    return response.json()


def codes(doc) -> list[str]:
    return [row["code"] for row in doc["results"]]


@pytest.fixture
def products():
    commune = CommuneFactory(name="Xã Thanh Trì")
    household = ProducerFactory(
        name="Hộ Nguyễn Văn An", commune=commune, kind=ProducerKind.HOUSEHOLD
    )
    return {
        "plain": listed_product(name="Bánh chưng", stars=4, producer=household),
        "famous": listed_product(
            name="Bánh chưng Tranh Khúc", stars=5, group=("G1", "Bánh kẹo"), photo=True
        ),
        "typed": listed_product(name="Banh chung", stars=3, year=2025),
        "tea": listed_product(name="Trà sen", stars=5),
    }


def test_the_list_answers_anyone_in_relevance_order(products):
    doc = api("/products", {"q": "bánh chưng"})
    assert doc["count"] == 3
    assert doc["sort"] == "relevance"
    assert codes(doc) == [
        products["plain"].product.code,
        products["famous"].product.code,
        products["typed"].product.code,
    ]
    assert (doc["page"], doc["page_size"], doc["pages"]) == (1, 24, 1)


def test_a_row_has_codes_names_and_addresses(products):
    famous = products["famous"]
    row = api("/products", {"q": "tranh khuc"})["results"][0]
    assert row["code"] == famous.product.code
    assert row["name"] == "Bánh chưng Tranh Khúc"
    assert row["stars"] == 5
    assert row["url"].endswith(reverse("catalog:product", args=[famous.product.code]))
    assert row["photo_url"].endswith(
        reverse("catalog:photo", args=[famous.product.code, famous.photo.file.code])
    )
    assert row["producer"]["code"] == famous.producer.code
    assert row["producer"]["kind"] == "cooperative"
    assert row["producer"]["url"].endswith(reverse("catalog:producer", args=[famous.producer.code]))
    assert row["commune"] == {"key": famous.commune.key, "name": famous.commune.name}
    assert row["group"] == {"code": "G1", "name": "Bánh kẹo"}
    assert row["category"] == {"code": "C01", "name": "Thực phẩm"}
    certificate = famous.certificate
    assert row["certificate"] == {
        "number": certificate.number,
        "year": 2026,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "verification_url": verification_url(certificate),
    }
    assert "id" not in row and "pk" not in row


def test_the_api_and_the_page_give_the_same_order(products):
    for params in ({"q": "banh"}, {"q": "bánh"}, {}, {"sort": "name"}, {"stars": "5"}):
        html = Client().get(reverse("catalog:list"), params).content.decode()
        page_codes = re.findall(
            r'<h3 class="cat-card-name"><a href="/san-pham-ocop/([^/]+)/"', html
        )
        assert codes(api("/products", params)) == page_codes, params


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"stars": "5"}, ["Bánh chưng Tranh Khúc", "Trà sen"]),
        ({"stars": "4,5"}, ["Bánh chưng Tranh Khúc", "Trà sen", "Bánh chưng"]),
        ({"stars": ["3", "4"]}, ["Bánh chưng", "Banh chung"]),
        ({"group": "G1"}, ["Bánh chưng Tranh Khúc"]),
        ({"kind": "household"}, ["Bánh chưng"]),
        ({"year": "2025"}, ["Banh chung"]),
        ({"sort": "name", "q": "banh"}, None),
        ({"q": "%"}, []),
        ({"q": "x" * 10_000}, []),
        ({"q": "' OR 1=1 --"}, []),
    ],
)
def test_filters(products, params, names):
    doc = api("/products", params)
    if names is not None:
        assert [row["name"] for row in doc["results"]] == names
        assert doc["count"] == len(names)


def test_the_commune_filter(products):
    commune = products["plain"].commune
    assert [r["name"] for r in api("/products", {"commune": commune.key})["results"]] == [
        "Bánh chưng"
    ]


def test_pages(products):
    first = api("/products", {"page_size": 3})
    assert (first["count"], first["pages"], len(first["results"])) == (4, 2, 3)
    second = api("/products", {"page_size": 3, "page": 2})
    assert len(second["results"]) == 1
    assert set(codes(first)).isdisjoint(codes(second))
    beyond = api("/products", {"page_size": 3, "page": 3})
    assert beyond["results"] == [] and beyond["count"] == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stars": "7"}, "stars"),
        ({"stars": "abc"}, "stars"),
        ({"year": "abc"}, "year"),
        ({"kind": "pirate"}, "kind"),
        ({"sort": "price"}, "sort"),
        ({"group": "G1' OR '1'='1"}, "group"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "-1"}, "page_size"),
    ],
)
def test_bad_parameters_are_422_problem_details(products, params, field):
    response = Client().get(BASE + "/products", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    doc = response.json()
    assert doc["type"].endswith("/validation")
    assert field in [error["field"] for error in doc["errors"]]


def test_the_detail_of_a_listed_product(products):
    famous = products["famous"]
    doc = api(f"/products/{famous.product.code}")
    assert doc["code"] == famous.product.code
    assert doc["description"] == famous.product.description
    assert doc["photos"] == [api("/products", {"q": "tranh"})["results"][0]["photo_url"]]
    assert doc["certificate"]["number"] == famous.certificate.number


def test_the_detail_is_404_when_not_listed(cast, products):
    plain = ProductFactory(producer=cast.prod1)  # no certificate
    for code in (plain.code, "SPNOSUCH1", "x" * 500, "%", "' OR 1=1"):
        response = Client().get(f"{BASE}/products/{code}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    tea = products["tea"]
    Certificate.objects.filter(pk=tea.certificate_id).update(status="revoked")
    assert Client().get(f"{BASE}/products/{tea.product.code}").status_code == 404
    typed = products["typed"]
    Product.objects.filter(pk=typed.product_id).update(status=ProductStatus.ARCHIVED)
    assert "Banh chung" not in [r["name"] for r in api("/products")["results"]]


def test_facets(products):
    doc = api("/facets")
    assert doc["stars"] == [3, 4, 5]
    assert doc["groups"] == [{"code": "G1", "name": "Bánh kẹo"}]
    assert doc["years"] == [2026, 2025]
    assert {"key": products["plain"].commune.key, "name": "Xã Thanh Trì"} in doc["communes"]
    assert {k["code"] for k in doc["kinds"]} == set(ProducerKind.values)


def test_a_signed_in_caller_gets_the_same(cast, client_for, api_token, products):
    anonymous = api("/products", {"q": "banh"})
    assert api("/products", {"q": "banh"}, client=client_for(cast.buyer)) == anonymous
    token_client = Client(**api_token(cast.producer1))
    assert api("/products", {"q": "banh"}, client=token_client) == anonymous


def test_the_list_makes_the_same_queries_for_few_or_many_results():
    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            api("/products", {"q": "mat ong", "page_size": 100})
        return len(captured)

    for n in range(3):
        listed_product(name=f"Mật ong {n}", photo=True)
    few = queries()
    for n in range(27):
        listed_product(name=f"Mật ong rừng {n}", photo=n % 2 == 0)
    assert queries() == few
