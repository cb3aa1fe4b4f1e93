"""The news routes (namespace `news`, /tin-tuc/) in the authorisation matrix (see
tests/security/matrix.py): the public list, feeds and articles, and the management of the
articles and of the home page's featured products by the provincial OCOP office (404 for
everyone else, whatever the article)."""

from __future__ import annotations

from tests.security.matrix import DENIED, EVERYONE, MANAGERS, NOBODY, E, Entry


def _article(world):
    return {
        "kind": "news",
        "title": "Hà Nội có thêm sản phẩm OCOP 5 sao",
        "summary": "",
        "body": "Đoạn một.\n\nĐoạn hai.",
    }


ENTRIES: list[Entry] = [
    E("news:list", EVERYONE),
    E("news:rss", EVERYONE),
    E("news:atom", EVERYONE),
    E(
        "news:detail",
        NOBODY,
        kwargs=lambda w: {"slug": w.news_draft.slug},
        anonymous=DENIED,
        note="a draft is not public: 404 for everyone, the office too (it reads the draft "
        "under /tin-tuc/quan-ly/)",
    ),
    E("news:manage", MANAGERS),
    E("news:create", MANAGERS, method="post", data=_article),
    E(
        "news:featured",
        MANAGERS,
        method="post",
        data=lambda w: {"product": w.catalog_listed.code},
    ),
    E(
        "news:featured_remove",
        MANAGERS,
        method="post",
        data=lambda w: {"product": w.catalog_listed.code},
    ),
    E(
        "news:featured_move",
        MANAGERS,
        method="post",
        data=lambda w: {"product": w.catalog_listed.code, "direction": "down"},
    ),
    E("news:manage_detail", MANAGERS, kwargs=lambda w: {"code": w.news_draft.code}),
    E(
        "news:edit",
        MANAGERS,
        kwargs=lambda w: {"code": w.news_draft.code},
        method="post",
        data=_article,
    ),
    E(
        "news:status",
        MANAGERS,
        kwargs=lambda w: {"code": w.news_draft.code},
        method="post",
        data={"to": "published"},
    ),
    # The API: public, published articles only.
    E("GET /api/v1/news", EVERYONE),
    E("GET /api/v1/news/{slug}", EVERYONE, kwargs=lambda w: {"slug": w.news_article.slug}),
]
