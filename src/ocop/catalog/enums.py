from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogSort(models.TextChoices):
    RELEVANCE = "relevance", _("most relevant")
    STARS = "stars", _("most stars")
    NAME = "name", _("name A–Z")
    NEWEST = "newest", _("newest certificate")


class ArticleKind(models.TextChoices):
    NEWS = "news", _("news")
    CALL = "call", _("call for an evaluation round")
    RESULT = "result", _("result announcement")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The one state machine of an article (`change_article_status`): a draft is published; a
# published article is withdrawn (it leaves the public pages, the feeds and the API); a withdrawn
# one is published again or goes back to draft.
ARTICLE_TRANSITIONS: dict[str, frozenset[str]] = {
    ArticleStatus.DRAFT: frozenset({ArticleStatus.PUBLISHED}),
    ArticleStatus.PUBLISHED: frozenset({ArticleStatus.WITHDRAWN}),
    ArticleStatus.WITHDRAWN: frozenset({ArticleStatus.PUBLISHED, ArticleStatus.DRAFT}),
}
