"""A product's store links: only https addresses, on the platform's own domain for a named
store, no javascript:, no user names, within the length; once per product; at most ten; moved
and removed by address; only by those who keep the product; written on the product's history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ocop.core.models import ActivityLog
from ocop.evaluation.services.refusals import NotAllowed
from ocop.trade.models import StoreLink
from ocop.trade.services.store_links import (
    STORE_LINKS_MAX,
    add_store_link,
    clean_store_url,
    move_store_link,
    remove_store_link,
)
from tests.factories.points import StoreLinkFactory

pytestmark = pytest.mark.django_db


def urls_of(product) -> list[str]:
    return list(
        StoreLink.objects.filter(product=product)
        .order_by("position", "pk")
        .values_list("url", flat=True)
    )


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("shopee", "https://shopee.vn/tra-sen-i.123.456"),
        ("shopee", "https://s.shopee.vn/AbC"),
        ("lazada", "https://www.lazada.vn/products/tra-sen.html"),
        ("tiki", "https://tiki.vn/tra-sen-p123.html?spid=1"),
        ("tiktok", "https://vt.tiktok.com/ZS123/"),
        ("sendo", "https://www.sendo.vn/tra-sen"),
        ("postmart", "https://postmart.vn/san-pham/tra-sen"),
        ("voso", "https://voso.vn/tra-sen"),
        ("website", "https://trasen-quangan.vn/san-pham"),
        ("other", "https://cho-que.example.vn/tra"),
        ("website", "HTTPS://Example.VN/Trà-sen"),
    ],
)
def test_good_links(platform, url):
    assert clean_store_url(platform, url) == url


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("shopee", "javascript:alert(1)"),
        ("website", "JavaScript:alert(document.cookie)"),
        ("website", "data:text/html,<script>alert(1)</script>"),
        ("website", "http://trasen.vn/"),
        ("website", "ftp://trasen.vn/"),
        ("website", "//trasen.vn/"),
        ("website", "trasen.vn"),
        ("website", ""),
        ("website", "https://"),
        ("website", "https://tra sen.vn/"),
        ("website", "https://trasen.vn/\x00"),
        ("website", "https://user:pass@trasen.vn/"),
        ("website", "https://shopee.vn@evil.example/"),
        ("shopee", "https://shopee.vn.evil.example/tra"),
        ("shopee", "https://evil-shopee.vn/tra"),
        ("shopee", "https://tiki.vn/tra"),
        ("tiki", "https://tiki.vn.example.com/"),
        ("website", "https://trasen.vn/" + "a" * 500),
        ("website", "https://trasen.vn/🌾" + "x" * 10_000),
        ("castle", "https://trasen.vn/"),
    ],
)
def test_bad_links_are_refused(platform, url):
    with pytest.raises(ValidationError):
        clean_store_url(platform, url)


def test_the_owner_adds_moves_and_removes_links(cast):
    product = cast.product1
    first = add_store_link(
        actor=cast.producer1, product=product, platform="shopee", url="https://shopee.vn/a"
    )
    add_store_link(
        actor=cast.producer1_staff, product=product, platform="tiki", url="https://tiki.vn/b"
    )
    add_store_link(actor=cast.office, product=product, platform="website", url="https://gom.vn/c")
    assert first.position == 0
    assert urls_of(product) == ["https://shopee.vn/a", "https://tiki.vn/b", "https://gom.vn/c"]
    move_store_link(actor=cast.producer1, product=product, url="https://gom.vn/c", direction="up")
    assert urls_of(product) == ["https://shopee.vn/a", "https://gom.vn/c", "https://tiki.vn/b"]
    move_store_link(
        actor=cast.producer1, product=product, url="https://shopee.vn/a", direction="up"
    )
    assert urls_of(product) == ["https://shopee.vn/a", "https://gom.vn/c", "https://tiki.vn/b"]
    move_store_link(
        actor=cast.producer1, product=product, url="https://shopee.vn/a", direction="down"
    )
    assert urls_of(product) == ["https://gom.vn/c", "https://shopee.vn/a", "https://tiki.vn/b"]
    remove_store_link(actor=cast.producer1, product=product, url="https://shopee.vn/a")
    assert urls_of(product) == ["https://gom.vn/c", "https://tiki.vn/b"]
    actions = list(
        ActivityLog.objects.filter(object_id=str(product.pk), action__startswith="trade.storelink")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["trade.storelink.add"] * 3 + ["trade.storelink.move"] * 2 + [
        "trade.storelink.remove"
    ]


def test_the_same_address_once_and_at_most_ten(cast):
    product = cast.product1
    add_store_link(
        actor=cast.producer1, product=product, platform="shopee", url="https://shopee.vn/a"
    )
    with pytest.raises(ValidationError) as exc:
        add_store_link(
            actor=cast.producer1, product=product, platform="shopee", url="https://shopee.vn/a"
        )
    assert set(exc.value.message_dict) == {"url"}
    for n in range(STORE_LINKS_MAX - 1):
        StoreLinkFactory(product=product, url=f"https://shopee.vn/x{n}")
    with pytest.raises(ValidationError):
        add_store_link(
            actor=cast.producer1, product=product, platform="shopee", url="https://shopee.vn/z"
        )


@pytest.mark.parametrize("name", ["producer2", "commune2", "buyer", "chair", "outsider"])
def test_others_cannot_touch_the_links(cast, name):
    actor = getattr(cast, name)
    link = StoreLinkFactory(product=cast.product1, url="https://shopee.vn/a")
    with pytest.raises(NotAllowed):
        add_store_link(
            actor=actor, product=cast.product1, platform="shopee", url="https://shopee.vn/b"
        )
    with pytest.raises(NotAllowed):
        remove_store_link(actor=actor, product=cast.product1, url=link.url)
    with pytest.raises(NotAllowed):
        move_store_link(actor=actor, product=cast.product1, url=link.url, direction="up")
    assert urls_of(cast.product1) == ["https://shopee.vn/a"]


def test_the_commune_officer_of_the_producer_keeps_its_links(cast):
    add_store_link(
        actor=cast.commune, product=cast.product1, platform="shopee", url="https://shopee.vn/a"
    )
    assert urls_of(cast.product1) == ["https://shopee.vn/a"]


def test_an_unknown_link_or_direction_is_refused(cast):
    StoreLinkFactory(product=cast.product1, url="https://shopee.vn/a")
    with pytest.raises(ValidationError):
        remove_store_link(actor=cast.producer1, product=cast.product1, url="https://shopee.vn/b")
    with pytest.raises(ValidationError):
        move_store_link(
            actor=cast.producer1, product=cast.product1, url="https://shopee.vn/a", direction="left"
        )
    # another product's link is not this product's
    StoreLinkFactory(product=cast.product2, url="https://shopee.vn/other")
    with pytest.raises(ValidationError):
        remove_store_link(
            actor=cast.producer1, product=cast.product1, url="https://shopee.vn/other"
        )
    assert StoreLink.objects.count() == 2
