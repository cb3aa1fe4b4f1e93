"""The points-of-sale routes (namespace `points`, /diem-ban/) in the authorisation matrix (see
tests/security/matrix.py): the public directory; a point's pages, kept by the provincial office
(every point) and by the buyer that runs it; a product's store links, kept by whoever may edit
the product."""

from __future__ import annotations

from tests.security.matrix import (
    ADMIN,
    BUYER,
    COMMUNE_A,
    DENIED,
    EVERYONE,
    MANAGERS,
    OFFICE,
    PRODUCER_A,
    E,
    Entry,
)

# The office, the administrator and the buyer that runs `points_closed`.
KEEPERS = MANAGERS | {BUYER}
# Whoever may edit producer A's product (`access_product(write=True)`).
PRODUCT_EDITORS = frozenset({PRODUCER_A, COMMUNE_A, OFFICE, ADMIN})


def _point(world):
    return {
        "kind": "ocop_point",
        "name": "Điểm bán OCOP Siêu thị Sen (sửa)",
        "address": "Số 5 phố Thử",
        "commune": world.commune_a.key,
        "opening_hours": "8:00–21:00",
    }


def _closed(world):
    return {"code": world.points_closed.code}


def _listed(world):
    return {"code": world.catalog_listed.code}


ENTRIES: list[Entry] = [
    E("points:directory", EVERYONE),
    E("points:manage", KEEPERS, note="the management list: the office, and a buyer's people"),
    E("points:create", MANAGERS, method="post", data=_point),
    E(
        "points:detail",
        KEEPERS,
        kwargs=_closed,
        anonymous=DENIED,
        note="a closed point is not public: only the office and the buyer that runs it see it",
    ),
    E("points:edit", KEEPERS, kwargs=_closed, method="post", data=_point),
    E("points:status", KEEPERS, kwargs=_closed, method="post", data={"to": "open", "reason": ""}),
    E(
        "points:products",
        KEEPERS,
        kwargs=_closed,
        method="post",
        data=lambda w: {"product": w.catalog_listed.code},
    ),
    E(
        "points:remove_product",
        KEEPERS,
        kwargs=_closed,
        method="post",
        data=lambda w: {"product": w.catalog_listed.code},
    ),
    E("points:history", KEEPERS, kwargs=_closed),
    E(
        "points:store_links",
        PRODUCT_EDITORS,
        kwargs=_listed,
        method="post",
        data={"platform": "tiki", "url": "https://tiki.vn/am-chen-men-ran"},
    ),
    E(
        "points:store_link_remove",
        PRODUCT_EDITORS,
        kwargs=_listed,
        method="post",
        data=lambda w: {"url": w.catalog_store_link.url},
    ),
    E(
        "points:store_link_move",
        PRODUCT_EDITORS,
        kwargs=_listed,
        method="post",
        data=lambda w: {"url": w.catalog_store_link.url, "direction": "down"},
    ),
    # The API: the public's view, whoever asks.
    E("GET /api/v1/points-of-sale", EVERYONE),
    E(
        "GET /api/v1/points-of-sale/{code}",
        EVERYONE,
        kwargs=lambda w: {"code": w.points_open.code},
    ),
]
