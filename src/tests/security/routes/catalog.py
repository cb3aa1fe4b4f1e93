"""The catalog app's routes in the authorisation matrix (see tests/security/matrix.py): the
public catalogue (no sign-in), its product and producer pages, the photos and the open data.

One entry per route, so the two sides of "what is public" are split between the page and the
API: the product PAGE is asked for `catalog_unlisted` (archived, with its catalogue row still
there: 404 for everyone, the administrator too, since the page is the public's view), while the
API's product and the photo are asked for `catalog_listed` (everyone).
"""

from __future__ import annotations

from typing import Any

from tests.security.matrix import DENIED, EVERYONE, NOBODY, E, Entry


def _photo(world: Any) -> dict[str, str]:
    return {"code": world.catalog_listed.code, "file_code": world.catalog_photo.file.code}


ENTRIES: list[Entry] = [
    E("catalog:list", EVERYONE),
    E("catalog:export_csv", EVERYONE),
    E("catalog:export_json", EVERYONE),
    E(
        "catalog:product",
        NOBODY,
        kwargs=lambda w: {"code": w.catalog_unlisted.code},
        anonymous=DENIED,
        note="an archived product whose catalogue row is still there (a bulk change) is not "
        "public: 404 for everyone; officials read it in the registry, not here",
    ),
    E("catalog:photo", EVERYONE, kwargs=_photo),
    E("catalog:producer", EVERYONE, kwargs=lambda w: {"code": w.producer_a.code}),
    # The API: public, no token needed.
    E("GET /api/v1/catalog/products", EVERYONE),
    E(
        "GET /api/v1/catalog/products/{code}",
        EVERYONE,
        kwargs=lambda w: {"code": w.catalog_listed.code},
    ),
    E("GET /api/v1/catalog/facets", EVERYONE),
]
