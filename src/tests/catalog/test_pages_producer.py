"""The public producer page `/co-so-ocop/<code>/`: an approved producer with a listed product
(profile, listed products as cards, the points of sale carrying them, the catalogue of its
commune); 404 for a producer with no listed product, not approved, or unknown. The same number
of queries for one or many products and points."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.catalog.queries.pages import PRODUCTS_PER_PAGE
from ocop.certificates.models import Certificate
from ocop.producers.enums import ProducerStatus
from ocop.trade.enums import PointOfSaleStatus
from tests.factories.catalog import listed_product
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory

from .pages_setup import point_of_sale, text_of

pytestmark = pytest.mark.django_db


def url(producer) -> str:
    return reverse("catalog:producer", kwargs={"code": producer.code})


def get(target, *, status: int = 200, **params):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(target if isinstance(target, str) else url(target), params)
    assert response.status_code == status
    return response


@pytest.fixture
def tea(cast):
    producer = cast.prod2
    producer.phone = "024 3823 4567"
    producer.email = "lienhe@trasen.vn"
    producer.website = "https://trasen.vn"
    producer.founded_on = dt.date(2016, 6, 1)
    producer.workforce_total = 18
    producer.save()
    return listed_product(producer=producer, name="Trà ướp sen Tây Hồ", stars=4, photo=True)


def test_anyone_reads_the_profile_of_a_producer_with_a_listed_product(cast, tea):
    other = listed_product(producer=cast.prod2, name="Trà sen túi lọc", stars=5)
    unlisted = ProductFactory(producer=cast.prod2, name="Trà chưa chứng nhận")
    response = get(cast.prod2)
    text = text_of(response)
    content = response.content.decode()
    producer = cast.prod2
    for shown in (
        producer.name,
        producer.get_kind_display().capitalize(),
        producer.commune.name,
        producer.address,
        "024 3823 4567",
        "lienhe@trasen.vn",
        "01/06/2016",
        "Workers 18",
        producer.representative_name,
    ):
        assert shown in text, shown
    # Nothing personal about the representative beyond the name.
    assert str(producer.get_representative_sex_display()) not in text
    assert "Kinh" not in text  # the ethnicity
    # Its listed products as cards (5★ first), not the unlisted one.
    assert text.index("Trà sen túi lọc") < text.index("Trà ướp sen Tây Hồ")
    assert f'href="{reverse("catalog:product", args=[other.product.code])}"' in content
    assert f'href="{reverse("catalog:product", args=[tea.product.code])}"' in content
    assert unlisted.name not in text
    # The catalogue of its commune.
    assert f'href="{reverse("catalog:list")}?commune={producer.commune.key}"' in content


def test_the_points_of_sale_carrying_its_listed_products(cast, tea):
    other = listed_product(producer=cast.prod2, name="Trà sen túi lọc")
    unlisted = ProductFactory(producer=cast.prod2, name="Trà chưa chứng nhận")
    point_of_sale(tea.product, other.product, name="Điểm OCOP Hồ Tây", commune=cast.commune_b)
    point_of_sale(unlisted, name="Cửa hàng chỉ có hàng chưa chứng nhận")
    point_of_sale(tea.product, name="Điểm đã đóng", status=PointOfSaleStatus.CLOSED)
    point_of_sale(cast.product1, name="Điểm của chủ thể khác")
    text = text_of(get(cast.prod2))
    assert "Điểm OCOP Hồ Tây" in text
    assert "Carries: Trà sen túi lọc, Trà ướp sen Tây Hồ" in text
    for absent in (
        "Cửa hàng chỉ có hàng chưa chứng nhận",
        "Điểm đã đóng",
        "Điểm của chủ thể khác",
    ):
        assert absent not in text


def test_a_producer_without_a_listed_product_is_404(cast, tea):
    get(cast.prod1, status=404)  # its product has no certificate
    Certificate.objects.filter(pk=tea.certificate.pk).update(expires_on=timezone.localdate())
    get(cast.prod2, status=404)  # its only certificate has expired


def test_a_producer_not_approved_is_404(db):
    producer = ProducerFactory(status=ProducerStatus.PENDING)
    get(producer, status=404)
    get(reverse("catalog:producer", args=["CT000000"]), status=404)


def test_the_products_come_a_page_at_a_time(cast):
    for n in range(PRODUCTS_PER_PAGE + 2):
        listed_product(producer=cast.prod1, name=f"Sản phẩm {n:02d}")
    first = get(cast.prod1)
    assert len(first.context["products"].object_list) == PRODUCTS_PER_PAGE
    second = get(cast.prod1, page=2)
    assert len(second.context["products"].object_list) == 2
    assert get(cast.prod1, page="x").context["products"].number == 1


def _queries(producer) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url(producer)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow(cast):
    one = listed_product(producer=cast.prod1, photo=True)
    point_of_sale(one.product)
    few = _queries(cast.prod1)
    for n in range(6):
        entry = listed_product(producer=cast.prod2, photo=True)
        point_of_sale(entry.product, commune=cast.commune_a if n % 2 else cast.commune_b)
    assert _queries(cast.prod2) == few
    assert few <= 8
