"""The portal part of the demo (`load_portal_demo`): points of sale in several communes carrying
listed products, store links, articles of each kind (a withdrawn one not public), featured
products; through the services; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ocop.accounts.models import Organisation, User
from ocop.catalog.enums import ArticleKind, ArticleStatus
from ocop.catalog.models import Article, FeaturedProduct
from ocop.catalog.queries.listing import listed_entries
from ocop.core.demo import ACCOUNTS, ORGANISATIONS, load_demo
from ocop.core.demo_portal import ARTICLES, POINTS, load_portal_demo
from ocop.trade.enums import PointOfSaleKind
from ocop.trade.models import PointOfSale, PointOfSaleProduct, StoreLink

# The demo is loaded once per module: keep the module on one worker (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("test_news_demo")]


def _cast() -> tuple[dict, dict]:
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS])}
    organisations = {
        key: Organisation.objects.get(kind=kind, name=name)
        for key, (kind, name, _unit) in ORGANISATIONS.items()
    }
    return users, organisations


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(seed=42, cycles=False)
        users, organisations = _cast()
        load_portal_demo(users=users, organisations=organisations)
        again = load_portal_demo(users=users, organisations=organisations)
        yield again
        transaction.set_rollback(True)


def test_a_second_run_adds_nothing(demo):
    assert demo == {
        "points_of_sale": 0,
        "point_products": 0,
        "store_links": 0,
        "articles": 0,
        "featured": 0,
    }


def test_points_of_sale_in_several_communes_carry_listed_products(demo):
    points = list(PointOfSale.objects.select_related("commune"))
    assert len(points) == len(POINTS) >= 6
    assert len({point.commune_id for point in points}) >= 6
    assert {point.kind for point in points} >= {"ocop_point", "supermarket", "shop", "fair"}
    fair = next(point for point in points if point.kind == PointOfSaleKind.FAIR)
    assert fair.starts_on <= fair.ends_on
    listed = set(listed_entries().values_list("product_id", flat=True))
    for point in points:
        carried = set(
            PointOfSaleProduct.objects.filter(point=point).values_list("product_id", flat=True)
        )
        assert carried and carried <= listed, point.name


def test_the_directory_and_a_product_page_show_them(demo):
    content = Client().get(reverse("points:directory")).content.decode()
    assert "Phường Hoàn Kiếm" in content and "Xã Bát Tràng" in content
    lotus = PointOfSale.objects.get(name__contains="Hoàn Kiếm").products.get(
        name="Trà ướp sen Tây Hồ"
    )
    assert lotus.points_of_sale.filter(status="open").count() >= 3


def test_store_links_on_example_paths(demo):
    links = list(StoreLink.objects.all())
    assert len(links) >= 4
    assert all("/vi-du-ocop-demo/" in link.url for link in links)
    assert {link.platform for link in links} >= {"shopee", "tiki", "postmart"}


def test_articles_of_each_kind_and_the_withdrawn_one_is_not_public(demo):
    assert Article.objects.count() == len(ARTICLES)
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    assert set(published.values_list("kind", flat=True)) == set(ArticleKind.values)
    withdrawn = Article.objects.get(status=ArticleStatus.WITHDRAWN)
    client = Client()
    assert client.get(reverse("news:detail", args=[withdrawn.slug])).status_code == 404
    page = client.get(reverse("news:list")).content.decode()
    assert withdrawn.title not in page
    assert "2027" in page
    result = published.get(kind=ArticleKind.RESULT)
    detail = client.get(reverse("news:detail", args=[result.slug])).content.decode()
    assert f"{reverse('results:rounds')}#year-2026" in detail


def test_the_calls_one_open_one_closed(demo):
    from django.utils import timezone

    today = timezone.localdate()
    calls = Article.objects.filter(kind=ArticleKind.CALL, status=ArticleStatus.PUBLISHED)
    assert sorted(call.deadline > today for call in calls) == [False, True]
    home = Client().get(reverse("core:home")).content.decode()
    assert "năm 2027 (đợt 1)" in home


def test_featured_products_are_listed(demo):
    featured = list(FeaturedProduct.objects.all())
    assert 3 <= len(featured) <= 4
    listed = set(listed_entries().values_list("product_id", flat=True))
    assert {row.product_id for row in featured} <= listed
