"""The store-links page of a product (`/diem-ban/lien-ket/<code>/`), reached from the product's
management page: add, move, remove; bad addresses shown on the form; 404 for anyone who may not
edit the product, a sign-in for the anonymous."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ocop.trade.models import StoreLink
from tests.factories.catalog import listed_product
from tests.factories.points import StoreLinkFactory

pytestmark = pytest.mark.django_db


def test_the_product_page_links_to_the_store_links_for_its_keepers_only(cast, client_for):
    url = reverse("points:store_links", args=[cast.product1.code])
    page = client_for(cast.producer1).get(reverse("products:detail", args=[cast.product1.code]))
    assert url in page.content.decode()
    reader = client_for(cast.chair).get(reverse("products:detail", args=[cast.product1.code]))
    assert reader.status_code == 200 and url not in reader.content.decode()


def test_add_move_and_remove_from_the_page(cast, client_for):
    client = client_for(cast.producer1)
    url = reverse("points:store_links", args=[cast.product1.code])
    page = client.get(url)
    assert page.status_code == 200 and page.context["listed"] is False
    assert client.post(url, {"platform": "shopee", "url": "https://shopee.vn/a"}).status_code == 302
    assert client.post(url, {"platform": "tiki", "url": "https://tiki.vn/b"}).status_code == 302
    move = reverse("points:store_link_move", args=[cast.product1.code])
    assert client.post(move, {"url": "https://tiki.vn/b", "direction": "up"}).status_code == 302
    page = client.get(url)
    assert [link.url for link in page.context["links"]] == [
        "https://tiki.vn/b",
        "https://shopee.vn/a",
    ]
    content = page.content.decode()
    assert 'rel="nofollow noopener noreferrer"' in content
    remove = reverse("points:store_link_remove", args=[cast.product1.code])
    assert client.post(remove, {"url": "https://tiki.vn/b"}).status_code == 302
    assert list(StoreLink.objects.values_list("url", flat=True)) == ["https://shopee.vn/a"]
    assert client.post(remove, {"url": "https://nowhere.vn/"}).status_code == 302  # a message


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("website", "javascript:alert(1)"),
        ("website", "http://gom.vn/"),
        ("shopee", "https://shopee.vn.evil.example/"),
        ("website", "https://gom.vn/" + "a" * 10_000),
    ],
)
def test_bad_addresses_are_shown_on_the_form(cast, client_for, platform, url):
    client = client_for(cast.producer1)
    response = client.post(
        reverse("points:store_links", args=[cast.product1.code]),
        {"platform": platform, "url": url},
    )
    assert response.status_code == 422
    assert "url" in response.context["form"].errors
    assert not StoreLink.objects.exists()


def test_a_listed_product_links_to_its_public_page(cast, client_for):
    entry = listed_product(producer=cast.prod1)
    page = client_for(cast.producer1).get(reverse("points:store_links", args=[entry.product.code]))
    assert page.context["listed"] is True
    assert reverse("catalog:product", args=[entry.product.code]) in page.content.decode()


@pytest.mark.parametrize("name", ["producer2", "commune2", "buyer", "chair", "outsider"])
def test_others_get_404(cast, client_for, name):
    StoreLinkFactory(product=cast.product1, url="https://shopee.vn/a")
    client = client_for(getattr(cast, name))
    code = cast.product1.code
    assert client.get(reverse("points:store_links", args=[code])).status_code == 404
    assert (
        client.post(
            reverse("points:store_links", args=[code]),
            {"platform": "shopee", "url": "https://shopee.vn/b"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("points:store_link_remove", args=[code]), {"url": "https://shopee.vn/a"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("points:store_link_move", args=[code]),
            {"url": "https://shopee.vn/a", "direction": "down"},
        ).status_code
        == 404
    )
    assert list(StoreLink.objects.values_list("url", flat=True)) == ["https://shopee.vn/a"]


def test_the_anonymous_are_sent_to_sign_in(cast):
    response = Client().get(reverse("points:store_links", args=[cast.product1.code]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    response = Client().post(
        reverse("points:store_link_remove", args=[cast.product1.code]), {"url": "x"}
    )
    assert response.status_code == 302
