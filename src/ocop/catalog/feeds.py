"""The news feeds: RSS 2.0 (`/tin-tuc/rss.xml`) and Atom (`/tin-tuc/atom.xml`) of the latest
published articles, with absolute addresses on settings.SITE_URL (not the host a request came
through). Descriptions are the article's summary (or the start of its text), HTML-escaped:
feed readers read a description as HTML, and an article is plain text."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.catalog.enums import ArticleKind
from ocop.catalog.models import Article
from ocop.catalog.queries.news import FEED_ITEMS, latest_articles
from ocop.core.text import short_date

SUMMARY_WORDS = 60


def article_url(article: Article) -> str:
    return settings.SITE_URL + reverse("news:detail", kwargs={"slug": article.slug})


def article_summary(article: Article) -> str:
    """The summary, or the first words of the text (plain text)."""
    return article.summary or Truncator(" ".join(article.body.split())).words(SUMMARY_WORDS)


class LatestArticlesRss(Feed):
    feed_type = Rss201rev2Feed

    def title(self) -> str:
        return _("OCOP Hà Nội: news and announcements")

    def description(self) -> str:
        return _(
            "News of the OCOP programme of Hà Nội, calls for evaluation rounds and result "
            "announcements."
        )

    def subtitle(self) -> str:
        return self.description()

    def link(self) -> str:
        return settings.SITE_URL + reverse("news:list")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("news:rss")

    def language(self) -> str:
        return get_language() or settings.LANGUAGE_CODE

    def items(self) -> list[Article]:
        return latest_articles(FEED_ITEMS)

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        text = article_summary(item)
        if item.kind == ArticleKind.CALL and item.deadline is not None:
            text = _("Deadline for dossiers: %(date)s.") % {"date": short_date(item.deadline)} + (
                " " + text if text else ""
            )
        return escape(text)

    def item_link(self, item: Article) -> str:
        return article_url(item)

    def item_guid(self, item: Article) -> str:
        return article_url(item)

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [str(item.get_kind_display())]


class LatestArticlesAtom(LatestArticlesRss):
    feed_type = Atom1Feed

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("news:atom")
