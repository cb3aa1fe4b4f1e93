"""The news pages: the public list (published only, by kind, a page at a time, the same queries
for 1 or many) and an article page (a draft or a withdrawn article is 404; the text escaped with
its paragraphs; a call's deadline and days left; a result's link to the public results); the
management pages for the office only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.catalog.enums import ArticleKind, ArticleStatus
from ocop.catalog.models import Article
from tests.factories.news import ArticleFactory, news_round

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def english(client: Client, url: str, **query) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's cookie
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_published_articles_newest_first(db):
    older = ArticleFactory(title="Tin cũ", published_at=timezone.now() - dt.timedelta(days=3))
    newer = ArticleFactory(title="Tin mới", published_at=timezone.now() - dt.timedelta(hours=1))
    ArticleFactory(title="Bản nháp", status=ArticleStatus.DRAFT, published_at=None)
    ArticleFactory(title="Đã thu hồi", status=ArticleStatus.WITHDRAWN)
    response = Client().get(reverse("news:list"))
    assert [a.pk for a in response.context["articles"]] == [newer.pk, older.pk]
    content = response.content.decode()
    assert "Bản nháp" not in content and "Đã thu hồi" not in content
    assert 'type="application/rss+xml"' in content and reverse("news:rss") in content
    assert 'type="application/atom+xml"' in content


def test_the_list_filters_by_kind_and_paginates(db):
    for n in range(12):
        ArticleFactory(title=f"Tin {n}")
    call = ArticleFactory(kind=ArticleKind.CALL, deadline=TODAY() + dt.timedelta(days=3))
    client = Client()
    assert [
        a.pk for a in client.get(reverse("news:list"), {"kind": "call"}).context["articles"]
    ] == [call.pk]
    assert len(client.get(reverse("news:list"), {"kind": "bogus"}).context["articles"]) == 10
    second = client.get(reverse("news:list"), {"page": 2})
    assert len(second.context["articles"]) == 3
    assert client.get(reverse("news:list"), {"page": "x" * 10_000}).status_code == 200


def test_the_list_costs_the_same_queries_for_1_or_many(db):
    client = Client()
    ArticleFactory()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("news:list")).status_code == 200
        return len(queries)

    one = count()
    round_ = news_round()
    for n in range(9):
        ArticleFactory(kind=ArticleKind.CALL, deadline=TODAY() + dt.timedelta(days=n), round=round_)
    assert count() == one


def test_a_call_shows_its_deadline_and_the_days_left(db):
    ArticleFactory(
        title="Gọi hồ sơ", kind=ArticleKind.CALL, deadline=TODAY() + dt.timedelta(days=5)
    )
    ArticleFactory(title="Hôm nay", kind=ArticleKind.CALL, deadline=TODAY())
    ArticleFactory(title="Đã đóng", kind=ArticleKind.CALL, deadline=TODAY() - dt.timedelta(days=1))
    content = english(Client(), reverse("news:list"))
    assert "5 days left" in content
    assert "last day today" in content
    assert "closed" in content
    one = ArticleFactory(kind=ArticleKind.CALL, deadline=TODAY() + dt.timedelta(days=1))
    assert "1 day left" in english(Client(), reverse("news:detail", args=[one.slug]))


def test_an_article_page(db):
    round_ = news_round(year=2027)
    article = ArticleFactory(
        title="Gọi hồ sơ OCOP 2027",
        kind=ArticleKind.CALL,
        deadline=TODAY() + dt.timedelta(days=30),
        round=round_,
        body="Đoạn một <script>alert(1)</script>\ndòng hai.\n\nĐoạn hai: https://ocop.example.vn/huong-dan",
    )
    content = Client().get(reverse("news:detail", args=[article.slug])).content.decode()
    assert "<h1>Gọi hồ sơ OCOP 2027</h1>" in content
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<p>Đoạn một &lt;script&gt;alert(1)&lt;/script&gt;<br>dòng hai.</p>" in content
    assert '<a href="https://ocop.example.vn/huong-dan" rel="nofollow">' in content
    assert round_.name in content
    assert 'rel="alternate"' in content


def test_a_result_announcement_links_to_the_results_of_its_year(db):
    article = ArticleFactory(kind=ArticleKind.RESULT, results_year=2026)
    content = Client().get(reverse("news:detail", args=[article.slug])).content.decode()
    assert f'href="{reverse("results:rounds")}#year-2026"' in content


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.WITHDRAWN])
def test_drafts_and_withdrawn_articles_are_not_public(cast, client_for, status):
    article = ArticleFactory(status=status)
    url = reverse("news:detail", args=[article.slug])
    assert Client().get(url).status_code == 404
    assert client_for(cast.office).get(url).status_code == 404  # the office previews elsewhere
    assert (
        client_for(cast.office).get(reverse("news:manage_detail", args=[article.code])).status_code
        == 200
    )
    assert Client().get(reverse("news:detail", args=["no-such-article"])).status_code == 404


# --- management -----------------------------------------------------------------------------


MANAGE_URLS = ("news:manage", "news:create", "news:featured")


@pytest.mark.parametrize("name", ["commune", "producer1", "buyer", "chair", "approver", "outsider"])
def test_management_is_404_for_everyone_but_the_office(cast, client_for, name):
    client = client_for(getattr(cast, name))
    article = ArticleFactory(status=ArticleStatus.DRAFT, published_at=None)
    for url in [reverse(n) for n in MANAGE_URLS] + [
        reverse("news:manage_detail", args=[article.code]),
        reverse("news:edit", args=[article.code]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("news:status", args=[article.code]), {"to": "published"}).status_code
        == 404
    )
    assert (
        client.post(reverse("news:create"), {"kind": "news", "title": "T", "body": "B"}).status_code
        == 404
    )
    article.refresh_from_db()
    assert article.status == "draft" and Article.objects.count() == 1


def test_the_anonymous_are_sent_to_sign_in(db):
    for name in MANAGE_URLS:
        response = Client().get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_office_writes_publishes_and_withdraws(cast, client_for):
    client = client_for(cast.office)
    assert client.get(reverse("news:create")).status_code == 200
    response = client.post(
        reverse("news:create"),
        {
            "kind": "call",
            "title": "Thông báo đợt 1 năm 2027",
            "summary": "",
            "body": "Nội dung.",
            "deadline": "31/03/2027",
            "round": "",
            "results_year": "",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("news:manage_detail", args=[article.code])
    assert (article.status, article.deadline) == ("draft", dt.date(2027, 3, 31))
    page = client.get(reverse("news:manage_detail", args=[article.code]))
    assert [to for to, _label in page.context["actions"]] == ["published"]
    client.post(reverse("news:status", args=[article.code]), {"to": "published"})
    assert Client().get(reverse("news:detail", args=[article.slug])).status_code == 200
    client.post(reverse("news:status", args=[article.code]), {"to": "draft"})  # refused: a message
    article.refresh_from_db()
    assert article.status == "published"
    client.post(reverse("news:status", args=[article.code]), {"to": "withdrawn"})
    assert Client().get(reverse("news:detail", args=[article.slug])).status_code == 404
    listing = client.get(reverse("news:manage"), {"status": "withdrawn"})
    assert [a.pk for a in listing.context["articles"]] == [article.pk]
    history = client.get(reverse("news:manage_detail", args=[article.code])).content.decode()
    assert "catalog.article.withdraw" in history


def test_the_office_edits_an_article(cast, client_for):
    article = ArticleFactory(kind=ArticleKind.RESULT, results_year=2025)
    client = client_for(cast.office)
    page = client.get(reverse("news:edit", args=[article.code]))
    assert page.context["form"].initial["results_year"] == 2025
    data = {
        "kind": "result",
        "title": "Kết quả năm 2026",
        "summary": "",
        "body": "Văn bản.",
        "deadline": "",
        "round": "",
        "results_year": "2026",
    }
    assert client.post(reverse("news:edit", args=[article.code]), data).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.results_year) == ("Kết quả năm 2026", 2026)


def test_bad_input_is_shown_on_the_form(cast, client_for):
    client = client_for(cast.office)
    data = {
        "kind": "call",
        "title": "x" * 10_000,
        "summary": "",
        "body": "",
        "deadline": "",
        "round": "",
        "results_year": "",
    }
    response = client.post(reverse("news:create"), data)
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"title", "body"}
    data.update(title="Gọi hồ sơ", body="Nội dung")
    response = client.post(reverse("news:create"), data)
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"deadline"}
    data.update(kind="result")
    response = client.post(reverse("news:create"), data)
    assert set(response.context["form"].errors) == {"results_year"}
    assert not Article.objects.exists()


def test_the_management_list_costs_the_same_queries(cast, client_for):
    client = client_for(cast.office)
    ArticleFactory(author=cast.office)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("news:manage")).status_code == 200
        return len(queries)

    one = count()
    round_ = news_round()
    for _ in range(9):
        ArticleFactory(author=cast.admin, kind=ArticleKind.CALL, deadline=TODAY(), round=round_)
    assert count() == one
