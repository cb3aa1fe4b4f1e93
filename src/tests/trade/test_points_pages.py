"""The points-of-sale pages: the public directory (grouped by commune, filters, only open
points, listed products counted) and a point's page (only listed products), their query counts,
and the management pages with every permission leak tried."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.certificates.models import Certificate
from ocop.trade.enums import PointOfSaleKind, PointOfSaleStatus
from ocop.trade.models import PointOfSale, PointOfSaleProduct
from tests.factories.catalog import listed_product
from tests.factories.geo import CommuneFactory
from tests.factories.points import PointOfSaleFactory, buyer_with_user, carry
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def queries_of(client: Client, url: str, data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, data or {}).status_code == 200
    return len(queries)


# --- the directory --------------------------------------------------------------------------


def test_the_directory_groups_open_points_by_commune(db):
    xa = CommuneFactory(name="Xã Bát Tràng")
    phuong = CommuneFactory(name="Phường Ba Đình")
    PointOfSaleFactory(name="Điểm bán gốm", commune=xa)
    PointOfSaleFactory(name="Siêu thị Ba Đình", commune=phuong, kind=PointOfSaleKind.SUPERMARKET)
    PointOfSaleFactory(name="Cửa hàng đóng cửa", commune=xa, status=PointOfSaleStatus.CLOSED)
    PointOfSaleFactory(
        name="Hội chợ đã qua",
        commune=xa,
        kind=PointOfSaleKind.FAIR,
        starts_on=TODAY() - dt.timedelta(days=10),
        ends_on=TODAY() - dt.timedelta(days=1),
    )
    PointOfSaleFactory(
        name="Hội chợ sắp tới",
        commune=xa,
        kind=PointOfSaleKind.FAIR,
        starts_on=TODAY() + dt.timedelta(days=5),
        ends_on=TODAY() + dt.timedelta(days=7),
    )
    response = Client().get(reverse("points:directory"))
    content = response.content.decode()
    headings = re.findall(r"<h2 id=\"commune-[^\"]+\">([^<]+)</h2>", content)
    assert headings == ["Phường Ba Đình", "Xã Bát Tràng"]
    assert "Điểm bán gốm" in content and "Hội chợ sắp tới" in content
    assert "Cửa hàng đóng cửa" not in content and "Hội chợ đã qua" not in content
    groups = response.context["groups"]
    assert [(commune.name, [p.name for p in points]) for commune, points in groups] == [
        ("Phường Ba Đình", ["Siêu thị Ba Đình"]),
        ("Xã Bát Tràng", ["Điểm bán gốm", "Hội chợ sắp tới"]),
    ]


def test_the_directory_filters(db):
    a, b = CommuneFactory(name="Phường A"), CommuneFactory(name="Phường B")
    PointOfSaleFactory(name="Chợ Quê Đặc Sản", commune=a, kind=PointOfSaleKind.SHOP)
    PointOfSaleFactory(name="Siêu thị Xanh", commune=b, kind=PointOfSaleKind.SUPERMARKET)
    client = Client()

    def names(**query) -> list[str]:
        response = client.get(reverse("points:directory"), query)
        assert response.status_code == 200
        return [p.name for _c, points in response.context["groups"] for p in points]

    assert names(q="cho que") == ["Chợ Quê Đặc Sản"]
    assert names(q="CHỢ QUÊ") == ["Chợ Quê Đặc Sản"]
    assert names(kind="supermarket") == ["Siêu thị Xanh"]
    assert names(commune=b.key) == ["Siêu thị Xanh"]
    assert names(commune="c-nowhere") == []
    assert names(kind="castle") == ["Chợ Quê Đặc Sản", "Siêu thị Xanh"]
    for bad in ("%", "_", "' OR 1=1 --", "x" * 10_000, "🌾", "سوق", "\u202e"):
        assert names(q=bad) == []


def test_the_directory_counts_listed_products_only(db):
    point = PointOfSaleFactory()
    listed = listed_product()
    revoked = listed_product()
    carry(point, listed.product, revoked.product, ProductFactory())
    Certificate.objects.filter(pk=revoked.certificate.pk).update(status="revoked")
    response = Client().get(reverse("points:directory"))
    [(_commune, [shown])] = response.context["groups"]
    assert shown.product_count == 1
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = english.get(reverse("points:directory")).content.decode()
    assert "1 OCOP product" in content


def test_the_directory_costs_the_same_queries_for_1_or_many_points(db):
    client = Client()
    point = PointOfSaleFactory()
    carry(point, listed_product().product)
    one = queries_of(client, reverse("points:directory"))
    for _ in range(8):
        other = PointOfSaleFactory(commune=CommuneFactory())
        carry(other, listed_product().product, listed_product().product)
    assert queries_of(client, reverse("points:directory")) == one


# --- a point's page -------------------------------------------------------------------------


def test_a_point_shows_its_listed_products_only(db):
    point = PointOfSaleFactory(latitude="21.028511", longitude="105.852400", email="a@b.vn")
    shown = listed_product(name="Trà ướp sen Tây Hồ")
    expired = listed_product(name="Mơ muối đã hết hạn")
    carry(point, shown.product, expired.product, ProductFactory(name="Giỏ mây chưa chứng nhận"))
    Certificate.objects.filter(pk=expired.certificate.pk).update(
        expires_on=TODAY() - dt.timedelta(days=1)
    )
    content = Client().get(reverse("points:detail", args=[point.code])).content.decode()
    assert "Trà ướp sen Tây Hồ" in content
    assert "Mơ muối đã hết hạn" not in content and "Giỏ mây chưa chứng nhận" not in content
    assert reverse("catalog:product", args=[shown.product.code]) in content
    assert "geo:21.028511,105.852400" in content
    assert "https://www.openstreetmap.org/?mlat=21.028511&amp;mlon=105.852400" in content
    assert "<script" not in content and "<iframe" not in content
    assert reverse("points:edit", args=[point.code]) not in content


def test_without_coordinates_the_map_link_searches_the_address(db):
    point = PointOfSaleFactory(address="Số 1 phố Huế")
    content = Client().get(reverse("points:detail", args=[point.code])).content.decode()
    assert (
        "https://www.openstreetmap.org/search?query=S%E1%BB%91%201%20ph%E1%BB%91%20Hu%E1%BA%BF"
        in content
    )
    assert "geo:" not in content


def test_the_point_page_costs_the_same_queries_for_1_or_many_products(db):
    client = Client()
    point = PointOfSaleFactory()
    carry(point, listed_product(photo=True).product)
    url = reverse("points:detail", args=[point.code])
    one = queries_of(client, url)
    for _ in range(10):
        carry(point, listed_product(photo=True).product)
    assert queries_of(client, url) == one


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("commune", 404),
        ("producer1", 404),
        ("other_buyer", 404),
        ("own_buyer", 200),
        ("office", 200),
        ("admin", 200),
    ],
)
def test_a_closed_point_is_seen_only_by_those_who_keep_it(cast, client_for, who, status):
    buyer, user = buyer_with_user()
    point = PointOfSaleFactory(buyer=buyer, status=PointOfSaleStatus.CLOSED, commune=cast.commune_a)
    if who == "anonymous":
        client = Client()
    elif who == "other_buyer":
        client = client_for(buyer_with_user()[1])
    elif who == "own_buyer":
        client = client_for(user)
    else:
        client = client_for(getattr(cast, who))
    assert client.get(reverse("points:detail", args=[point.code])).status_code == status


def test_an_unknown_point_is_404(db):
    assert Client().get(reverse("points:detail", args=["DBNOTHERE"])).status_code == 404


# --- management -----------------------------------------------------------------------------


def test_the_management_list(cast, client_for):
    buyer, user = buyer_with_user()
    own = PointOfSaleFactory(buyer=buyer, name="Siêu thị của tôi", status=PointOfSaleStatus.CLOSED)
    PointOfSaleFactory(name="Điểm của văn phòng")
    url = reverse("points:manage")
    office = client_for(cast.office).get(url)
    assert {p.name for p in office.context["points"]} == {"Siêu thị của tôi", "Điểm của văn phòng"}
    mine = client_for(user).get(url)
    assert [p.code for p in mine.context["points"]] == [own.code]
    assert reverse("points:create") not in mine.content.decode()
    closed = client_for(cast.office).get(url, {"status": "closed"})
    assert [p.code for p in closed.context["points"]] == [own.code]
    for name in ("commune", "producer1", "chair", "outsider"):
        assert client_for(getattr(cast, name)).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]


def test_the_management_list_query_count_does_not_grow(cast, client_for):
    client = client_for(cast.office)
    PointOfSaleFactory()
    one = queries_of(client, reverse("points:manage"))
    for _ in range(10):
        carry(PointOfSaleFactory(buyer=buyer_with_user()[0]), listed_product().product)
    assert queries_of(client, reverse("points:manage")) == one


def _form(commune, **overrides) -> dict:
    data = {
        "kind": "ocop_point",
        "name": "Điểm bán OCOP Hồ Gươm",
        "address": "Số 1 phố Thử",
        "commune": commune.key,
        "opening_hours": "8:00–21:00",
        "phone": "0912 345 678",
        "email": "",
        "website": "",
        "operator_name": "",
        "buyer": "",
        "latitude": "",
        "longitude": "",
        "starts_on": "",
        "ends_on": "",
    }
    data.update(overrides)
    return data


def test_the_office_adds_a_point(cast, client_for):
    client = client_for(cast.office)
    assert client.get(reverse("points:create")).status_code == 200
    response = client.post(reverse("points:create"), _form(cast.commune_a))
    point = PointOfSale.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("points:detail", args=[point.code])
    assert (point.phone, point.commune) == ("0912345678", cast.commune_a)


def test_bad_input_is_shown_on_the_form(cast, client_for):
    client = client_for(cast.office)
    response = client.post(
        reverse("points:create"),
        _form(
            cast.commune_a,
            kind="fair",
            name="x" * 10_000,
            starts_on="10/09/2026",
            ends_on="01/09/2026",
            website="javascript:alert(1)",
        ),
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) >= {"name"}
    response = client.post(
        reverse("points:create"),
        _form(cast.commune_a, kind="fair", starts_on="10/09/2026", ends_on="01/09/2026"),
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"ends_on"}
    response = client.post(
        reverse("points:create"), _form(cast.commune_a, website="javascript:alert(1)")
    )
    assert set(response.context["form"].errors) == {"website"}
    assert not PointOfSale.objects.exists()


@pytest.mark.parametrize("name", ["commune", "producer1", "buyer", "outsider"])
def test_only_the_office_adds_points(cast, client_for, name):
    client = client_for(getattr(cast, name))
    assert client.get(reverse("points:create")).status_code == 404
    assert client.post(reverse("points:create"), _form(cast.commune_a)).status_code == 404


def test_the_buyer_edits_its_point_without_the_buyer_field(cast, client_for):
    buyer, user = buyer_with_user()
    point = PointOfSaleFactory(buyer=buyer, commune=cast.commune_a)
    client = client_for(user)
    page = client.get(reverse("points:edit", args=[point.code]))
    assert page.status_code == 200 and "buyer" not in page.context["form"].fields
    data = _form(cast.commune_a, name="Siêu thị đổi tên", buyer=buyer_with_user()[0].code)
    response = client.post(reverse("points:edit", args=[point.code]), data)
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.name, point.buyer) == ("Siêu thị đổi tên", buyer)
    office_page = client_for(cast.office).get(reverse("points:edit", args=[point.code]))
    assert "buyer" in office_page.context["form"].fields


@pytest.mark.parametrize("who", ["other_buyer", "commune", "commune2", "producer1", "anonymous"])
def test_others_cannot_edit_a_point(cast, client_for, who):
    buyer, _user = buyer_with_user()
    point = PointOfSaleFactory(buyer=buyer, commune=cast.commune_a)
    client = (
        Client()
        if who == "anonymous"
        else client_for(buyer_with_user()[1] if who == "other_buyer" else getattr(cast, who))
    )
    expected = 302 if who == "anonymous" else 404
    for url in (
        reverse("points:edit", args=[point.code]),
        reverse("points:products", args=[point.code]),
        reverse("points:history", args=[point.code]),
    ):
        assert client.get(url).status_code == expected
    assert (
        client.post(reverse("points:status", args=[point.code]), {"to": "closed"}).status_code
        == expected
    )
    assert (
        client.post(reverse("points:edit", args=[point.code]), _form(cast.commune_a)).status_code
        == expected
    )
    point.refresh_from_db()
    assert point.status == "open" and point.name != "Điểm bán OCOP Hồ Gươm"


def test_close_and_reopen_from_the_page(cast, client_for):
    point = PointOfSaleFactory()
    client = client_for(cast.office)
    url = reverse("points:status", args=[point.code])
    assert client.post(url, {"to": "closed", "reason": "Ngừng kinh doanh"}).status_code == 302
    assert Client().get(reverse("points:detail", args=[point.code])).status_code == 404
    page = client.get(reverse("points:detail", args=[point.code]))
    assert page.status_code == 200 and page.context["public"] is False
    client.post(url, {"to": "closed"})  # a second close is refused with a message
    assert client.post(url, {"to": "open"}).status_code == 302
    point.refresh_from_db()
    assert point.status == "open"
    history = client.get(reverse("points:history", args=[point.code]))
    assert "trade.pointofsale.close" in history.content.decode()


def test_the_products_page_finds_listed_products_without_diacritics(cast, client_for):
    buyer, user = buyer_with_user()
    point = PointOfSaleFactory(buyer=buyer)
    banh = listed_product(name="Bánh chưng Tranh Khúc")
    ProductFactory(name="Bánh chưng chưa chứng nhận")
    client = client_for(user)
    page = client.get(reverse("points:products", args=[point.code]), {"q": "banh chung"})
    assert [entry.product for entry in page.context["candidates"]] == [banh.product]
    assert (
        client.get(reverse("points:products", args=[point.code]), {"q": "%"}).context["candidates"]
        == []
    )
    response = client.post(
        reverse("points:products", args=[point.code]), {"product": banh.product.code}
    )
    assert response.status_code == 302
    assert list(point.products.all()) == [banh.product]
    again = client.get(reverse("points:products", args=[point.code]), {"q": "banh chung"})
    assert again.context["candidates"] == []
    assert [(row.product, listed) for row, listed in again.context["rows"]] == [
        (banh.product, True)
    ]


def test_only_listed_products_are_added_from_the_page(cast, client_for):
    point = PointOfSaleFactory()
    client = client_for(cast.office)
    unlisted = ProductFactory()
    response = client.post(
        reverse("points:products", args=[point.code]), {"product": unlisted.code}
    )
    assert response.status_code == 422 and "product" in response.context["form"].errors
    response = client.post(reverse("points:products", args=[point.code]), {"product": "SPNOTHERE"})
    assert response.status_code == 422 and "product" in response.context["form"].errors
    assert not PointOfSaleProduct.objects.exists()


def test_remove_a_product_from_the_page(cast, client_for):
    point = PointOfSaleFactory()
    entry = listed_product()
    carry(point, entry.product)
    client = client_for(cast.office)
    url = reverse("points:remove_product", args=[point.code])
    assert client.post(url, {"product": entry.product.code}).status_code == 302
    assert not PointOfSaleProduct.objects.exists()
    assert client.post(url, {"product": "SPNOTHERE"}).status_code == 404
