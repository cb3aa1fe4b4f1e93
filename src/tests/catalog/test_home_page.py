"""The home page is the programme's portal (`core:home` at "/"): open calls first with their
deadline, the latest published articles, the featured products still listed (in the office's
order; otherwise the most recently certified 5★ and 4★), a search box for the catalogue, the ways
in; the signed-in actions; a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.catalog.enums import ArticleKind, ArticleStatus
from ocop.certificates.models import Certificate
from tests.factories.catalog import listed_product
from tests.factories.news import ArticleFactory, feature

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def home(client: Client | None = None):
    response = (client or Client()).get(reverse("core:home"))
    assert response.status_code == 200
    return response


def test_the_home_page_is_at_the_root_under_its_old_name(db):
    assert reverse("core:home") == "/"
    response = home()
    assert response.templates[0].name == "catalog/home.html"
    content = response.content.decode()
    assert f'action="{reverse("catalog:list")}"' in content and 'name="q"' in content
    for name in (
        "points:directory",
        "results:rounds",
        "verify:form",
        "news:list",
        "accounts:login",
    ):
        assert reverse(name) in content, name
    assert reverse("news:rss") in content and 'rel="alternate"' in content
    assert "<script" not in content


def test_signed_in_people_go_to_their_dashboard(cast, client_for):
    content = home(client_for(cast.producer1)).content.decode()
    assert reverse("core:dashboard") in content
    assert reverse("producers:register") not in content


def test_open_calls_come_first_and_the_latest_news_follows(db):
    news = [ArticleFactory(title=f"Tin {n}") for n in range(6)]
    call = ArticleFactory(
        title="Gọi hồ sơ 2027",
        kind=ArticleKind.CALL,
        deadline=TODAY() + dt.timedelta(days=20),
        published_at=timezone.now() - dt.timedelta(days=30),
    )
    ArticleFactory(
        title="Gọi hồ sơ đã đóng", kind=ArticleKind.CALL, deadline=TODAY() - dt.timedelta(days=1)
    )
    ArticleFactory(
        title="Bản nháp",
        kind=ArticleKind.CALL,
        deadline=TODAY(),
        status=ArticleStatus.DRAFT,
        published_at=None,
    )
    context = home().context
    assert [a.pk for a in context["calls"]] == [call.pk]
    assert context["calls"][0].call_deadline.days_left == 20
    assert len(context["articles"]) == 4
    assert call.pk not in {a.pk for a in context["articles"]}
    assert [a.pk for a in context["articles"]][:3] == [news[0].pk, news[1].pk, news[2].pk]
    assert "Bản nháp" not in home().content.decode()


def test_featured_products_in_order_while_listed(db):
    a = listed_product(name="Giò lụa Ước Lễ", stars=3)
    b = listed_product(name="Trà ướp sen", stars=4)
    c = listed_product(name="Mơ muối", stars=5)
    feature(b.product, position=0)
    feature(a.product, position=1)
    feature(c.product, position=2)
    Certificate.objects.filter(pk=c.certificate.pk).update(status="revoked")
    context = home().context
    assert context["featured"] is True
    assert [e.name for e in context["entries"]] == ["Trà ướp sen", "Giò lụa Ước Lễ"]
    assert reverse("catalog:product", args=[b.product.code]) in home().content.decode()


def test_without_featured_products_the_newest_4_and_5_stars_show(db):
    listed_product(name="Ba sao", stars=3, decided_on=dt.date(2026, 6, 1))
    listed_product(name="Bốn sao cũ", stars=4, decided_on=dt.date(2025, 6, 1))
    listed_product(name="Năm sao mới", stars=5, decided_on=dt.date(2026, 6, 1))
    context = home().context
    assert context["featured"] is False
    assert [e.name for e in context["entries"]] == ["Năm sao mới", "Bốn sao cũ"]


def test_the_home_page_costs_the_same_queries_with_more_on_it(cast, client_for):
    def count(client: Client) -> int:
        with CaptureQueriesContext(connection) as queries:
            home(client)
        return len(queries)

    anonymous, office = Client(), client_for(cast.office)
    feature(listed_product(photo=True).product)
    ArticleFactory()
    ArticleFactory(kind=ArticleKind.CALL, deadline=TODAY())
    one = (count(anonymous), count(office))
    for n in range(7):
        feature(listed_product(photo=True).product, position=n + 1)
        ArticleFactory()
        ArticleFactory(kind=ArticleKind.CALL, deadline=TODAY() + dt.timedelta(days=n))
    assert (count(anonymous), count(office)) == one
