"""The products app's routes in the authorisation matrix (see tests/security/matrix.py).

A product is read by whoever reads its producer (the whole province, the commune officer of the
producer's commune, the producer's own people) and kept (edited, archived, restored, its photos
added or removed) by the administrator, the province office, the commune officer of its commune
and the producer's own people (ocop.products.queries.products). Council members and the
approver read the registry but change nothing.
"""

from __future__ import annotations

from typing import Any

from tests.factories.products import upload
from tests.security import matrix as m
from tests.security.matrix import E, Entry

READERS = m.PROVINCE | {m.COMMUNE_A, m.PRODUCER_A}
KEEPERS = frozenset({m.ADMIN, m.OFFICE, m.COMMUNE_A, m.PRODUCER_A})
# Who may register a product for some producer: staff with producers in reach, producers.
CREATORS = frozenset({m.ADMIN, m.OFFICE, m.COMMUNE_A, m.COMMUNE_B, m.PRODUCER_A, m.PRODUCER_B})


def _product(world: Any) -> dict[str, str]:
    return {"code": world.products_product.code}


def _photo(world: Any) -> dict[str, str]:
    photo = world.products_photo
    return {"code": photo.product.code, "file_code": photo.file.code}


def _archived(world: Any) -> dict[str, str]:
    return {"code": world.products_archived.code}


def _edit_form(world: Any) -> dict[str, Any]:
    product = world.products_product
    return {
        "name": "Lọ hoa gốm men rạn cổ",
        "description": product.description,
        "classification": "",
    }


def _photo_form(world: Any) -> dict[str, Any]:
    return {"file": upload("moi.png"), "caption": "Mặt sau"}


def _photo_multipart(world: Any) -> dict[str, Any]:
    return {"__multipart__": True, "file": upload("moi.png"), "caption": "Mặt sau"}


REASON = {"reason": "Ngừng sản xuất"}

ENTRIES: list[Entry] = [
    # --- UI
    E(
        "products:list",
        m.SIGNED_IN,
        note="a list filtered by what the user may see (empty for a buyer)",
    ),
    E(
        "products:create",
        CREATORS,
        method="post",
        note="the view answers 404 to whoever may add a product to no producer at all",
    ),
    E("products:detail", READERS, kwargs=_product),
    E("products:history", READERS, kwargs=_product),
    E("products:edit", KEEPERS, kwargs=_product, method="post", data=_edit_form),
    E("products:archive", KEEPERS, kwargs=_product, method="post", data=REASON),
    E("products:restore", KEEPERS, kwargs=_archived, method="post", data=REASON),
    E("products:photo_add", KEEPERS, kwargs=_product, method="post", data=_photo_form),
    E("products:photo", READERS, kwargs=_photo),
    E("products:photo_remove", KEEPERS, kwargs=_photo, method="post"),
    # --- API
    E(
        "GET /api/v1/products/",
        m.SIGNED_IN,
        note="a list filtered by what the caller may see (empty for a buyer)",
    ),
    E(
        "POST /api/v1/products/",
        KEEPERS,
        data=lambda w: {"producer": w.producer_a.code, "name": "Bát gốm men lam mới"},
        hidden=True,
        note="producer A exists: whoever may not add products to it gets 404",
    ),
    E("GET /api/v1/products/{code}", READERS, kwargs=_product),
    E(
        "PATCH /api/v1/products/{code}",
        KEEPERS,
        kwargs=_product,
        data={"name": "Lọ hoa gốm men rạn cổ"},
    ),
    E("POST /api/v1/products/{code}/archive", KEEPERS, kwargs=_product, data=REASON),
    E("POST /api/v1/products/{code}/restore", KEEPERS, kwargs=_archived, data=REASON),
    E("POST /api/v1/products/{code}/photos", KEEPERS, kwargs=_product, data=_photo_multipart),
    E("GET /api/v1/products/{code}/photos/{file_code}", READERS, kwargs=_photo),
    E("DELETE /api/v1/products/{code}/photos/{file_code}", KEEPERS, kwargs=_photo),
]
