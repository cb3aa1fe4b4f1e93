"""Reads of the portal's news and announcements (tin tức, thông báo) and their loaders.

- The public (pages, feeds, API, home page) sees PUBLISHED articles only: a draft or a withdrawn
  article answers 404 (`access_published_article`).
- The provincial OCOP office and the administrator write and manage every article
  (`access_article`: 404 for anyone else, whatever the article's status).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.rules import Access, as_access
from ocop.catalog.enums import ArticleKind, ArticleStatus
from ocop.catalog.models import Article
from ocop.core.text import fold
from ocop.evaluation.enums import RoundStatus
from ocop.evaluation.models import Round

SEARCH_MAX = 100
FEED_ITEMS = 20


def can_manage_news(access: Access) -> bool:
    """The provincial OCOP office and the administrator write the news."""
    if access.is_admin:
        return True
    return access.is_province_officer


def published_articles() -> QuerySet[Article]:
    """What the public sees, newest first."""
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, published_at__isnull=False)
        .select_related("round")
        .order_by("-published_at", "-id")
    )


def filter_by_kind(queryset: QuerySet[Article], kind: Any) -> QuerySet[Article]:
    """An unknown kind is ignored."""
    if kind in ArticleKind.values:
        return queryset.filter(kind=kind)
    return queryset


def access_published_article(slug: str) -> Article:
    """The public article page's loader: 404 for a draft, a withdrawn or an unknown article."""
    article = published_articles().filter(slug=slug).first()
    if article is None:
        raise Http404
    return article


def latest_articles(limit: int = FEED_ITEMS) -> list[Article]:
    """The newest published articles (the feeds and the home page)."""
    return list(published_articles()[:limit])


def articles_for_management(
    user_or_access: Any, *, status: str = "", kind: str = "", q: str = ""
) -> QuerySet[Article]:
    """Every article, for the office (none for anyone else), filtered."""
    access = as_access(user_or_access)
    queryset = Article.objects.select_related("author", "round")
    if not can_manage_news(access):
        return queryset.none()
    if status in ArticleStatus.values:
        queryset = queryset.filter(status=status)
    queryset = filter_by_kind(queryset, kind)
    folded = fold((q or "")[:SEARCH_MAX])
    if folded:
        queryset = queryset.filter(
            Q(title__icontains=q.strip()[:SEARCH_MAX]) | Q(slug__contains=folded.replace(" ", "-"))
        )
    return queryset


def access_article(user_or_access: Any, code: str, *, write: bool = False) -> Article:
    """An article by its code for the office (any status; `write` changes nothing here: only
    the office reads the management pages); else 404."""
    access = as_access(user_or_access)
    if not can_manage_news(access):
        raise Http404
    article = Article.objects.select_related("author", "round").filter(code=code).first()
    if article is None:
        raise Http404
    return article


# --- what an article shows ------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """The deadline of a call for an evaluation round, on a given day."""

    day: dt.date
    days_left: int  # 0 on the last day; negative once it has passed

    @property
    def is_open(self) -> bool:
        return self.days_left >= 0

    @property
    def is_last_day(self) -> bool:
        return self.days_left == 0


def deadline_of(article: Article, on: dt.date | None = None) -> Deadline | None:
    if article.kind != ArticleKind.CALL or article.deadline is None:
        return None
    today = on or timezone.localdate()
    return Deadline(day=article.deadline, days_left=(article.deadline - today).days)


def with_deadlines(articles: Iterable[Article], on: dt.date | None = None) -> list[Article]:
    """The articles, each with `call_deadline` (a `Deadline` or None), for the templates."""
    today = on or timezone.localdate()
    result = list(articles)
    for article in result:
        article.call_deadline = deadline_of(article, today)  # type: ignore[attr-defined]
    return result


def results_url(year: int) -> str:
    """The public results of a year: the list of rounds, at that year's heading."""
    return f"{reverse('results:rounds')}#year-{year}"


def round_choices() -> QuerySet[Round]:
    """The rounds a call may be linked to: those not closed yet, newest first."""
    return Round.objects.exclude(status=RoundStatus.CLOSED).order_by("-year", "-number", "level")
