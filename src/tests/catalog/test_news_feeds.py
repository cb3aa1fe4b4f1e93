"""The news feeds and API: RSS 2.0 and Atom parse (xml.etree) and carry the latest 20 published
articles with absolute addresses on SITE_URL, never a draft or a withdrawn one, escaped text;
GET /api/v1/news (published only, by kind, paginated) and /{slug} (404 problem details for a
draft, a withdrawn or an unknown article)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ocop.catalog.enums import ArticleKind, ArticleStatus
from tests.factories.news import ArticleFactory, news_round

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(content: bytes) -> ET.Element:
    """The platform's own feed (trusted: not a document from elsewhere)."""
    return ET.fromstring(content)  # noqa: S314


@pytest.fixture
def articles(settings):
    settings.SITE_URL = "https://ocop.example.vn"
    now = timezone.now()
    made = [
        ArticleFactory(title=f"Tin số {n}", published_at=now - dt.timedelta(hours=n + 1))
        for n in range(22)
    ]
    call = ArticleFactory(
        title="Gọi hồ sơ <2027> & 🌾 سوق",
        summary="Tóm tắt <b>đậm</b>",
        kind=ArticleKind.CALL,
        deadline=dt.date(2027, 3, 31),
        published_at=now,
    )
    ArticleFactory(title="Bản nháp bí mật", status=ArticleStatus.DRAFT, published_at=None)
    ArticleFactory(title="Tin đã thu hồi", status=ArticleStatus.WITHDRAWN, published_at=now)
    return call, made


def test_the_rss_feed(articles):
    call, _made = articles
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's cookie
    response = client.get(reverse("news:rss"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse(response.content)
    channel = root.find("channel")
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert channel.findtext("link") == "https://ocop.example.vn/tin-tuc/"
    items = channel.findall("item")
    assert len(items) == 20
    titles = [item.findtext("title") for item in items]
    assert titles[0] == "Gọi hồ sơ <2027> & 🌾 سوق"
    assert titles[1:] == [f"Tin số {n}" for n in range(19)]
    assert "Bản nháp bí mật" not in titles and "Tin đã thu hồi" not in titles
    first = items[0]
    assert first.findtext("link") == f"https://ocop.example.vn/tin-tuc/{call.slug}/"
    assert first.findtext("guid") == first.findtext("link")
    description = first.findtext("description")  # HTML, in which the text's "<" is escaped
    assert description.startswith("Deadline for dossiers: 31/03/2027.")
    assert description.endswith(" Tóm tắt &lt;b&gt;đậm&lt;/b&gt;")
    assert first.findtext("pubDate")


def test_the_atom_feed(articles):
    call, _made = articles
    response = Client().get(reverse("news:atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse(response.content)
    assert root.tag == f"{ATOM}feed"
    self_link = [
        link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"
    ]
    assert self_link == ["https://ocop.example.vn/tin-tuc/atom.xml"]
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 20
    assert entries[0].findtext(f"{ATOM}title") == call.title
    assert (
        entries[0].find(f"{ATOM}link").get("href")
        == f"https://ocop.example.vn/tin-tuc/{call.slug}/"
    )
    assert all(entry.findtext(f"{ATOM}updated") for entry in entries)


def test_an_empty_feed_still_parses(db):
    root = parse(Client().get(reverse("news:rss")).content)
    assert root.find("channel").findall("item") == []


# --- the API --------------------------------------------------------------------------------


def test_the_api_lists_published_articles(articles):
    call, _made = articles
    body = Client().get("/api/v1/news", {"limit": 100}).json()
    assert body["count"] == 23
    assert body["items"][0]["slug"] == call.slug
    assert body["items"][0]["deadline"] == "2027-03-31"
    assert body["items"][0]["url"] == f"https://ocop.example.vn/tin-tuc/{call.slug}/"
    assert "id" not in body["items"][0]
    calls = Client().get("/api/v1/news", {"kind": "call"}).json()
    assert [item["slug"] for item in calls["items"]] == [call.slug]
    assert Client().get("/api/v1/news", {"kind": "bogus"}).json()["count"] == 23


def test_the_api_article(db, settings):
    settings.SITE_URL = "https://ocop.example.vn"
    round_ = news_round(year=2027)
    result = ArticleFactory(kind=ArticleKind.RESULT, results_year=2026, body="Đoạn 1.\n\nĐoạn 2.")
    call = ArticleFactory(kind=ArticleKind.CALL, deadline=timezone.localdate(), round=round_)
    body = Client().get(f"/api/v1/news/{result.slug}").json()
    assert body["body"] == "Đoạn 1.\n\nĐoạn 2."
    assert body["results_url"] == "https://ocop.example.vn/ket-qua/#year-2026"
    assert body["round"] is None and body["days_left"] is None
    body = Client().get(f"/api/v1/news/{call.slug}").json()
    assert body["days_left"] == 0
    assert body["round"] == {"code": round_.code, "name": round_.name, "year": 2027}


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.WITHDRAWN])
def test_the_api_hides_drafts_and_withdrawn_articles(cast, client_for, status):
    article = ArticleFactory(status=status)
    for client in (Client(), client_for(cast.office)):
        response = client.get(f"/api/v1/news/{article.slug}")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
    assert Client().get("/api/v1/news").json()["count"] == 0
    assert Client().get("/api/v1/news/no-such-thing").status_code == 404
