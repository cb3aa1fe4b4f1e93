"""The public news API (`/api/v1/news`), read-only, no authentication: published articles only
(a draft or a withdrawn article answers 404 problem details, like an unknown one).

- `GET ""`: newest first, filtered by `kind` (news, call, result); paginated (`limit`,
  `offset`);
- `GET "/{slug}"`: one article, with its plain text.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.catalog.models import Article
from ocop.catalog.queries.news import access_published_article, filter_by_kind, published_articles
from ocop.catalog.schemas_news import ArticleOut, ArticleRowOut, NewsFiltersIn
from ocop.core.problems import ProblemOut

router = Router(tags=["news"])


@router.get("", response=list[ArticleRowOut], auth=None, summary="Published articles (public)")
@paginate(LimitOffsetPagination)
def list_articles(request: HttpRequest, filters: Query[NewsFiltersIn]) -> QuerySet[Article]:
    return filter_by_kind(published_articles(), filters.kind)


@router.get(
    "/{slug}",
    response={200: ArticleOut, 404: ProblemOut},
    auth=None,
    summary="One published article (public)",
)
def article_detail(request: HttpRequest, slug: str) -> Article:
    return access_published_article(slug)
