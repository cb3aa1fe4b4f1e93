"""Articles of the portal's news, and featured products.

ArticleFactory()                                  # a published news item
ArticleFactory(kind="call", deadline=day)         # a published call
ArticleFactory(status="draft", published_at=None) # a draft
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from ocop.catalog.enums import ArticleKind, ArticleStatus
from ocop.catalog.models import Article, FeaturedProduct


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    kind = ArticleKind.NEWS
    title = factory.Sequence(lambda n: f"Tin tức OCOP số {n}")
    slug = factory.Sequence(lambda n: f"tin-tuc-ocop-so-{n}")
    summary = "Tóm tắt bài viết."
    body = "Đoạn thứ nhất.\n\nĐoạn thứ hai."
    status = ArticleStatus.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - dt.timedelta(days=1, minutes=n))


def feature(product: Any, position: int = 0) -> FeaturedProduct:
    return FeaturedProduct.objects.create(product=product, position=position)


def article_data(**overrides: Any) -> dict[str, Any]:
    """Valid input for the article services (a news item)."""
    data: dict[str, Any] = {
        "kind": ArticleKind.NEWS,
        "title": "Hà Nội có thêm 50 sản phẩm OCOP",
        "summary": "",
        "body": "Đoạn một.\n\nĐoạn hai.",
        "deadline": None,
        "results_year": None,
        "round": None,
    }
    data.update(overrides)
    return data


def news_round(*, year: int = 2027, number: int = 1, **fields: Any) -> Any:
    """An evaluation round a call may be linked to."""
    from ocop.evaluation.models import Round

    from .criteria import CriteriaSetFactory

    return Round.objects.create(
        name=f"Đợt {number} năm {year}",
        year=year,
        number=number,
        criteria_set=CriteriaSetFactory(),
        status="open",
        **fields,
    )
