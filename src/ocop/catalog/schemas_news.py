"""Schemas of the public news API (`ocop.catalog.api_news`): published articles only; codes and
addresses, never database ids; dates ISO; links absolute (settings.SITE_URL)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from ocop.catalog.feeds import article_summary, article_url
from ocop.catalog.models import Article
from ocop.catalog.queries.news import deadline_of, results_url


class NewsFiltersIn(Schema):
    kind: str = Field(default="", description="news | call | result (unknown: ignored)")


class RoundRef(Schema):
    code: str
    name: str
    year: int


class ArticleRowOut(Schema):
    code: str
    slug: str
    kind: str
    kind_label: str
    title: str
    summary: str = Field(description="The summary, or the first words of the text")
    published_at: dt.datetime
    deadline: dt.date | None = Field(description="A call's deadline for dossiers")
    days_left: int | None = Field(
        description="Days until a call's deadline (0 on the last day, negative once passed)"
    )
    results_year: int | None
    results_url: str | None = Field(description="The public results of that year")
    url: str

    @staticmethod
    def resolve_kind_label(obj: Article) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_summary(obj: Article) -> str:
        return article_summary(obj)

    @staticmethod
    def resolve_days_left(obj: Article) -> int | None:
        found = deadline_of(obj, timezone.localdate())
        return None if found is None else found.days_left

    @staticmethod
    def resolve_results_url(obj: Article) -> str | None:
        if obj.results_year is None:
            return None
        return settings.SITE_URL + results_url(obj.results_year)

    @staticmethod
    def resolve_url(obj: Article) -> str:
        return article_url(obj)


class ArticleOut(ArticleRowOut):
    body: str = Field(description="Plain text; paragraphs are separated by an empty line")
    round: RoundRef | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_round(obj: Article) -> dict[str, object] | None:
        found = obj.round
        if found is None:
            return None
        return {"code": found.code, "name": found.name, "year": found.year}
